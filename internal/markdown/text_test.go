package markdown

import (
	"strings"
	"testing"
)

// collapseSpaceRef is appendCollapsed as its comment defines it, written
// the obvious way: appendCollapsed must agree with it on any input.
func collapseSpaceRef(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, `\ `, "")), " ")
}

func TestAppendCollapsedMatchesItsDefinition(t *testing.T) {
	cases := []string{
		"", " ", "a", "  a  b  ", "a\tb\nc\u3000d", "中文\u00a0空格\u2003词",
		`a\ b`, `\\ x`, `\\\  y`, `a\`, `\`, "a\\\u3000b",
		"\xff bad \xe4\xb8 utf8 \x85", "\u0085a\u0085", "行一\n行二  \n\n行三",
		"  \\   \\ \\  ", "x\\ \\ y",
	}
	for _, s := range cases {
		if got, want := string(appendCollapsed(nil, []byte(s))), collapseSpaceRef(s); got != want {
			t.Errorf("appendCollapsed(%q) = %q, want %q", s, got, want)
		}
		// Appending keeps what dst holds.
		if got, want := string(appendCollapsed([]byte("前 "), []byte(s))), "前 "+collapseSpaceRef(s); got != want {
			t.Errorf("appendCollapsed(%q, %q) = %q, want %q", "前 ", s, got, want)
		}
	}
}

func FuzzAppendCollapsed(f *testing.F) {
	f.Add("a \\ b\u3000c")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendCollapsed(nil, []byte(s))), collapseSpaceRef(s); got != want {
			t.Errorf("appendCollapsed(%q) = %q, want %q", s, got, want)
		}
	})
}

// The analyzer reuses its room from block to block, and Convert its
// buffers from document to document: a document's counts, summary and
// headings are what it gives alone, whatever was converted before it.
func TestConvertReusesNothingItShows(t *testing.T) {
	docs := []string{
		"# 长标题\n\n" + strings.Repeat("很长的一段正文，", 80) + "\n\n## 小节\n\n" + strings.Repeat("word ", 300),
		"短文。\n\n## 甲\n\n乙。",
		"<p>抓取的段落</p>\n\n" + strings.Repeat("x ", 50),
		"",
	}
	c := New()
	alone := make([]*Result, len(docs))
	for i, d := range docs {
		res, err := New().Convert([]byte(d), Options{})
		if err != nil {
			t.Fatal(err)
		}
		alone[i] = res
	}
	for round := range 2 {
		for i, d := range docs {
			res, err := c.Convert([]byte(d), Options{})
			if err != nil {
				t.Fatal(err)
			}
			a := alone[i]
			if string(res.HTML) != string(a.HTML) || res.Summary != a.Summary || res.Chars != a.Chars || res.Words != a.Words || len(res.Headings) != len(a.Headings) {
				t.Fatalf("round %d, document %d: got %q %q %d %d %v, alone %q %q %d %d %v", round, i, res.HTML, res.Summary, res.Chars, res.Words, res.Headings, a.HTML, a.Summary, a.Chars, a.Words, a.Headings)
			}
			for j, h := range res.Headings {
				if h != a.Headings[j] {
					t.Errorf("round %d, document %d: heading %d = %+v, alone %+v", round, i, j, h, a.Headings[j])
				}
			}
		}
	}
}
