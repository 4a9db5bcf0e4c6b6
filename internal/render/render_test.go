package render

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/folio-ssg/folio"
	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/site"
	"io/fs"
)

func theme(t *testing.T) fs.FS {
	t.Helper()
	sub, err := fs.Sub(folio.Theme(), "templates")
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

func testSite(t *testing.T, lang string) *site.Site {
	t.Helper()
	c, errs := content.Parse("content/a.md", []byte("---\ntitle: 通知\nkeywords: [人工智能]\nissuer: 国务院办公厅\ndoc_number: 国办发〔2018〕128号\npages: [1, 2]\nnested: {x: 1}\n---\n"), content.Config{})
	if errs != nil {
		t.Fatal(errs)
	}
	d := &site.Doc{Doc: c}
	s, err := site.New(site.Config{Language: lang, BaseURL: "https://example.org/repo/"}, []*site.Doc{d}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func page(s *site.Site, kind string) *site.Page {
	for _, p := range s.Pages() {
		if p.Kind == kind {
			return p
		}
	}
	return nil
}

func TestSiteTemplateOverridesThemeFileByFile(t *testing.T) {
	r, err := New(Config{Theme: theme(t), Site: fstest.MapFS{
		"doc.html": {Data: []byte(`{{template "base" .}}{{define "main"}}<p id="issuer">{{.Page.Doc.Params.issuer}}</p>{{end}}`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Template(site.KindDoc); got != "templates/doc.html" {
		t.Errorf("Template(doc) = %q, want templates/doc.html", got)
	}
	if got := r.Template(site.KindTag); got != "theme:templates/list.html" {
		t.Errorf("Template(tag) = %q, want the theme's list.html", got)
	}
	s := testSite(t, "")
	b, err := r.Bytes(s, page(s, site.KindDoc))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `<p id="issuer">国务院办公厅</p>`) || !strings.Contains(string(b), `href="/repo/style.css"`) {
		t.Errorf("overridden doc page:\n%s", b)
	}
}

func TestKindSpecificTemplateBeatsList(t *testing.T) {
	r, err := New(Config{Theme: theme(t), Site: fstest.MapFS{"tag.html": {Data: []byte(`tag page {{.Page.Title}}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	s := testSite(t, "")
	b, err := r.Bytes(s, page(s, site.KindTag))
	if err != nil || string(b) != "tag page 人工智能" {
		t.Errorf("tag page = %q, %v", b, err)
	}
}

func TestTemplateErrorsArePositioned(t *testing.T) {
	_, err := New(Config{Theme: theme(t), Site: fstest.MapFS{
		"doc.html":  {Data: []byte("line one\n{{if}}\n")},
		"tags.html": {Data: []byte("{{.Page.Title}\n")},
	}})
	if err == nil {
		t.Fatal("broken templates parsed")
	}
	for _, want := range []string{"templates/doc.html:2:", "templates/tags.html:1:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %s", err, want)
		}
	}

	r, err := New(Config{Theme: theme(t), Site: fstest.MapFS{"doc.html": {Data: []byte("ok\n{{.Page.Nope}}")}}})
	if err != nil {
		t.Fatal(err)
	}
	s := testSite(t, "")
	_, err = r.Bytes(s, page(s, site.KindDoc))
	if err == nil || !strings.HasPrefix(err.Error(), "templates/doc.html:2:") {
		t.Errorf("execution error = %v, want it at templates/doc.html:2", err)
	}
}

func TestMissingTemplateCallIsPositioned(t *testing.T) {
	r, err := New(Config{Theme: theme(t), Site: fstest.MapFS{"doc.html": {Data: []byte("{{template \"base\" .}}\n{{define \"main\"}}\n<p>{{template \"nosuch\" .}}</p>{{end}}")}}})
	if err != nil {
		t.Fatal(err)
	}
	s := testSite(t, "")
	_, err = r.Bytes(s, page(s, site.KindDoc))
	if err == nil || !strings.HasPrefix(err.Error(), `templates/doc.html:3:14: no such template "nosuch"`) {
		t.Errorf("error = %v, want it at templates/doc.html:3:14", err)
	}
}

func TestMissingTemplatesAreAnError(t *testing.T) {
	if _, err := New(Config{}); err == nil || !strings.Contains(err.Error(), "no template for") {
		t.Errorf("New with no templates: %v", err)
	}
}

func TestExtraParamsAndLabels(t *testing.T) {
	s := testSite(t, "en-US")
	zh, _ := New(Config{Theme: theme(t)})
	en, _ := New(Config{Theme: theme(t), Language: "en-US"})
	var keys []string
	for _, p := range en.extraParams(newRecorder().doc(s.Docs[0])) {
		keys = append(keys, p.Key+"="+p.Label+"="+p.Text)
	}
	if got := strings.Join(keys, " "); got != "pages=Pages=1, 2" {
		t.Errorf("extraParams = %s", got)
	}
	if zh.label("tags") != "标签" || en.label("tags") != "Tags" || en.label("page", 2, 3) != "Page 2 of 3" || zh.label("unknown") != "unknown" {
		t.Error("labels are wrong")
	}
	b, err := en.Bytes(s, page(s, site.KindHome))
	if err != nil || !strings.Contains(string(b), "Latest documents") || !strings.Contains(string(b), `lang="en-US"`) {
		t.Errorf("English home page: %v\n%s", err, b)
	}
}

func TestDigestFollowsTemplates(t *testing.T) {
	a, _ := New(Config{Theme: theme(t)})
	b, _ := New(Config{Theme: theme(t), Site: fstest.MapFS{"tags.html": {Data: []byte("x")}}})
	if a.Digest(site.KindTags) == b.Digest(site.KindTags) {
		t.Error("changing tags.html did not change the tags digest")
	}
	if a.Digest(site.KindDoc) != b.Digest(site.KindDoc) {
		t.Error("changing tags.html changed the doc digest")
	}
	c, _ := New(Config{Theme: theme(t), Site: fstest.MapFS{"partials/pager.html": {Data: []byte(`{{define "pager"}}{{end}}`)}}})
	if a.Digest(site.KindDoc) == c.Digest(site.KindDoc) {
		t.Error("changing a partial did not change the doc digest")
	}
}

// TestNewReusesOnlyARendererOfTheSameInputs: New gives the renderer it made
// before for the same templates, language and labels, and a new one when
// any of them differs, even by one byte of a template, or when the one
// made before has been evicted.
func TestNewReusesOnlyARendererOfTheSameInputs(t *testing.T) {
	mk := func(cfg Config) *Renderer {
		t.Helper()
		cfg.Theme = theme(t)
		r, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	own := func(text string) fs.FS { return fstest.MapFS{"tags.html": {Data: []byte(text)}} }
	a := mk(Config{Site: own("x"), Labels: map[string]string{"newest": "最近"}})
	// The theme's own tags.html, given as the site's, is the site's.
	themeTags, err := fs.ReadFile(theme(t), "tags.html")
	if err != nil {
		t.Fatal(err)
	}
	if !mk(Config{Site: own(string(themeTags))}).Own(site.KindTags) || mk(Config{}).Own(site.KindTags) {
		t.Error("a copy of the theme's tags.html in the site is not the site's own")
	}
	if b := mk(Config{Site: own("x"), Labels: map[string]string{"newest": "最近"}}); b != a {
		t.Error("the same inputs gave a new renderer")
	}
	for name, cfg := range map[string]Config{
		"a template":    {Site: own("y"), Labels: map[string]string{"newest": "最近"}},
		"a file's name": {Site: fstest.MapFS{"partials/x.html": {Data: []byte("x")}}, Labels: map[string]string{"newest": "最近"}},
		"a label":       {Site: own("x"), Labels: map[string]string{"newest": "最新"}},
		"the labels":    {Site: own("x")},
		"the language":  {Site: own("x"), Labels: map[string]string{"newest": "最近"}, Language: "en"},
	} {
		if b := mk(cfg); b == a {
			t.Errorf("another %s gave the same renderer", name)
		}
	}
	// A site with a failing template is an error each time, never cached.
	for range 2 {
		if _, err := New(Config{Theme: theme(t), Site: own("{{")}); err == nil {
			t.Fatal("a broken template built a renderer")
		}
	}
	// The labels given are copied: changing the map later changes nothing.
	labels := map[string]string{"newest": "甲"}
	c := mk(Config{Labels: labels})
	labels["newest"] = "乙"
	if c.label("newest") != "甲" {
		t.Errorf("label after the caller's map changed = %q, want 甲", c.label("newest"))
	}
	// Evicted after recentSize others.
	for i := range recentSize {
		mk(Config{Site: own(fmt.Sprint(i))})
	}
	if b := mk(Config{Site: own("x"), Labels: map[string]string{"newest": "最近"}}); b == a {
		t.Error("a renderer was kept after recentSize others were made")
	}
}
