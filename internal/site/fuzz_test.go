package site

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/date"
)

// urlSafe reports whether s is made only of what PathSegment keeps:
// letters and digits of every script, combining marks, "-", "_", ".", "~".
func urlSafe(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) && !strings.ContainsRune("-_.~", r) {
			return false
		}
	}
	return true
}

// kept is what of a name PathSegment never folds: its letters, digits,
// combining marks, "_" and "~", in order.
func kept(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || r == '_' || r == '~' {
			return r
		}
		return -1
	}, s)
}

// FuzzPathSegment checks that PathSegment gives a non-empty segment of at
// most 150 bytes, made only of the characters a URL keeps as written, never
// "." or "..", and stable under a second PathSegment. Two names of one
// folder share a segment only when they differ in nothing but what
// PathSegment folds: white space, punctuation (Chinese included), "-" and
// dots, and invalid UTF-8 ("a b", "a-b" and "a（b）" all give "a-b"); the
// site tells such names apart when it is assembled (see Site.place).
// Names too long to keep or with nothing to keep get a hash of the whole
// name, so they meet another name only by a 32-bit hash collision or when
// that name is written exactly as the hashed segment (such as "《》" and a
// file named with its 8 hex digits).
func FuzzPathSegment(f *testing.F) {
	for _, pair := range [][2]string{
		{"民法典（第一编 总则）", "民法典-第一编-总则"},
		{"6221--s", "6221-s"},
		{"..", "."},
		{"《》", "〔〕"},
		{"a\nb", "a\rb"},
		{"a\x00b", "a\xffb"},
		{".hidden", "hidden."},
		{strings.Repeat("最高人民法院关于", 20) + "一", strings.Repeat("最高人民法院关于", 20) + "二"},
		{strings.Repeat("-", 200), strings.Repeat(".", 200)},
		{"Émile", "E\u0301mile"},
		{"国办发〔2018〕128号", "国办发[2018]128号"},
		{"a/b", "a\\b"},
	} {
		f.Add(pair[0], pair[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		sa, sb := PathSegment(a), PathSegment(b)
		for _, c := range [][2]string{{a, sa}, {b, sb}} {
			name, seg := c[0], c[1]
			if seg == "" || seg == "." || seg == ".." || len(seg) > maxSlugBytes || !urlSafe(seg) {
				t.Fatalf("PathSegment(%q) = %q is not a safe path segment", name, seg)
			}
			if again := PathSegment(seg); again != seg {
				t.Fatalf("PathSegment(PathSegment(%q)) = %q, want %q", name, again, seg)
			}
		}
		if a != b && sa == sb && kept(a) != kept(b) {
			t.Fatalf("PathSegment(%q) = PathSegment(%q) = %q, though they differ in more than punctuation", a, b, sa)
		}
	})
}

// FuzzExpand fills permalink patterns for documents with arbitrary file
// names, titles, slugs and dates. A pattern made of placeholders and
// letters, digits, "-", "_" and "~" always expands, whatever the document,
// to a clean path ("/a/b/": no empty, "." or ".." segment) whose segments
// are made only of what a URL keeps as written; a segment that is one
// placeholder has at most 150 bytes; and :path gives one segment for each
// folder and the file. Any other pattern expands to a clean path or fails
// with an error naming it.
func FuzzExpand(f *testing.F) {
	for _, s := range [][5]string{
		{"/:path/", "laws/民法典（第一编 总则）.md", "民法典", "", "2020-05-28"},
		{"/:year/:month/:slug/", "2025/04/x.md", "人工智能发展", "", "2025年4月27日"},
		{"/:year/:month/:day/:slug/", "x.md", "月刊", "", "2025年4月"},
		{"/:section/:filename/", "《》/a b.md", "", "..", ""},
		{"/:year-:month-:day-:slug/", "a.md", "\x00\xff", "a/b", "2021-07-01T00:30:00+08:00"},
		{"/docs/:path/", "../a/./b//c.md", "t", "", "二〇二五年十三月一日"},
		{"/.:section/", "a.md", "t", "", ""},
		{"/:title/", "a.md", "t", "", ""},
		{"/:slug/:slug/", "a\nb/c\rd.md", strings.Repeat("长", 200), "", ""},
		{"/?:slug#/", "a.md", "t", "", ""},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4])
	}
	f.Fuzz(func(t *testing.T, pattern, rel, title, slug, when string) {
		// Walk gives slash paths without empty, "." or ".." elements.
		var parts []string
		for _, p := range strings.Split(rel, "/") {
			if p != "" && p != "." && p != ".." {
				parts = append(parts, p)
			}
		}
		if len(parts) == 0 {
			parts = []string{"index.md"}
		}
		rel = strings.Join(parts, "/")
		c := &content.Doc{Path: "content/" + rel, Rel: rel, Title: title, Slug: slug}
		c.Date, _ = date.Parse(when, nil)
		d := &Doc{Doc: c}
		// The slug as New chooses it.
		for _, s := range []string{Slug(slug), Slug(title), Slug(d.Name()), "untitled"} {
			if d.Slug == "" {
				d.Slug = s
			}
		}

		got, err := expand(pattern, d)
		simple := simplePattern(pattern)
		if err != nil {
			if simple {
				t.Fatalf("expand(%q) for %q: %v", pattern, rel, err)
			}
			if !strings.Contains(err.Error(), strconv.Quote(pattern)) {
				t.Fatalf("expand(%q): error %q does not name the pattern", pattern, err)
			}
			return
		}
		if !strings.HasPrefix(got, "/") || !strings.HasSuffix(got, "/") {
			t.Fatalf("expand(%q) for %q = %q, want a path that starts and ends with /", pattern, rel, got)
		}
		var segs []string
		if got != "/" {
			segs = strings.Split(got[1:len(got)-1], "/")
		}
		for _, seg := range segs {
			if seg == "" || seg == "." || seg == ".." {
				t.Fatalf("expand(%q) for %q = %q, which has a segment %q", pattern, rel, got, seg)
			}
			if simple && !urlSafe(seg) {
				t.Fatalf("expand(%q) for %q = %q: segment %q is not made of what a URL keeps", pattern, rel, got, seg)
			}
		}
		if !simple {
			return
		}
		for i, p := range strings.Split(strings.Trim(pattern, "/"), "/") {
			if i < len(segs) && (p == ":slug" || p == ":filename") && len(segs[i]) > maxSlugBytes {
				t.Fatalf("expand(%q) for %q: segment %q has %d bytes", pattern, rel, segs[i], len(segs[i]))
			}
		}
		if pattern == "/:path/" && (len(segs) != len(parts) || slices.ContainsFunc(segs, func(s string) bool { return len(s) > maxSlugBytes })) {
			t.Fatalf("expand(%q) for %q = %q, want %d segments of at most %d bytes", pattern, rel, got, len(parts), maxSlugBytes)
		}
	})
}

// simplePattern reports whether a permalink pattern is made only of known
// placeholders, "/" and letters, digits, "-", "_" and "~".
func simplePattern(p string) bool {
	for p != "" {
		r, n := utf8.DecodeRuneInString(p)
		p = p[n:]
		switch {
		case r == ':':
			j := 0
			for j < len(p) && p[j] >= 'a' && p[j] <= 'z' {
				j++
			}
			if !slices.Contains([]string{"year", "month", "day", "slug", "filename", "section", "path"}, p[:j]) {
				return false
			}
			p = p[j:]
		case r == '/' || r == '-' || r == '_' || r == '~' || unicode.IsLetter(r) || unicode.IsDigit(r):
		default:
			return false
		}
	}
	return true
}
