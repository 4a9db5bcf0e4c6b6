package watch

import (
	"path/filepath"
	"slices"
	"testing"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		rel  string
		kind Kind
		ok   bool
	}{
		{"content/2025/x.md", Content, true},
		{"content/政策/通知.md", Content, true},
		{"content/2025/img.png", Content, true},
		{"content", Content, true},
		{"templates/page.html", Template, true},
		{"templates", Template, true},
		{"static/css/site.css", Static, true},
		{"static", Static, true},
		{"folio.yaml", ConfigFile, true},
		{".", ConfigFile, true},

		// Outside the site's sources.
		{"public/index.html", 0, false},
		{"public", 0, false},
		{"README.md", 0, false},
		{"folio.yaml/x", 0, false},
		{"contents/x.md", 0, false},
		{"../content/x.md", 0, false},
		{"/content/x.md", 0, false},
		{"content//x.md", 0, false},
		{"", 0, false},

		// Dotfiles and dot-folders.
		{".git/HEAD", 0, false},
		{".folio.yaml", 0, false},
		{"content/.DS_Store", 0, false},
		{"content/.drafts/x.md", 0, false},
		{".github", 0, false},

		// Editor temporary and backup files.
		{"content/x.md~", 0, false},
		{"content/.x.md.swp", 0, false},
		{"content/x.md.swp", 0, false},
		{"content/x.md.swx", 0, false},
		{"content/x.md.tmp", 0, false},
		{"content/.#x.md", 0, false},
		{"content/#x.md#", 0, false},
		{"content/4913", 0, false},
		{"templates/page.html___jb_tmp___", 0, false},
		{"templates/page.html___jb_old___", 0, false},
		{"content/#1.md", Content, true},
		{"content/49130.md", Content, true},
	}
	for _, tt := range tests {
		kind, ok := Classify(tt.rel)
		if kind != tt.kind || ok != tt.ok {
			t.Errorf("Classify(%q) = %v, %v, want %v, %v", tt.rel, kind, ok, tt.kind, tt.ok)
		}
	}
}

func TestCleanIgnore(t *testing.T) {
	root := t.TempDir()
	got := cleanIgnore(root, []string{"public", "./public/", filepath.Join(root, "static", "gen"), filepath.Dir(root), ".", "../x"})
	want := []string{"public", "public", "static/gen"}
	if !slices.Equal(got, want) {
		t.Errorf("cleanIgnore = %q, want %q", got, want)
	}
}
