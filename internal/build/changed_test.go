package build

import (
	"strings"
	"testing"
)

// A watched Builder reads only what it is told changed (folio serve).
func TestChangedReadsOnlyWhatItIsTold(t *testing.T) {
	t.Parallel()
	s := rebuildSite(t)
	s.b.Changed(nil) // from now on the builder is told every change
	s.write("content/d05.md", "---\ntitle: 文档05\ndate: 2024-06-06\ntags: [丙]\n---\n第一次改动。\n")
	s.write("content/d06.md", "---\ntitle: 文档06\ndate: 2024-07-07\ntags: [甲]\n---\n没有告诉构建的改动。\n")
	s.b.Changed([]string{"content/d05.md"})
	s.build()
	if s.result.Parsed != 1 {
		t.Errorf("parsed %d files, want the one named", s.result.Parsed)
	}
	s.assertFile("2024/06/文档05/index.html", "第一次改动")
	s.assertFile("2024/07/文档06/index.html", "! 没有告诉构建的改动")

	// A template batch parses no document but the templates again.
	rnd := s.b.rnd
	s.write("templates/partials/doclist.html", `{{define "doclist"}}<ol class="own">{{range .Page.Docs}}<li>{{.Title}}</li>{{end}}</ol>{{end}}`)
	s.b.Changed([]string{"templates/partials/doclist.html"})
	s.build()
	if s.result.Parsed != 0 || s.b.rnd == rnd {
		t.Errorf("template batch: parsed %d files, templates parsed again: %v", s.result.Parsed, s.b.rnd != rnd)
	}
	s.assertFile("tags/甲/index.html", `<ol class="own">`)

	// A static batch neither parses documents nor templates.
	rnd = s.b.rnd
	s.write("static/extra.css", "body{}")
	s.b.Changed([]string{"static/extra.css"})
	s.build()
	if s.result.Parsed != 0 || s.b.rnd != rnd || s.result.Rendered != 0 {
		t.Errorf("static batch: parsed %d, rendered %d, templates parsed again: %v", s.result.Parsed, s.result.Rendered, s.b.rnd != rnd)
	}
	if s.file("extra.css") != "body{}" {
		t.Error("static file not copied")
	}

	// folio.yaml (or ".") means everything: the untold edit is read now.
	s.b.Changed([]string{"."})
	s.build()
	s.assertFile("2024/07/文档06/index.html", "没有告诉构建的改动")
}

// What a failed build was told is read again by the next one.
func TestChangedSurvivesAFailedBuild(t *testing.T) {
	t.Parallel()
	s := rebuildSite(t)
	s.b.Changed(nil)
	s.write("content/d05.md", "---\ntitle: [unclosed\n---\n坏的。\n")
	s.b.Changed([]string{"content/d05.md"})
	if s.tryBuild(); s.err == nil {
		t.Fatal("a broken document built")
	}
	s.write("content/d05.md", "---\ntitle: 文档05\ndate: 2024-06-06\ntags: [丙]\n---\n修好了。\n")
	s.build() // not told again
	s.assertFile("2024/06/文档05/index.html", "修好了")
	if !strings.Contains(s.file("2024/06/文档05/index.html"), "文档05") {
		t.Error("title lost")
	}
}

// An edit that grows a document past its limit is reported as a walk of
// content/ would report it.
func TestChangedEditPastTheLimitIsReported(t *testing.T) {
	t.Parallel()
	s := rebuildSite(t)
	s.b.Changed(nil)
	s.write("folio.yaml", "page_size: 5\npermalink: /:year/:month/:slug/\nmax_document_mb: 1\n")
	s.b.Changed([]string{"folio.yaml"})
	s.build()
	s.write("content/d05.md", "---\ntitle: 文档05\ndate: 2024-06-06\n---\n"+strings.Repeat("长", 400_000))
	s.b.Changed([]string{"content/d05.md"})
	if s.tryBuild(); s.err == nil || !strings.Contains(s.err.Error(), "max_document_mb") {
		t.Errorf("err = %v, want the document's size reported", s.err)
	}
}
