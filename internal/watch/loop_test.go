package watch

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/fsnotify/fsnotify"
)

func symlink(t *testing.T, target, root, name string) {
	t.Helper()
	if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(name))); err != nil {
		t.Fatal(err)
	}
}

// expectProblems waits for len(want) problems and compares them, in any
// order, with want.
func expectProblems(t *testing.T, problems <-chan string, want ...string) {
	t.Helper()
	var got []string
	for range want {
		select {
		case p := <-problems:
			got = append(got, p)
		case <-time.After(guard):
			t.Fatalf("problems = %q after %v, want %q", got, guard, want)
		}
	}
	slices.Sort(got)
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Fatalf("problems = %q, want %q", got, want)
	}
}

func noProblems(t *testing.T, problems <-chan string) {
	t.Helper()
	select {
	case p := <-problems:
		t.Fatalf("problem %q reported again", p)
	default:
	}
}

// loopSite is a site with every kind of loop, and the problems it reports.
func loopSite(t *testing.T) (root string, want []string) {
	root = site(t, map[string]string{
		"content/a.md":     "# 通知\n",
		"content/sub/b.md": "# 公告\n",
	})
	symlink(t, ".", root, "content/self")
	symlink(t, "..", root, "content/sub/back")
	symlink(t, "..", root, "content/root")
	symlink(t, filepath.Dir(root), root, "content/above")
	symlink(t, "me", root, "content/me")
	return root, []string{
		"content/self: symlink loops back to content/, a folder it is in",
		"content/sub/back: symlink loops back to content/, a folder it is in",
		"content/root: symlink loops back to the site root, a folder it is in",
		"content/above: symlink loops back to " + filepath.Dir(root) + ", a folder it is in",
		"content/me: symlink loops back to itself",
	}
}

func TestRunReportsSymlinkLoopsOnce(t *testing.T) {
	t.Parallel()
	for _, mode := range []struct {
		name string
		poll bool
	}{{"fsnotify", false}, {"poll", true}} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			root, want := loopSite(t)
			problems := make(chan string, 64)
			batches := start(t, Config{
				Root:         root,
				Debounce:     50 * time.Millisecond,
				Poll:         mode.poll,
				PollInterval: 20 * time.Millisecond,
				Problem:      func(err error) { problems <- err.Error() },
			})

			t.Log("loops present at the start, each reported once")
			expectProblems(t, problems, want...)

			t.Log("the rest is watched, and nothing through a loop")
			write(t, root, "content/sub/b.md", "# 公告（修订）\n")
			expect(t, batches, false, Change{"content/sub/b.md", Content, Write})

			t.Log("a loop made while watching")
			symlink(t, "../..", root, "content/sub/later")
			expect(t, batches, false, Change{"content/sub/later", Content, Create})
			expectProblems(t, problems, "content/sub/later: symlink loops back to the site root, a folder it is in")
			write(t, root, "content/a.md", "# 通知（修订）\n")
			expect(t, batches, false, Change{"content/a.md", Content, Write})

			t.Log("removed and made again: reported again")
			if err := os.Remove(filepath.Join(root, "content", "sub", "later")); err != nil {
				t.Fatal(err)
			}
			expect(t, batches, false, Change{"content/sub/later", Content, Remove})
			symlink(t, "..", root, "content/sub/later")
			expect(t, batches, false, Change{"content/sub/later", Content, Create})
			expectProblems(t, problems, "content/sub/later: symlink loops back to content/, a folder it is in")

			t.Log("a folder with a loop in it, moved into the site")
			outside := t.TempDir()
			write(t, outside, "x/c.md", "# 办法\n")
			symlink(t, "../x", outside, "x/again")
			if err := os.Rename(filepath.Join(outside, "x"), filepath.Join(root, "content", "x")); err != nil {
				t.Fatal(err)
			}
			expect(t, batches, false,
				Change{"content/x/again", Content, Create},
				Change{"content/x/c.md", Content, Create})
			expectProblems(t, problems, "content/x/again: symlink loops back to content/x/, a folder it is in")

			t.Log("later edits report nothing again")
			write(t, root, "content/x/c.md", "# 办法（修订）\n")
			expect(t, batches, false, Change{"content/x/c.md", Content, Write})
			noProblems(t, problems)
		})
	}
}

// Loops add no watch, also through links to folders outside the site that
// link to each other, and walking the tree again after an overflow does not
// report them again.
func TestNotifierWatchesNothingThroughALoop(t *testing.T) {
	root, want := loopSite(t)
	a, b := t.TempDir(), t.TempDir()
	symlink(t, b, a, "b")
	symlink(t, a, b, "a")
	symlink(t, a, root, "content/linked")
	want = append(want, "content/linked/b/a: symlink loops back to content/linked/, a folder it is in")

	w, err := fsnotify.NewWatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	problems := make(chan error, 64)
	n := newNotifier(&source{root: root, log: discard(), out: make(chan event, 64), problems: problems}, w)
	if err := n.add(t.Context(), ".", false); err != nil {
		t.Fatal(err)
	}
	dirs := slices.Sorted(maps.Keys(n.dirs))
	if want := []string{".", "content", "content/linked", "content/linked/b", "content/sub"}; !slices.Equal(dirs, want) {
		t.Errorf("watched folders = %q, want %q", dirs, want)
	}
	if got := len(w.WatchList()); got != len(dirs) {
		t.Errorf("fsnotify holds %d watches, want %d", got, len(dirs))
	}
	var got []string
	for range len(problems) {
		got = append(got, (<-problems).Error())
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("problems = %q, want %q", got, want)
	}

	if err := n.error(t.Context(), fsnotify.ErrEventOverflow); err != nil {
		t.Fatal(err)
	}
	if len(problems) != 0 {
		t.Errorf("after an overflow, reported again: %v", <-problems)
	}
}

// Polling walks the tree again and again; a loop is reported after the
// first walk only.
func TestPollReportsLoopOnceAcrossWalks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		root, want := loopSite(t)
		var got []string
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() {
			done <- Run(ctx, Config{
				Root:         root,
				Poll:         true,
				PollInterval: 10 * time.Millisecond,
				Problem:      func(err error) { got = append(got, err.Error()) },
			}, func(b []Change) { t.Errorf("batch %v, want none", b) })
		}()
		time.Sleep(10 * time.Second) // a thousand walks
		synctest.Wait()
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("problems = %q, want %q", got, want)
		}
	})
}
