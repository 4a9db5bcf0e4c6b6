package build

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/folio-ssg/folio"
)

// dirsOf lists the folders under dir, for comparing trees that must not
// differ by an empty folder either.
func dirsOf(t *testing.T, dir string) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			dirs = append(dirs, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(dirs)
	return dirs
}

// A folio build keeps the tree a swap replaced beside the destination and
// brings it up to date on the next build instead of linking every file
// into a new one. Through edits, additions, removals, a file that becomes
// a folder, a hand edit of the destination (whose files the spare shares)
// and a spare tampered with, every build's output is a cold build's, file
// for file and folder for folder.
func TestSpareTreeBuildsEqualACold(t *testing.T) {
	t.Parallel()
	root := siteFromFolder(t, filepath.Join("..", "..", "content"), "title: 备用\nbase_url: https://example.org/a/\n")
	cache := filepath.Join(root, ".folio-cache")
	dest := filepath.Join(t.TempDir(), "public")
	spare := sparePath(dest)
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	remove := func(name string) {
		t.Helper()
		if err := os.RemoveAll(filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	var docs []string
	filepath.WalkDir(filepath.Join(root, "content"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".md") && !strings.HasSuffix(p, "_index.md") {
			rel, _ := filepath.Rel(root, p)
			docs = append(docs, filepath.ToSlash(rel))
		}
		return err
	})
	slices.Sort(docs)
	if len(docs) < 6 {
		t.Fatalf("the bundled content has %d documents; the test needs 6", len(docs))
	}
	appendTo := func(doc, text string) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(doc)))
		if err != nil {
			t.Fatal(err)
		}
		write(doc, string(b)+"\n"+text+"\n")
	}
	original := map[string]string{}
	for _, d := range docs {
		b, _ := os.ReadFile(filepath.Join(root, filepath.FromSlash(d)))
		original[d] = string(b)
	}
	check := func(step string, wantSpare bool) *Result {
		t.Helper()
		var before os.FileInfo
		if fi, err := os.Stat(spare); err == nil {
			before = fi
		}
		res := runCached(t, root, dest, cache)
		// A cold build, in memory: its files, and their folders.
		ref := New(Config{Source: root, Dest: filepath.Join(t.TempDir(), "public"), Theme: folio.Theme()})
		ref.memory = true
		if _, err := ref.Build(context.Background()); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{}
		wantDirs := []string{"."}
		for name, data := range ref.dest.mem {
			want[name] = string(data)
			for dir := path.Dir(name); dir != "." && !slices.Contains(wantDirs, dir); dir = path.Dir(dir) {
				wantDirs = append(wantDirs, dir)
			}
		}
		slices.Sort(wantDirs)
		sameTree(t, step, readTree(t, dest), want)
		if got := dirsOf(t, dest); !slices.Equal(got, wantDirs) {
			t.Errorf("%s: folders differ from a cold build's:\n%v\n%v", step, got, wantDirs)
		}
		if used := before != nil && os.SameFile(stat(t, dest), before); used != wantSpare {
			t.Errorf("%s: the spare became the destination: %t, want %t", step, used, wantSpare)
		}
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(dest), ".public.tmp-*")); len(left) > 0 {
			t.Errorf("%s: left %v", step, left)
		}
		return res
	}

	check("cold", false)
	if _, err := os.Stat(spare); err == nil {
		t.Error("a cold build made a spare")
	}
	check("unchanged", false)
	appendTo(docs[0], "第一次修改。")
	res := check("first edit", false) // the replaced tree becomes the spare
	if _, err := os.Stat(spare); err != nil {
		t.Fatalf("after a build that changed files there is no spare: %v", err)
	}
	if res.Written == 0 {
		t.Error("the first edit wrote nothing")
	}
	appendTo(docs[1], "第二次修改。")
	check("second edit", true)
	write("content/新增/甲.md", "---\ntitle: 新增的文件\ndate: 2025-04-27\ntags: [新增]\n---\n正文。\n")
	write("static/附件", "a file\n")
	check("a document and a static file added", true)
	remove(docs[2])
	remove("static/附件")
	write("static/附件/readme.txt", "a folder where the file was\n")
	check("a document removed, a file become a folder", true)
	remove("content/新增")
	remove("static/附件")
	write("static/附件", "a file again\n")
	check("a folder removed, a folder become a file", true)
	// Back to what the spare holds: its own copies are kept.
	write(docs[0], original[docs[0]])
	check("an edit undone", true)

	// A page of the destination edited by hand, in place: its inode is
	// also the spare's, and neither this build nor the next may keep it.
	var page string
	for name := range readTree(t, dest) {
		if strings.HasSuffix(name, "/index.html") && strings.Count(name, "/") >= 2 && !strings.HasPrefix(name, "tags/") {
			page = filepath.Join(dest, filepath.FromSlash(name))
			break
		}
	}
	handEdit := func(p string) {
		t.Helper()
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteAt([]byte("[hand edit]"), 0)
		f.Close()
		later := time.Now().Add(2 * time.Second)
		os.Chtimes(p, later, later)
	}
	handEdit(page)
	appendTo(docs[3], "第三次修改。")
	check("a hand edit of the destination", true)
	appendTo(docs[4], "第四次修改。")
	check("the build after the hand edit", true)

	// A spare changed behind folio's back is not trusted. (Its manifest
	// is replaced, not written through: it may be the destination's own.)
	os.Remove(filepath.Join(spare, manifestFile))
	if err := os.WriteFile(filepath.Join(spare, manifestFile), []byte("not folio's\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	appendTo(docs[5], "第五次修改。")
	check("a tampered spare", false)
	if _, err := os.Stat(spare); err != nil {
		t.Errorf("no spare after a build that changed files: %v", err)
	}
	appendTo(docs[0], "第六次修改。")
	check("after the tampered spare", true)

	// A page of the destination edited by hand while the spare's copy of
	// it is as it should be: the spare is good, but the destination must
	// still change, though no source did.
	handEdit(page)
	appendTo(docs[1], "第七次修改。")
	check("a hand edit again", true) // the page is written anew; the spare has the edited one
	rel, _ := filepath.Rel(dest, page)
	good, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	inSpare := filepath.Join(spare, rel)
	if err := os.WriteFile(inSpare, good, 0o644); err != nil {
		t.Fatal(err)
	}
	long := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	os.Chtimes(inSpare, long, long)
	handEdit(page)
	check("the destination edited by hand, the spare good, no source changed", true)
}
