package build

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSiteWithoutContentIsAnError(t *testing.T) {
	s := newSite(t, "-- folio.yaml --\ntitle: 空\n").tryBuild()
	if s.err == nil || !strings.Contains(s.err.Error(), "has no content/ folder") {
		t.Errorf("a site root without content/: %v", s.err)
	}
	if s.exists("index.html") {
		t.Error("an empty site was written")
	}
}

func TestPermalinkThatCannotBeAPathIsAnError(t *testing.T) {
	for _, p := range []string{"/:slug/?x=1", "/:slug/#top", `/a\b/`, "/../:slug/"} {
		s := newSite(t, "-- folio.yaml --\npermalink: \""+strings.ReplaceAll(p, `\`, `\\`)+"\"\n-- content/a.md --\n# 甲\n").tryBuild()
		if s.err == nil || !strings.Contains(s.err.Error(), "folio.yaml: permalink") {
			t.Errorf("permalink %q: %v", p, s.err)
		}
	}
}

func TestSymlinkOutOfTheSiteIsRefused(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "id_rsa")
	if err := os.WriteFile(secret, []byte("PRIVATE KEY"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := newSite(t, "-- content/a.md --\n# 甲\n")
	if err := os.Symlink(secret, filepath.Join(s.root, "content", "report.pdf")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(s.root, "static"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(s.root, "static", "key.txt")); err != nil {
		t.Fatal(err)
	}
	s.tryBuild()
	if s.err == nil || !strings.Contains(s.err.Error(), "content/report.pdf: a symlink to "+secret+", outside the site root") {
		t.Fatalf("symlink out of content/: %v", s.err)
	}
	os.Remove(filepath.Join(s.root, "content", "report.pdf"))
	s.tryBuild()
	if s.err == nil || !strings.Contains(s.err.Error(), "static/key.txt: a symlink to "+secret+", outside the site root") {
		t.Fatalf("symlink out of static/: %v", s.err)
	}
	// Opted in, it is published, with a warning.
	s.write("folio.yaml", "follow_symlinks: true\n")
	s.build()
	s.assertFile("key.txt", "PRIVATE KEY")
	if w := strings.Join(s.result.Warnings, "\n"); !strings.Contains(w, "static/key.txt is a symlink") {
		t.Errorf("warnings: %s", w)
	}
}
