package render

import (
	"github.com/folio-ssg/folio/internal/content"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/folio-ssg/folio/internal/site"
)

func depsOf(t *testing.T, r *Renderer, s *site.Site, p *site.Page) Deps {
	t.Helper()
	deps, err := r.RenderDeps(io.Discard, s, p)
	if err != nil {
		t.Fatal(err)
	}
	return deps
}

func pageAt(s *site.Site, path string) *site.Page {
	for _, p := range s.Pages() {
		if p.Path == path {
			return p
		}
	}
	return nil
}

// The default theme's pages record what they show: a tag page its
// documents' own fields but not their text; a document page its text and
// its neighbours' fields.
func TestThemePagesRecordWhatTheyShow(t *testing.T) {
	r, err := New(Config{Theme: theme(t)})
	if err != nil {
		t.Fatal(err)
	}
	s := readerSite(t, "",
		"content/a.md", "---\ntitle: 甲\ndate: 2025-04-01\ntags: [经济]\n---\n正文甲。\n",
		"content/b.md", "---\ntitle: 乙\ndate: 2025-04-02\ntags: [经济]\n---\n正文乙。\n",
		"content/c.md", "---\ntitle: 丙\ndate: 2025-04-03\ntags: [教育]\n---\n正文丙。\n")
	tag := depsOf(t, r, s, pageAt(s, "/tags/经济/"))
	doc := depsOf(t, r, s, pageAt(s, s.Docs[1].Path)) // 乙, between 甲 and 丙
	home := depsOf(t, r, s, pageAt(s, "/"))
	has := func(deps Deps, k string) bool { return slices.Contains(deps, k) }
	for _, tt := range []struct {
		name string
		deps Deps
		key  string
		want bool
	}{
		{"tag page, a listed document", tag, "dcontent/a.md", true},
		{"tag page, a listed document's text", tag, "dcontent/a.md\x00body\x00", false},
		{"tag page, a document it does not list", tag, "dcontent/c.md", false},
		{"document page, its text", doc, "dcontent/b.md\x00body\x00", true},
		{"document page, the previous document", doc, "dcontent/b.md\x00prev\x00", true},
		{"document page, the previous document's fields", doc, "dcontent/a.md", true},
		{"document page, the previous document's text", doc, "dcontent/a.md\x00body\x00", false},
		{"home page, the count of documents", home, "S\x00count\x00", true},
		{"home page, every document", home, "S\x00docs\x00", false},
	} {
		if got := has(tt.deps, tt.key); got != tt.want {
			t.Errorf("%s: recorded %t, want %t; recorded:\n%s", tt.name, got, tt.want, strings.Join(tt.deps, "\n"))
		}
	}
}

// A key's value changes with what it stands for and with nothing else.
func TestValuesFollowTheirObjects(t *testing.T) {
	a := readerSite(t, "", "content/a.md", "---\ntitle: 甲\ndate: 2025-04-01\nauthor: 甲\n---\n正文。\n", "content/b.md", "---\ntitle: 乙\ndate: 2025-04-02\n---\n正文。\n")
	b := readerSite(t, "", "content/a.md", "---\ntitle: 甲\ndate: 2025-04-01\nauthor: 乙\n---\n正文。\n", "content/b.md", "---\ntitle: 乙\ndate: 2025-04-02\n---\n正文。\n")
	va, vb := NewValues(a, nil), NewValues(b, nil)
	for _, tt := range []struct {
		key  string
		same bool
	}{
		{"dcontent/a.md", false},            // the author changed
		{"dcontent/b.md", true},             // b did not
		{"dcontent/b.md\x00prev\x00", true}, // still a
		{"S\x00count\x00", true},
		{"dcontent/gone.md", true}, // gone in both
	} {
		if got := va.Value(tt.key) == vb.Value(tt.key); got != tt.same {
			t.Errorf("%q: same value %t, want %t", tt.key, got, tt.same)
		}
	}
	if va.Value("dcontent/gone.md") == va.Value("dcontent/a.md") {
		t.Error("a gone document has the value of one that is there")
	}
}

func TestValuesUseTheFrontDigestGiven(t *testing.T) {
	a := readerSite(t, "", "content/a.md", "---\ntitle: 甲\n---\n正文。\n", "content/b.md", "---\ntitle: 乙\n---\n正文。\n")
	kept := map[*content.Doc][32]byte{}
	for _, d := range a.Docs {
		kept[d.Doc] = FrontDigest(d.Doc)
	}
	calls := 0
	given := NewValues(a, func(d *content.Doc) [32]byte { calls++; return kept[d] })
	worked := NewValues(a, nil)
	for _, key := range []string{"dcontent/a.md", "dcontent/b.md"} {
		if given.Value(key) != worked.Value(key) {
			t.Errorf("%s: the value with the kept digest differs from the one worked out", key)
		}
	}
	if calls != 2 {
		t.Errorf("the front digest was asked for %d times, want 2", calls)
	}
	// A document whose front matter changed has another digest.
	b := readerSite(t, "", "content/a.md", "---\ntitle: 甲\nauthor: 乙\n---\n正文。\n")
	for _, d := range a.Docs {
		if d.Doc.Path == b.Docs[0].Doc.Path && FrontDigest(d.Doc) == FrontDigest(b.Docs[0].Doc) {
			t.Error("an added author left the front digest as it was")
		}
	}
}

// A page's stamp names the objects it is the page of by the keys that
// views record for them: each key EachPageObject gives must be the one
// the ID functions make, or a changed object would leave its pages kept.
func TestEachPageObjectGivesTheRecordedKeys(t *testing.T) {
	s := readerSite(t, "",
		"content/a.md", "---\ntitle: 甲\ndate: 2025-04-01\ntags: [经济]\n---\n正文甲。\n",
		"content/x/b.md", "---\ntitle: 乙\ndate: 2025-05-02\ntags: [经济, 教育]\n---\n正文乙。\n")
	kinds := map[string]bool{}
	for _, p := range s.Pages() {
		var want []string
		if p.Doc != nil {
			want = append(want, docID(p.Doc))
		}
		for _, d := range p.Docs {
			want = append(want, docID(d))
		}
		if p.Term != nil {
			want = append(want, termID(p.Term))
		}
		if p.Taxonomy != nil {
			want = append(want, taxonomyID(p.Taxonomy))
		}
		if p.Period != nil {
			want = append(want, periodID(p.Period))
		}
		if p.Section != nil {
			want = append(want, sectionID(p.Section))
		}
		var got []string
		EachPageObject(p, func(kind, name string) { got = append(got, kind+name) })
		if !slices.Equal(got, want) {
			t.Errorf("page %s: EachPageObject gives %q, the views record %q", p.Path, got, want)
		}
		kinds[p.Kind] = true
	}
	if len(kinds) < 4 {
		t.Errorf("only page kinds %v: the test covers less than it says", kinds)
	}
}
