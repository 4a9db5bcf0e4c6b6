package watch

import (
	"bytes"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

func chmod(t *testing.T, root, name string, mode fs.FileMode) {
	t.Helper()
	if err := os.Chmod(filepath.Join(root, filepath.FromSlash(name)), mode); err != nil {
		t.Fatal(err)
	}
}

// expectFolder waits for the next batch and checks that it holds a Write of
// the folder dir, and nothing else but changes under it: a poller that may
// not read the folder (not as root) reports its files removed, then
// created again.
func expectFolder(t *testing.T, batches <-chan []Change, dir string) {
	t.Helper()
	got := expectUnder(t, batches, dir)
	if kind, _ := Classify(dir); !slices.Contains(got, Change{dir, kind, Write}) {
		t.Fatalf("batch = %v, want a write of %s", got, dir)
	}
}

// expectUnder waits for the next batch and checks that it holds only dir
// and paths under it.
func expectUnder(t *testing.T, batches <-chan []Change, dir string) []Change {
	t.Helper()
	select {
	case got := <-batches:
		for _, c := range got {
			if c.Path != dir && !strings.HasPrefix(c.Path, dir+"/") {
				t.Fatalf("batch = %v, want only %s and changes under it", got, dir)
			}
		}
		return got
	case <-time.After(guard):
		t.Fatalf("no batch within %v, want changes under %s", guard, dir)
	}
	return nil
}

// The tests run as root in CI, where a mode of 000 does not stop reading:
// they check that the change of mode itself is reported.
func TestRunReportsModeChanges(t *testing.T) {
	t.Parallel()
	for _, mode := range []struct {
		name string
		poll bool
	}{{"fsnotify", false}, {"poll", true}} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			root := site(t, map[string]string{
				"content/a.md":        "# 通知\n",
				"content/sub/c.md":    "# 办法\n",
				"templates/base.html": "<html>\n",
				"static/site.css":     "body{}\n",
				"public/index.html":   "<html>\n",
			})
			t.Cleanup(func() { // let t.TempDir remove everything as any user
				for _, dir := range []string{"content/sub", "content/locked", "static", "public"} {
					os.Chmod(filepath.Join(root, dir), 0o755)
				}
			})
			batches := start(t, Config{
				Root:         root,
				Ignore:       []string{"public"},
				Debounce:     50 * time.Millisecond,
				Poll:         mode.poll,
				PollInterval: 20 * time.Millisecond,
			})

			t.Log("a document made unreadable, then readable again")
			chmod(t, root, "content/a.md", 0)
			expect(t, batches, false, Change{"content/a.md", Content, Write})
			chmod(t, root, "content/a.md", 0o644)
			expect(t, batches, false, Change{"content/a.md", Content, Write})

			t.Log("a template and a stylesheet, and the ignored output")
			chmod(t, root, "public/index.html", 0)
			chmod(t, root, "templates/base.html", 0)
			chmod(t, root, "static/site.css", 0)
			expect(t, batches, false,
				Change{"static/site.css", Static, Write},
				Change{"templates/base.html", Template, Write})
			chmod(t, root, "templates/base.html", 0o644)
			chmod(t, root, "static/site.css", 0o644)
			expect(t, batches, false,
				Change{"static/site.css", Static, Write},
				Change{"templates/base.html", Template, Write})

			t.Log("a folder made unreadable, then readable again")
			chmod(t, root, "content/sub", 0)
			expectFolder(t, batches, "content/sub")
			chmod(t, root, "content/sub", 0o755)
			expectFolder(t, batches, "content/sub")

			t.Log("a folder that may not be read, moved in, then opened")
			outside := t.TempDir()
			write(t, outside, "locked/d.md", "# 规定\n")
			chmod(t, outside, "locked", 0o300) // not 0: moving a folder writes to it
			if err := os.Rename(filepath.Join(outside, "locked"), filepath.Join(root, "content", "locked")); err != nil {
				t.Fatal(err)
			}
			// As root its file is read and reported; otherwise the folder
			// is reported as a Write, so that the build reports it.
			if got := expectUnder(t, batches, "content/locked"); len(got) != 1 {
				t.Fatalf("batch = %v, want one change", got)
			}
			chmod(t, root, "content/locked", 0o755)
			expectFolder(t, batches, "content/locked")
			write(t, root, "content/locked/d.md", "# 规定（修订）\n")
			expect(t, batches, false, Change{"content/locked/d.md", Content, Write})

			t.Log("a top-level folder")
			chmod(t, root, "static", 0o500)
			expect(t, batches, false, Change{"static", Static, Write})

			t.Log("files in a folder whose mode changed are still watched")
			write(t, root, "content/sub/c.md", "# 办法（修订）\n")
			expect(t, batches, false, Change{"content/sub/c.md", Content, Write})
		})
	}
}

func TestRunIgnoresAttributeChangesThatKeepTheMode(t *testing.T) {
	t.Parallel()
	for _, mode := range []struct {
		name string
		poll bool
	}{{"fsnotify", false}, {"poll", true}} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			root := site(t, map[string]string{
				"content/a.md":     "# 通知\n",
				"content/b.md":     "# 公告\n",
				"content/sub/c.md": "# 办法\n",
			})
			batches := start(t, Config{Root: root, Debounce: 50 * time.Millisecond, Poll: mode.poll, PollInterval: 20 * time.Millisecond})

			// Each step ends with a change that must be reported: a change
			// reported for the noise before it would show up in that batch.
			t.Log("chmod to the same mode, chown to the same owner")
			chmod(t, root, "content/b.md", 0o644)
			chmod(t, root, "content/sub", 0o755)
			if err := os.Chown(filepath.Join(root, "content", "b.md"), os.Geteuid(), -1); err != nil {
				t.Fatal(err)
			}
			write(t, root, "content/a.md", "# 通知（修订）\n")
			expect(t, batches, false, Change{"content/a.md", Content, Write})

			t.Log("an editor's save: write, then set the mode the file has")
			write(t, root, "content/b.md", "# 公告（修订）\n")
			chmod(t, root, "content/b.md", 0o644)
			expect(t, batches, false, Change{"content/b.md", Content, Write})
			write(t, root, "content/a.md", "# 通知（第二次修订）\n")
			expect(t, batches, false, Change{"content/a.md", Content, Write})
		})
	}
}

func TestPollReportsFolderModeChange(t *testing.T) {
	prev := map[string]stat{
		"content":        {mode: fs.ModeDir | 0o755},
		"content/x":      {mode: fs.ModeDir | 0o755},
		"content/x/a.md": {size: 1, mode: 0o644},
		"content/y":      {mode: fs.ModeDir | 0o755},
		"content/z":      {mode: fs.ModeDir | 0o755},
		"content/w":      {mode: fs.ModeDir, unreadable: true},
	}
	cur := map[string]stat{
		"content":   {mode: fs.ModeDir | 0o755},
		"content/x": {mode: fs.ModeDir}, // made unreadable: its file could not be listed
		"content/y": {mode: fs.ModeDir | 0o755},
		"content/z": {mode: fs.ModeDir | 0o700},
		"content/w": {mode: fs.ModeDir, unreadable: true}, // still unreadable: no change
		"content/v": {mode: fs.ModeDir, unreadable: true}, // new, and its files cannot be listed
	}
	out := make(chan event, 10)
	s := &source{log: discard(), out: out}
	if !s.compare(t.Context(), prev, cur) {
		t.Fatal("compare stopped")
	}
	close(out)
	var got []string
	for e := range out {
		got = append(got, e.Op.String()+" "+e.Path)
	}
	slices.Sort(got)
	want := []string{"remove content/x/a.md", "write content/v", "write content/x", "write content/z"}
	if !slices.Equal(got, want) {
		t.Errorf("compare sent %q, want %q", got, want)
	}
}

// A folder that may not be watched (a user's folder made unreadable, which
// root never meets) is a transient problem: logged once, then skipped,
// while a lack of inotify watches ends fsnotify watching.
func TestNotifierSkipsFolderItMayNotWatch(t *testing.T) {
	var logged bytes.Buffer
	w, err := fsnotify.NewWatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	n := newNotifier(&source{root: t.TempDir(), log: slog.New(slog.NewTextHandler(&logged, nil))}, w)
	tests := []struct {
		err  error
		skip bool
	}{
		{syscall.EACCES, true},
		{syscall.EACCES, true},
		{syscall.EPERM, true},
		{syscall.ENOENT, true},
		{syscall.ENOSPC, false},
	}
	for _, tt := range tests {
		if got := n.skip("content/private", tt.err); got != tt.skip {
			t.Errorf("skip(%v) = %v, want %v", tt.err, got, tt.skip)
		}
	}
	if got := strings.Count(logged.String(), "\n"); got != 2 {
		t.Errorf("logged %d lines, want 2 (EACCES once, EPERM once):\n%s", got, &logged)
	}
	if !strings.Contains(logged.String(), "path=content/private") {
		t.Errorf("log does not name the folder:\n%s", &logged)
	}
}
