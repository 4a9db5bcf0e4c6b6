package render

import (
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
