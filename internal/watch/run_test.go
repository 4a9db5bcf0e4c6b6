package watch

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// guard bounds every wait on a real watcher. It is a failure guard, not
// a sleep: a passing test never waits for it.
const guard = 10 * time.Second

// site writes files (slash paths to contents) under a new temporary root.
func site(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, data := range files {
		write(t, root, name, data)
	}
	return root
}

func write(t *testing.T, root, name, data string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// start runs the watcher until the test ends and returns its batches once
// it is watching.
func start(t *testing.T, cfg Config) <-chan []Change {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	batches := make(chan []Change, 16)
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, cfg, func(b []Change) {
			select {
			case batches <- b:
			case <-ctx.Done():
			}
		}, func() { close(ready) })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run returned %v after cancellation, want nil", err)
		}
	})
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("Run: %v", err)
	case <-time.After(guard):
		t.Fatal("watcher not ready")
	}
	return batches
}

// expect waits for the next batch and compares it with want. With loose,
// Create equals Write and Rename equals Remove: fsnotify sees renames, which
// polling sees as writes, creations and removals.
func expect(t *testing.T, batches <-chan []Change, loose bool, want ...Change) {
	t.Helper()
	norm := func(cs []Change) []Change {
		cs = slices.Clone(cs)
		for i := range cs {
			switch {
			case loose && cs[i].Op == Create:
				cs[i].Op = Write
			case loose && cs[i].Op == Rename:
				cs[i].Op = Remove
			}
		}
		return cs
	}
	select {
	case got := <-batches:
		if !slices.Equal(norm(got), norm(want)) {
			t.Fatalf("batch = %v, want %v", got, want)
		}
	case <-time.After(guard):
		t.Fatalf("no batch within %v, want %v", guard, want)
	}
}

func TestRunReportsEdits(t *testing.T) {
	t.Parallel()
	for _, mode := range []struct {
		name string
		poll bool
	}{{"fsnotify", false}, {"poll", true}} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			root := site(t, map[string]string{
				"folio.yaml":           "title: 政策文件库\n",
				"content/a.md":         "# 通知\n",
				"content/private/p.md": "secret\n",
				"templates/base.html":  "<html>\n",
				"public/index.html":    "<html>\n",
				"README.md":            "readme\n",
			})
			batches := start(t, Config{
				Root:         root,
				Ignore:       []string{"public", "content/private"},
				Debounce:     50 * time.Millisecond,
				Poll:         mode.poll,
				PollInterval: 20 * time.Millisecond,
			})

			// Each step ends with a change that must be reported: anything
			// ignored earlier in the step would show up in that batch.
			t.Log("edit a document")
			write(t, root, "content/a.md", "# 通知（修订）\n")
			expect(t, batches, false, Change{"content/a.md", Content, Write})

			t.Log("ignored files, then a new document")
			write(t, root, "public/index.html", "<html><body>\n")
			write(t, root, "public/2025/x.html", "<html>\n")
			write(t, root, "content/private/p.md", "still secret\n")
			write(t, root, "content/.hidden.md", "x\n")
			write(t, root, ".env", "x\n")
			write(t, root, "content/a.md~", "backup\n")
			write(t, root, "content/#a.md#", "autosave\n")
			write(t, root, "README.md", "readme, longer\n")
			write(t, root, "content/b.md", "# 公告\n")
			expect(t, batches, false, Change{"content/b.md", Content, Create})

			t.Log("a new sub-folder, then a file in it")
			if err := os.Mkdir(filepath.Join(root, "content", "2025"), 0o755); err != nil {
				t.Fatal(err)
			}
			write(t, root, "content/2025/c.md", "# 办法\n")
			expect(t, batches, false, Change{"content/2025/c.md", Content, Create})

			t.Log("a new top-level folder with nested files")
			write(t, root, "static/css/site.css", "body{}\n")
			write(t, root, "static/img/logo.svg", "<svg/>\n")
			expect(t, batches, false,
				Change{"static/css/site.css", Static, Create},
				Change{"static/img/logo.svg", Static, Create})

			t.Log("atomic save: write a temporary file, rename it over the target")
			tmp := filepath.Join(root, "content", "a.md.tmp")
			if err := os.WriteFile(tmp, []byte("# 通知（第二次修订）\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, filepath.Join(root, "content", "a.md")); err != nil {
				t.Fatal(err)
			}
			expect(t, batches, true, Change{"content/a.md", Content, Write})

			t.Log("config, template and static together, sorted")
			write(t, root, "templates/base.html", "<html lang=zh>\n")
			write(t, root, "static/css/site.css", "body{margin:0}\n")
			write(t, root, "folio.yaml", "title: 政策文件库（新）\n")
			expect(t, batches, false,
				Change{"folio.yaml", ConfigFile, Write},
				Change{"static/css/site.css", Static, Write},
				Change{"templates/base.html", Template, Write})

			t.Log("remove a file")
			if err := os.Remove(filepath.Join(root, "content", "b.md")); err != nil {
				t.Fatal(err)
			}
			expect(t, batches, false, Change{"content/b.md", Content, Remove})

			t.Log("remove a folder")
			if err := os.RemoveAll(filepath.Join(root, "content", "2025")); err != nil {
				t.Fatal(err)
			}
			expect(t, batches, false, Change{"content/2025", Content, Remove})

			t.Log("a folder recreated after its removal is watched again")
			write(t, root, "content/2025/d.md", "# 规定\n")
			expect(t, batches, false, Change{"content/2025/d.md", Content, Create})
			write(t, root, "content/2025/d.md", "# 规定（修订）\n")
			expect(t, batches, false, Change{"content/2025/d.md", Content, Write})

			t.Log("move a folder")
			if err := os.Rename(filepath.Join(root, "content", "2025"), filepath.Join(root, "content", "2026")); err != nil {
				t.Fatal(err)
			}
			expect(t, batches, true,
				Change{"content/2025", Content, Rename},
				Change{"content/2026/d.md", Content, Create})
			write(t, root, "content/2026/d.md", "# 规定（第二次修订）\n")
			expect(t, batches, false, Change{"content/2026/d.md", Content, Write})
		})
	}
}

func TestRunFollowsSymlinkedFoldersAndNumberedFolders(t *testing.T) {
	t.Parallel()
	for _, mode := range []struct {
		name string
		poll bool
	}{{"fsnotify", false}, {"poll", true}} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			root := site(t, map[string]string{
				"content/laws/4913/a.md": "# 甲\n",
			})
			shared := site(t, map[string]string{"a.md": "# 共享\n"})
			if err := os.Symlink(shared, filepath.Join(root, "content", "shared")); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink("..", filepath.Join(root, "content", "loop")); err != nil {
				t.Fatal(err)
			}
			batches := start(t, Config{Root: root, Debounce: 50 * time.Millisecond, Poll: mode.poll, PollInterval: 20 * time.Millisecond})

			t.Log("a folder named like vim's probe file is watched")
			write(t, root, "content/laws/4913/a.md", "# 甲（修订）\n")
			expect(t, batches, false, Change{"content/laws/4913/a.md", Content, Write})

			t.Log("edits in a linked folder, made through its target")
			write(t, shared, "a.md", "# 共享（修订）\n")
			expect(t, batches, false, Change{"content/shared/a.md", Content, Write})
			write(t, shared, "sub/b.md", "# 新\n")
			expect(t, batches, false, Change{"content/shared/sub/b.md", Content, Create})

			t.Log("a link to a folder made while watching")
			other := site(t, map[string]string{"c.md": "# 丙\n"})
			if err := os.Symlink(other, filepath.Join(root, "content", "other")); err != nil {
				t.Fatal(err)
			}
			select { // the link itself, and with polling the file under it
			case <-batches:
			case <-time.After(guard):
				t.Fatal("no batch for a new link to a folder")
			}
			write(t, other, "c.md", "# 丙（修订）\n")
			expect(t, batches, false, Change{"content/other/c.md", Content, Write})
		})
	}
}

func TestRunRejectsMissingRoot(t *testing.T) {
	err := Run(t.Context(), Config{Root: filepath.Join(t.TempDir(), "missing")}, func([]Change) {})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Run on a missing root = %v, want fs.ErrNotExist", err)
	}
}

func TestOverflowMeansRebuildEverything(t *testing.T) {
	root := site(t, map[string]string{"content/a.md": "a\n"})
	w, err := fsnotify.NewWatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	out := make(chan event, 1)
	n := newNotifier(&source{root: root, log: discard(), out: out}, w)
	if err := n.error(t.Context(), fsnotify.ErrEventOverflow); err != nil {
		t.Fatal(err)
	}
	if got, want := (<-out).Change, (Change{".", ConfigFile, Write}); got != want {
		t.Errorf("after overflow got %v, want %v", got, want)
	}
	if !n.dirs["content"] {
		t.Errorf("after overflow watched folders = %v, want content watched again", n.dirs)
	}
	if err := n.error(t.Context(), errors.New("some error")); err != nil {
		t.Errorf("other fsnotify error stopped the watcher: %v", err)
	}
	if len(out) != 0 {
		t.Errorf("other fsnotify error sent %v", <-out)
	}
}

func TestPollReportsTopmostRemovedFolder(t *testing.T) {
	s := &source{log: discard()}
	prev := map[string]stat{
		"content":          {mode: fs.ModeDir},
		"content/x":        {mode: fs.ModeDir},
		"content/x/y":      {mode: fs.ModeDir},
		"content/x/y/a.md": {size: 1},
		"content/x/b.md":   {size: 1},
		"content/c.md":     {size: 1},
	}
	cur := map[string]stat{
		"content":      {mode: fs.ModeDir},
		"content/c.md": {size: 2},
		"content/d.md": {size: 1},
	}
	out := make(chan event, 10)
	s.out = out
	if !s.compare(t.Context(), prev, cur) {
		t.Fatal("compare stopped")
	}
	close(out)
	var got []string
	for e := range out {
		got = append(got, e.Op.String()+" "+e.Path)
		if e.Path == "content/x" && !e.dir {
			t.Errorf("removal of content/x not marked as a folder")
		}
	}
	slices.Sort(got)
	want := []string{"create content/d.md", "remove content/x", "write content/c.md"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("compare sent %q, want %q", got, want)
	}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
