package search

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestFoldFoldsWidthAndCase(t *testing.T) {
	for _, c := range []struct{ in, want rune }{
		{'Ａ', 'a'}, {'ｚ', 'z'}, {'１', '1'}, {'％', '%'}, {'～', '~'}, {'\u3000', ' '},
		{'A', 'a'}, {'Ä', 'ä'}, {'Σ', 'σ'}, {'Д', 'д'}, {'Ẁ', 'ẁ'},
		{'İ', 'İ'}, // its lower case is two code points in JavaScript
		{'人', '人'}, {'ｶ', 'ｶ'}, {'。', '。'},
	} {
		if got := fold(c.in); got != c.want {
			t.Errorf("fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNormalizeDropsInvisibleCharacters(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"人工\u200b智能", "人工智能"},
		{"ＧＤＰ增长２０２５", "gdp增长2025"},
		{"\ufeffExecutive\u00adOrder", "executiveorder"},
		{"全角　空格", "全角 空格"},
	} {
		if got := normalize(c.in); got != c.want {
			t.Errorf("normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// units formats the units of s as "text@pos".
func units(s string, pos int32) string {
	us, _ := scan(nil, s, pos)
	var out []string
	for _, u := range us {
		if u.han != 0 {
			out = append(out, fmt.Sprintf("%c@%d", u.han, u.pos))
		} else {
			out = append(out, fmt.Sprintf("%s@%d", u.word, u.pos))
		}
	}
	return strings.Join(out, " ")
}

func TestScanCountsSeparatorRunsAsOnePosition(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"人工智能", "人@0 工@1 智@2 能@3"},
		{"人工，智能", "人@0 工@1 智@3 能@4"},
		{"人工，\n  智能", "人@0 工@1 智@3 能@4"},
		{"  ——人工", "人@0 工@1"},
		{"GDP增长2025年", "gdp@0 增@1 长@2 2025@3 年@4"},
		{"Executive Order 12", "executive@0 order@2 12@4"},
		{"ＧＤＰ增长５％", "gdp@0 增@1 长@2 5@3"},
		{"二〇二四年", "二@0 〇@1 二@2 四@3 年@4"},
		{"café naïve", "café@0 naïve@2"},
		{"exe\u200bcutive", "executive@0"},
	} {
		if got := units(c.in, 0); got != c.want {
			t.Errorf("scan(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestDocTokensAreBigramsWordsAndLoneCharacters(t *testing.T) {
	for _, c := range []struct {
		in   string
		pos  int32
		want string
	}{
		// Body text: bigrams only, where Han characters are adjacent.
		{"人工智能", titleSpan, "人工@1024 工智@1025 智能@1026"},
		{"人工，智能", titleSpan, "人工@1024 智能@1027"},
		// A character with no Han neighbour, or touching a word, also alone.
		{"第5条规定", titleSpan, "第@1024 5@1025 条规@1026 条@1026 规定@1027"},
		{"A股市场", titleSpan, "a@1024 股市@1025 股@1025 市场@1026"},
		{"的 x", titleSpan, "的@1024 x@1026"},
		// Title text: every character alone as well.
		{"乡村振兴", 0, "乡村@0 乡@0 村振@1 村@1 振兴@2 振@2 兴@3"},
	} {
		us, _ := scan(nil, c.in, c.pos)
		var got []string
		for _, tk := range docTokens(nil, us) {
			got = append(got, fmt.Sprintf("%s@%d", tk.text(), tk.pos))
		}
		if s := strings.Join(got, " "); s != c.want {
			t.Errorf("docTokens(%q) = %s, want %s", c.in, s, c.want)
		}
	}
}

func TestCoverProvesAPhraseWithFewestBigrams(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"人工", "人工@0"},
		{"发展中", "发展@0 展中@1"},
		{"人工智能", "人工@0 智能@2"},
		{"乡村振兴战", "乡村@0 振兴@2 兴战@3"},
		{"乡村振兴战略", "乡村@0 振兴@2 战略@4"},
		{"5G网络", "5g@0 网络@1"},
		{"A股", "a@0 股@1"},
		{"村", "村@0"},
		{"executive order", "executive@0 order@2"},
		{"哈哈哈哈", "哈哈@0 哈哈@2"},
		{"第5条", "第@0 5@1 条@2"},
	} {
		us, _ := scan(nil, c.in, 0)
		var got []string
		for _, tk := range cover(us) {
			got = append(got, fmt.Sprintf("%s@%d", tk.text, tk.pos))
		}
		if s := strings.Join(got, " "); s != c.want {
			t.Errorf("cover(%q) = %s, want %s", c.in, s, c.want)
		}
	}
}

func TestParseQuerySplitsTermsAndQuotes(t *testing.T) {
	for _, c := range []struct {
		in     string
		want   string // terms as their cover tokens, "|" between; * marks a prefix term, ! a title-only character
		pieces []string
	}{
		{"人工智能", "人工@0 智能@2", []string{"人工智能"}},
		{"经济 发展", "经济@0|发展@0", []string{"发展", "经济"}},
		{"GDP 增长 2025", "gdp@0|增长@0|2025@0*", []string{"2025", "gdp", "增长"}},
		{"GDP 增长 2025 ", "gdp@0|增长@0|2025@0", []string{"2025", "gdp", "增长"}},
		{"exec", "exec@0*", []string{"exec"}},
		{"ex", "ex@0", []string{"ex"}},
		{`"executive order"`, "executive@0 order@2", []string{"executive", "order"}},
		{`“executive order” ord`, "executive@0 order@2|ord@0*", []string{"executive", "order", "ord"}},
		{`"exec`, "exec@0", []string{"exec"}},
		{"村", "村@0!", []string{"村"}},
		{"ＧＤＰ　５Ｇ网络", "gdp@0|5g@0 网络@1", []string{"5g网络", "gdp"}},
		{"  ，。 ", "", nil},
	} {
		terms, pieces := parseQuery(c.in)
		var got []string
		for _, tm := range terms {
			var s []string
			for _, tk := range tm.toks {
				s = append(s, fmt.Sprintf("%s@%d", tk.text, tk.pos))
			}
			str := strings.Join(s, " ")
			if tm.prefix {
				str += "*"
			}
			if tm.char {
				str += "!"
			}
			got = append(got, str)
		}
		if s := strings.Join(got, "|"); s != c.want {
			t.Errorf("parseQuery(%q) terms = %s, want %s", c.in, s, c.want)
		}
		if !slices.Equal(pieces, c.pieces) {
			t.Errorf("parseQuery(%q) pieces = %q, want %q", c.in, pieces, c.pieces)
		}
	}
}

func TestShardKeyGroupsWordsByPrefix(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"executive", "exe"}, {"ex", "ex"}, {"2025", "202"}, {"人工", "人工"}, {"\x01农业", "\x01农业"}, {"café", "caf"},
	} {
		if got := shardKey(c.in); got != c.want {
			t.Errorf("shardKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
