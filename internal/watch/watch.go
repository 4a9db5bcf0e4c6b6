// Package watch reports changes to a site's source files in debounced
// batches, so that folio serve and folio watch can rebuild only what changed.
// It is the only package in folio that imports fsnotify.
//
// # What is watched
//
// A site root holds content/, templates/, static/ and folio.yaml. Run watches
// those three folders recursively and the root itself (for folio.yaml, and
// for any of the three folders appearing later). Everything else at the root,
// such as the output folder public/, README.md or .git/, is ignored.
//
// Folders are watched, not files: fsnotify is not recursive, so every folder
// gets its own watch. A folder that appears later is watched as soon as its
// Create arrives, and it is walked at once: files written into it before its
// watch was in place are reported as Create.
//
// Symlinks to folders are followed, as the build follows them, except a
// symlink that loops: one that leads to a folder it is in (itself through
// ".", the site root, any folder between, or a folder above the root) or
// that never resolves. Such a link is watched like a file (its Create and
// Remove are reported, so the build runs and reports it) and reported once
// as a *LoopError to Config.Problem, whether it was there at the start or
// appeared later; the rest of the tree is watched as usual. Following a
// loop would add watches without end.
//
// These are never reported (Classify returns false for them):
//
//   - a path with any element starting with "." (dotfiles and dot-folders,
//     which covers vim's .x.swp and Emacs's .#x lock files);
//   - editor temporary and backup files: "x~", "x.swp", "x.swx", "x.tmp",
//     "#x#", vim's write test file "4913", JetBrains' "x___jb_tmp___" and
//     "x___jb_old___" (files only: a folder named 4913 is watched, as the
//     build reads it; see content.Skip);
//   - any path equal to or under an entry of Config.Ignore;
//   - attribute changes other than a change of mode (fsnotify's Chmod when
//     the mode is the same as last seen: touch, chown, a new hard link, or
//     an editor setting the mode a saved file already has).
//
// # Changes
//
// A Change names a path relative to the site root, slash-separated, as in
// "content/2025/x.md" or "folio.yaml", its Kind (which part of the site it
// touches, as Zola's fs_utils.rs classifies a change before deciding what to
// rebuild) and its Op:
//
//	Create  the path exists and did not before (or a file was renamed over
//	        it, which is how editors save atomically): read it
//	Write   the path existed and still does, with new contents or a new mode
//	        (permission bits): read it again. On a folder, its mode changed:
//	        read everything under it again (it may have become unreadable,
//	        or readable again)
//	Remove  the path is gone; if it was a folder, everything under it is gone
//	        and no separate Change is reported for its contents
//	Rename  the path is gone because it was moved; treat it like Remove. Its
//	        new name, if it is inside the site, arrives as its own Create
//
// Only files are reported as Create; folders appear only when they are
// removed or their mode changes. A new folder shows up as Creates for the
// files in it, or as a Write of the folder if it cannot be read, so that
// the build runs and reports it. A mode change is noticed by comparing the
// mode (os.Lstat's, or the target's for a symlink) with the last one seen,
// so it is reported even where it does not stop reading (as root); a folder
// that could not be watched for lack of permission is watched once its mode
// changes, and the files in it are reported as Create.
//
// The Change {Path: ".", Kind: ConfigFile, Op: Write} is synthetic and means
// "rebuild everything": it is sent when the operating system dropped events
// (an fsnotify overflow) or when Run had to switch from fsnotify to polling,
// since changes may have been missed in both cases.
//
// # Batches
//
// Run delivers changes in batches. A batch is delivered once no new event
// has arrived for Config.Debounce, or at the latest 10×Debounce after its
// first event, so that a continuous stream of changes is still delivered. A
// burst such as a git checkout touching a thousand files therefore arrives
// as one batch, and an editor's atomic save (write a temporary file, rename
// it over the target) as one Create or Write of the target.
//
// A batch holds one Change per path, sorted by path, so that a removed
// folder comes before anything created again under it: apply them in order.
// The events for one path are merged by what they say about its existence
// before and after the batch:
//
//	Create, Write           → Create
//	Write, Write            → Write
//	Remove, Create          → Write   (the path was replaced)
//	Create, Remove          → Remove  (not dropped: the Create may have been a
//	                                  rename over an existing file)
//	Write, Remove/Rename    → Remove/Rename
//	Remove of a folder      → drops the batch's changes under that folder
//
// The callback runs on Run's goroutine; while it runs, new events are
// collected into the next batch, which is delivered as soon as the callback
// returns if its quiet period has already passed.
//
// # Polling
//
// With Config.Poll, Run walks the watched folders and folio.yaml every
// Config.PollInterval instead of using fsnotify, and compares each file's
// size, modification time and mode with the previous walk: for network
// drives, containers and systems out of inotify watches. Poll mode reports
// no Rename (a move is a Remove and a Create) and reports a mode change of
// a file or folder as Write. A folder it cannot read loses its files (each a
// Remove) until it can again. Symlink loops are skipped and reported once,
// as with fsnotify. Its changes are debounced the same way.
//
// # Errors
//
// Errors reported by fsnotify are logged and never stop the watcher; so are
// folders that cannot be read or watched for lack of permission (logged
// once per path and error). If a watch cannot be added for another reason
// (typically the inotify watch limit), Run logs it and falls back to
// polling the whole tree. Symlink loops go to Config.Problem.
package watch

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/folio-ssg/folio/internal/content"
)

// Kind says which part of a site a change touches.
type Kind uint8

const (
	Content    Kind = iota + 1 // under content/
	Template                   // under templates/
	Static                     // under static/
	ConfigFile                 // folio.yaml, or "." meaning everything (Config names Run's configuration)
)

func (k Kind) String() string {
	switch k {
	case Content:
		return "content"
	case Template:
		return "template"
	case Static:
		return "static"
	case ConfigFile:
		return "config"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Op is what happened to a path; see the package documentation.
type Op uint8

const (
	Create Op = iota + 1
	Write
	Remove
	Rename
)

func (o Op) String() string {
	switch o {
	case Create:
		return "create"
	case Write:
		return "write"
	case Remove:
		return "remove"
	case Rename:
		return "rename"
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// Change is one path's merged change within a batch.
type Change struct {
	Path string // slash path relative to the site root
	Kind Kind
	Op   Op
}

func (c Change) String() string { return c.Op.String() + " " + c.Path }

// Config configures Run. The zero value watches the current directory with
// fsnotify.
type Config struct {
	Root         string        // site root; "" is the current directory
	Ignore       []string      // slash paths relative to Root to ignore, with everything under them (e.g. "public")
	Debounce     time.Duration // quiet period before a batch is delivered; 0 means 100ms
	Poll         bool          // poll the tree instead of using fsnotify
	PollInterval time.Duration // time between two walks in poll mode; 0 means 500ms
	Logger       *slog.Logger  // operational events and errors; nil discards them
	// Ready, if set, is called once the initial watches (or the first poll
	// snapshot) are in place: a change made after it is never missed.
	Ready func()
	// Problem, if set, is called with each problem Run works around without
	// stopping: today a *LoopError for a symlink it does not follow. Each is
	// reported once, when found, and again only if it goes away and comes
	// back or changes. It runs on Run's goroutine, never while fn runs. Nil
	// logs them as warnings.
	Problem func(error)
}

// LoopError reports a symlink that Run does not follow because it loops:
// it leads to a folder it is in (the site root, a folder under it or a
// folder above it), or it never resolves (it leads to itself through
// links). Following it would never end; the build reports it too.
type LoopError struct {
	Path   string // the symlink, a slash path relative to the site root
	Target string // the folder it leads to: "." for the site root, a slash path under it, an absolute path above it, or "" if it leads to itself
}

func (e *LoopError) Error() string {
	switch {
	case e.Target == "":
		return e.Path + ": symlink loops back to itself"
	case e.Target == ".":
		return e.Path + ": symlink loops back to the site root, a folder it is in"
	case filepath.IsAbs(e.Target):
		return e.Path + ": symlink loops back to " + e.Target + ", a folder it is in"
	}
	return e.Path + ": symlink loops back to " + e.Target + "/, a folder it is in"
}

// Run watches cfg.Root until ctx is cancelled, calling fn on Run's goroutine
// with each batch of changes. It returns nil once ctx is cancelled, and an
// error only if the root cannot be watched at all.
func Run(ctx context.Context, cfg Config, fn func([]Change)) error {
	return run(ctx, cfg, fn, cfg.Ready)
}

// run is Run; ready, if not nil, is called once the initial watches or the
// first snapshot are in place, so that tests know when to start changing
// files.
func run(ctx context.Context, cfg Config, fn func([]Change), ready func()) error {
	root, err := filepath.Abs(cmp.Or(cfg.Root, "."))
	if err != nil {
		return fmt.Errorf("watch %s: %w", cfg.Root, err)
	}
	fi, err := os.Stat(root)
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("watch %s: not a directory", root)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	debounce := cfg.Debounce
	if debounce <= 0 {
		debounce = 100 * time.Millisecond
	}
	interval := cfg.PollInterval
	if interval <= 0 {
		interval = 500 * time.Millisecond
	}

	problem := cfg.Problem
	if problem == nil {
		problem = func(err error) { log.Warn("watch: not followed", "err", err) }
	}

	b := newBatcher(debounce)
	problems := make(chan error, 16)
	s := &source{
		root:     root,
		ignore:   cleanIgnore(root, cfg.Ignore),
		log:      log,
		out:      b.in,
		problems: problems,
		ready:    ready,
	}

	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Go(func() { b.run(ctx) })
	wg.Go(func() { s.run(ctx, cfg.Poll, interval) })
	for {
		select {
		case <-ctx.Done():
			return nil
		case batch := <-b.out:
			fn(batch)
		case err := <-problems:
			problem(err)
		}
	}
}

// Classify reports which part of the site the slash path rel (relative to
// the site root) belongs to, and false for paths folio ignores: anything
// outside content/, templates/, static/ and folio.yaml, dotfiles and editor
// temporary files. rel names a file; the folders content/, templates/ and
// static/ classify as their Kind, and "." as ConfigFile.
func Classify(rel string) (Kind, bool) { return classify(rel, false) }

// classify is Classify for a file, or for a folder if dir: a folder's own
// name is ignored only when it starts with ".".
func classify(rel string, dir bool) (Kind, bool) {
	if rel == "." {
		return ConfigFile, true
	}
	if rel == "" || rel != path.Clean(rel) || path.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, "../") {
		return 0, false
	}
	elems := strings.Split(rel, "/")
	for i, elem := range elems {
		if i < len(elems)-1 || dir {
			if content.SkipDir(elem) {
				return 0, false
			}
		} else if content.Skip(elem) {
			return 0, false
		}
	}
	top, _, _ := strings.Cut(rel, "/")
	switch top {
	case "content":
		return Content, true
	case "templates":
		return Template, true
	case "static":
		return Static, true
	case "folio.yaml":
		if rel == top {
			return ConfigFile, true
		}
	}
	return 0, false
}

// cleanIgnore turns Config.Ignore into clean slash paths relative to root.
// Absolute entries are made relative to root; entries outside it, and "."
// (which would ignore everything), are dropped.
func cleanIgnore(root string, ignore []string) []string {
	var out []string
	for _, ig := range ignore {
		if filepath.IsAbs(ig) {
			rel, err := filepath.Rel(root, ig)
			if err != nil {
				continue
			}
			ig = rel
		}
		ig = path.Clean(filepath.ToSlash(ig))
		if ig == "." || ig == ".." || strings.HasPrefix(ig, "../") {
			continue
		}
		out = append(out, ig)
	}
	return out
}

// under reports whether the slash path p is dir or inside it.
func under(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+"/")
}
