package build

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSiteWithoutContentIsAnError(t *testing.T) {
	t.Parallel()
	s := newSite(t, "-- folio.yaml --\ntitle: 空\n").tryBuild()
	if s.err == nil || !strings.Contains(s.err.Error(), "has no content/ folder") {
		t.Errorf("a site root without content/: %v", s.err)
	}
	if s.exists("index.html") {
		t.Error("an empty site was written")
	}
}

func TestPermalinkThatCannotBeAPathIsAnError(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"/:slug/?x=1", "/:slug/#top", `/a\b/`, "/../:slug/"} {
		s := newSite(t, "-- folio.yaml --\npermalink: \""+strings.ReplaceAll(p, `\`, `\\`)+"\"\n-- content/a.md --\n# 甲\n").tryBuild()
		if s.err == nil || !strings.Contains(s.err.Error(), "folio.yaml: permalink") {
			t.Errorf("permalink %q: %v", p, s.err)
		}
	}
}

func TestSymlinkOutOfTheSiteIsRefused(t *testing.T) {
	t.Parallel()
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

func TestDestinationIsTheUsers(t *testing.T) {
	t.Parallel()
	s := newSite(t, "-- content/a.md --\n# 甲\n").build()
	s.assertFile(".folio-manifest", "a/index.html", "index.html", "! .folio-manifest\n")

	// A file folio did not write: the folder is not replaced whole. A
	// build that changes nothing leaves it as it is, the user's files too.
	s.write("public/notes.txt", "mine")
	s.write("public/.git/HEAD", "ref: refs/heads/gh-pages")
	s.build()
	s.assertFile("notes.txt", "mine")
	s.assertFile("a/index.html", "甲")
	if s.result.Written != 0 {
		t.Errorf("a build that changed nothing wrote %d files", s.result.Written)
	}
	s.write("content/b.md", "# 乙\n")
	s.tryBuild()
	if s.err == nil || !strings.Contains(s.err.Error(), "holds files folio did not write (.git/HEAD, notes.txt); refusing to replace it") {
		t.Fatalf("build over a user's files: %v", s.err)
	}
	if s.exists("b/index.html") {
		t.Error("the refused build wrote")
	}
	// In place, folio writes its own files and leaves the others alone.
	s.b = nil
	s.build(func(c *Config) { c.InPlace = true })
	s.assertFile("b/index.html", "乙")
	s.assertFile("notes.txt", "mine")
	s.assertFile(".git/HEAD", "gh-pages")

	// A destination with an index.html but no manifest is not folio's.
	s2 := newSite(t, "-- content/a.md --\n# 甲\n-- public/index.html --\n<p>someone's site</p>\n")
	s2.tryBuild()
	if s2.err == nil || !strings.Contains(s2.err.Error(), "holds no .folio-manifest") {
		t.Errorf("a foreign site as destination: %v", s2.err)
	}
	if s2.file("index.html") != "<p>someone's site</p>\n" {
		t.Error("a foreign site was replaced")
	}
}

func TestSymlinkedDestinationIsFollowed(t *testing.T) {
	t.Parallel()
	s := newSite(t, "-- content/a.md --\n# 甲\n")
	real := filepath.Join(t.TempDir(), "site")
	if err := os.Symlink(real, s.dest); err != nil {
		t.Fatal(err)
	}
	s.build()
	s.b = nil
	s.write("content/b.md", "# 乙\n")
	s.build()
	if fi, err := os.Lstat(s.dest); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the destination symlink was replaced: %v", err)
	}
	if _, err := os.Stat(filepath.Join(real, "b", "index.html")); err != nil {
		t.Errorf("the build did not land where the link points: %v", err)
	}
}

func TestLeftoverTemporaryFoldersAreRemoved(t *testing.T) {
	t.Parallel()
	s := newSite(t, "-- content/a.md --\n# 甲\n")
	left := filepath.Join(s.root, ".public.tmp-123456")
	s.write(".public.tmp-123456/x.html", "half a build")
	s.build()
	if _, err := os.Stat(left); err == nil {
		t.Error("a killed build's temporary folder is still there")
	}
	entries, _ := os.ReadDir(s.root)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("left over: %s", e.Name())
		}
	}
}

func TestLoopingTemplateStopsTheBuild(t *testing.T) {
	t.Parallel()
	s := newSite(t, `
-- folio.yaml --
template_timeout: 300ms
-- templates/doc.html --
{{template "base" .}}{{define "main"}}{{range seq 4000}}{{range seq 4000}}{{end}}{{end}}{{end}}
-- content/a.md --
# 甲
`)
	s.tryBuild()
	if s.err == nil || !strings.Contains(s.err.Error(), "templates/doc.html: render /a/: its templates ran longer than 300ms (template_timeout in folio.yaml)") {
		t.Errorf("looping template: %v", s.err)
	}
	if s.exists("index.html") {
		t.Error("a build with a looping template wrote")
	}
}

func TestEmptiedSiteIsNotPublishedInPlace(t *testing.T) {
	t.Parallel()
	s := newSite(t, "-- content/a.md --\n# 甲\n-- content/b.md --\n# 乙\n")
	s.build(func(c *Config) { c.InPlace = true })
	s.remove("content/a.md")
	s.remove("content/b.md")
	s.tryBuild()
	if s.err == nil || !strings.Contains(s.err.Error(), "content/ now holds no documents (the last build had 2)") {
		t.Fatalf("emptied site: %v", s.err)
	}
	s.assertFile("a/index.html", "甲")
	s.remove("content")
	s.tryBuild()
	if s.err == nil || !strings.Contains(s.err.Error(), "has no content/ folder") {
		t.Errorf("content/ deleted: %v", s.err)
	}
	s.assertFile("b/index.html", "乙")
}

// After a commit, the walk for files folio did not write reads only the
// folders changed since, by their change time, which restoring a
// modification time does not set back; and finds what a user added there.
// Not parallel: it sets dirMargin.
func TestForeignFilesReadOnlyChangedFolders(t *testing.T) {
	if !ctimeKnown {
		t.Skip("change times are not known here: every folder is read")
	}
	defer func(m time.Duration) { dirMargin = m }(dirMargin)
	dirMargin = 0
	s := newSite(t, "-- content/a.md --\n# 甲\n-- content/b.md --\n# 乙\n-- content/c/d.md --\n# 丙\n").build()
	own, sum, err := readManifest(s.dest)
	if err != nil {
		t.Fatal(err)
	}
	if sum != s.b.destManifest {
		t.Fatal("the manifest read is not the one the build wrote")
	}
	committed := s.b.dest.committed
	check := func(what string, wantRead int, want ...string) {
		t.Helper()
		got, read := foreignFiles(s.dest, own, committed)
		if !slices.Equal(got, want) || read != wantRead {
			t.Errorf("%s: found %q reading %d folders, want %q reading %d", what, got, read, want, wantRead)
		}
		if all, _ := foreignFiles(s.dest, own, time.Time{}); !slices.Equal(all, want) {
			t.Errorf("%s: the whole walk found %q, want %q", what, all, want)
		}
	}
	time.Sleep(30 * time.Millisecond) // past the file system's clock tick
	check("untouched", 0)

	s.write("public/a/notes.txt", "mine")
	check("a file added", 1, "a/notes.txt")

	// rsync -a sets a folder's modification time back; not its change time.
	old := time.Now().Add(-time.Hour)
	s.write("public/c/d/x.txt", "mine")
	if err := os.Chtimes(filepath.Join(s.dest, "c", "d"), old, old); err != nil {
		t.Fatal(err)
	}
	check("a file added, the time set back", 2, "a/notes.txt", "c/d/x.txt")

	s.write("public/extra/deep/y.txt", "mine")
	check("a folder added", 3, "a/notes.txt", "c/d/x.txt", "extra/deep/y.txt")

	// A folder of folio's replaced by a file of the user's.
	if err := os.RemoveAll(filepath.Join(s.dest, "b")); err != nil {
		t.Fatal(err)
	}
	s.write("public/b", "mine")
	check("a folder replaced", 3, "a/notes.txt", "b", "c/d/x.txt", "extra/deep/y.txt")

	s.write("content/e.md", "# 丁\n")
	s.tryBuild()
	if s.err == nil || !strings.Contains(s.err.Error(), "holds files folio did not write (a/notes.txt, b, c/d/x.txt, extra/deep/y.txt); refusing to replace it") {
		t.Fatalf("build over a user's files: %v", s.err)
	}
}
