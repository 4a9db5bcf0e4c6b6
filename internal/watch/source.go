package watch

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// everything returns the synthetic change meaning "rebuild everything".
func everything() event {
	return event{Change: Change{Path: ".", Kind: ConfigFile, Op: Write}}
}

// source turns file system activity under a site root into events for a
// batcher, with fsnotify or by polling. It runs on one goroutine.
type source struct {
	root   string   // absolute
	ignore []string // clean slash paths relative to root
	log    *slog.Logger
	out    chan<- event
	ready  func() // called once, when watching has started; may be nil
}

func (s *source) run(ctx context.Context, poll bool, interval time.Duration) {
	if !poll {
		started, err := s.notify(ctx)
		if err == nil {
			return
		}
		s.log.Warn("watch: falling back to polling", "err", err, "interval", interval)
		if started && !s.send(ctx, everything()) {
			return
		}
	}
	s.poll(ctx, interval)
}

func (s *source) markReady() {
	if s.ready != nil {
		s.ready()
		s.ready = nil
	}
}

// send hands e to the batcher; it reports false if ctx was cancelled.
func (s *source) send(ctx context.Context, e event) bool {
	select {
	case s.out <- e:
		return true
	case <-ctx.Done():
		return false
	}
}

// rel returns the slash path of name relative to the root.
func (s *source) rel(name string) (string, bool) {
	r, err := filepath.Rel(s.root, name)
	if err != nil {
		return "", false
	}
	return filepath.ToSlash(r), true
}

// keep classifies the slash path rel, a folder if dir, and reports false
// if it is ignored.
func (s *source) keep(rel string, dir bool) (Kind, bool) {
	k, ok := classify(rel, dir)
	if !ok {
		return 0, false
	}
	for _, ig := range s.ignore {
		if under(rel, ig) {
			return 0, false
		}
	}
	return k, true
}

// walk calls fn for the root and every file and folder under it that is
// not ignored, skipping ignored folders. Symlinks to folders are followed,
// as the build follows them, except one that loops back to a folder it is
// in. It stops early if ctx is cancelled or fn returns an error. Paths that
// vanish during the walk are skipped; other read errors are logged.
func (s *source) walk(ctx context.Context, from string, fn func(rel string, kind Kind, d fs.DirEntry) error) error {
	start := filepath.Join(s.root, filepath.FromSlash(from))
	if fi, err := os.Lstat(start); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if s.loops(start) {
			return nil
		}
		start += string(filepath.Separator) // walk the folder the link names
	}
	return filepath.WalkDir(start, func(name string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				s.log.Warn("watch: walk", "err", err)
			}
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		rel, ok := s.rel(name)
		if !ok {
			return nil
		}
		dir, linked := d.IsDir(), false
		if d.Type()&fs.ModeSymlink != 0 {
			if fi, err := os.Stat(name); err == nil && fi.IsDir() {
				dir, linked = true, true
			}
		}
		kind, ok := s.keep(rel, dir)
		if !ok {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if linked {
			return s.walk(ctx, rel, fn)
		}
		return fn(rel, kind, d)
	})
}

// loops reports whether the symlink name leads to a folder it is in.
func (s *source) loops(name string) bool {
	fi, err := os.Stat(name)
	if err != nil {
		return false
	}
	for a := filepath.Dir(name); ; a = filepath.Dir(a) {
		if ai, err := os.Stat(a); err == nil && os.SameFile(fi, ai) {
			s.log.Warn("watch: symlink loops back to a folder it is in; not followed", "link", name)
			return true
		}
		if a == s.root || a == filepath.Dir(a) {
			return false
		}
	}
}

// notify watches with fsnotify until ctx is cancelled (returning a nil
// error) or a watch cannot be added (returning why). started reports
// whether watching had begun, so that events may have been missed.
func (s *source) notify(ctx context.Context) (started bool, err error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return false, err
	}
	defer w.Close()
	n := &notifier{source: s, w: w, dirs: make(map[string]bool)}
	if err := n.add(ctx, ".", false); err != nil {
		if ctx.Err() != nil {
			return false, nil
		}
		return false, err
	}
	s.log.Debug("watch: started", "root", s.root, "folders", len(n.dirs))
	s.markReady()
	for {
		var failed error
		select {
		case <-ctx.Done():
			return true, nil
		case e, ok := <-w.Errors:
			if !ok {
				return true, nil
			}
			failed = n.error(ctx, e)
		case e, ok := <-w.Events:
			if !ok {
				return true, nil
			}
			failed = n.event(ctx, e)
		}
		if failed != nil {
			if ctx.Err() != nil {
				return true, nil
			}
			return true, failed
		}
	}
}

// notifier is the fsnotify side of a source.
type notifier struct {
	*source
	w    *fsnotify.Watcher
	dirs map[string]bool // watched folders as slash paths relative to the root; "." is the root
}

// add watches the folder rel and every folder under it. With report, it
// sends a Create for every file it finds: they may have been written before
// the watch was in place.
func (n *notifier) add(ctx context.Context, rel string, report bool) error {
	return n.walk(ctx, rel, func(rel string, kind Kind, d fs.DirEntry) error {
		if !d.IsDir() {
			if report && !n.send(ctx, event{Change: Change{Path: rel, Kind: kind, Op: Create}}) {
				return ctx.Err()
			}
			return nil
		}
		if kind == ConfigFile && rel != "." {
			return fs.SkipDir // a folder named folio.yaml
		}
		if err := n.w.Add(filepath.Join(n.root, filepath.FromSlash(rel))); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fs.SkipDir
			}
			return err
		}
		n.dirs[rel] = true
		return nil
	})
}

// forget drops the watches on rel and the folders under it, and reports
// whether rel was a watched folder. inotify drops the watch of a removed
// folder by itself, but not those of its sub-folders when it is moved away.
func (n *notifier) forget(rel string) bool {
	if !n.dirs[rel] {
		return false
	}
	for d := range n.dirs {
		if under(d, rel) {
			delete(n.dirs, d)
			_ = n.w.Remove(filepath.Join(n.root, filepath.FromSlash(d))) // usually gone already
		}
	}
	return true
}

func (n *notifier) event(ctx context.Context, e fsnotify.Event) error {
	if !e.Has(fsnotify.Create | fsnotify.Write | fsnotify.Remove | fsnotify.Rename) {
		return nil // Chmod
	}
	rel, ok := n.rel(e.Name)
	if !ok {
		return nil
	}
	if rel == "." {
		if e.Has(fsnotify.Remove | fsnotify.Rename) {
			n.log.Warn("watch: site root removed or moved", "root", n.root)
		}
		return nil
	}
	dir := n.dirs[rel]
	if e.Has(fsnotify.Create) {
		// Stat, not Lstat: a symlink to a folder is watched as a folder.
		fi, err := os.Stat(e.Name)
		dir = err == nil && fi.IsDir()
	}
	kind, ok := n.keep(rel, dir)
	if !ok {
		return nil
	}
	if e.Has(fsnotify.Remove) || e.Has(fsnotify.Rename) {
		op := Remove
		if !e.Has(fsnotify.Remove) {
			op = Rename
		}
		dir := n.forget(rel)
		if !n.send(ctx, event{Change: Change{Path: rel, Kind: kind, Op: op}, dir: dir}) {
			return ctx.Err()
		}
	}
	switch {
	case e.Has(fsnotify.Create):
		if dir {
			return n.add(ctx, rel, true)
		}
		// A file, or a path removed again already: its Remove follows
		// and wins the merge.
		if !n.send(ctx, event{Change: Change{Path: rel, Kind: kind, Op: Create}}) {
			return ctx.Err()
		}
	case e.Has(fsnotify.Write):
		if n.dirs[rel] {
			return nil // kqueue and Windows report a folder's changes as a Write on it
		}
		if !n.send(ctx, event{Change: Change{Path: rel, Kind: kind, Op: Write}}) {
			return ctx.Err()
		}
	}
	return nil
}

// error handles an error from fsnotify: it is logged; after an overflow,
// everything is rebuilt and the tree walked again for folders whose Create
// was lost.
func (n *notifier) error(ctx context.Context, err error) error {
	if !errors.Is(err, fsnotify.ErrEventOverflow) {
		n.log.Warn("watch: fsnotify", "err", err)
		return nil
	}
	n.log.Warn("watch: events lost, rebuilding everything", "err", err)
	if !n.send(ctx, everything()) {
		return ctx.Err()
	}
	return n.add(ctx, ".", false)
}

// stat is what polling compares between two walks.
type stat struct {
	size  int64
	mtime time.Time
	mode  fs.FileMode
}

// poll walks the tree every interval until ctx is cancelled.
func (s *source) poll(ctx context.Context, interval time.Duration) {
	prev := s.snapshot(ctx)
	s.log.Debug("watch: polling", "root", s.root, "files", len(prev), "interval", interval)
	s.markReady()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cur := s.snapshot(ctx)
		if ctx.Err() != nil || !s.compare(ctx, prev, cur) {
			return
		}
		prev = cur
	}
}

// snapshot walks the watched part of the tree.
func (s *source) snapshot(ctx context.Context) map[string]stat {
	snap := make(map[string]stat)
	_ = s.walk(ctx, ".", func(rel string, kind Kind, d fs.DirEntry) error {
		if rel == "." {
			return nil
		}
		if kind == ConfigFile && d.IsDir() {
			return fs.SkipDir // a folder named folio.yaml
		}
		fi, err := d.Info()
		if err != nil {
			return nil // vanished
		}
		snap[rel] = stat{size: fi.Size(), mtime: fi.ModTime(), mode: fi.Mode()}
		return nil
	})
	return snap
}

// compare sends the events that turn prev into cur. A removed folder is
// sent alone, without the files that were under it. It reports false if
// ctx was cancelled.
func (s *source) compare(ctx context.Context, prev, cur map[string]stat) bool {
	send := func(rel string, op Op, dir bool) bool {
		kind, _ := Classify(rel)
		return s.send(ctx, event{Change: Change{Path: rel, Kind: kind, Op: op}, dir: dir})
	}
	for rel, was := range prev {
		now, ok := cur[rel]
		switch {
		case ok && was.mode.IsDir() == now.mode.IsDir():
			continue
		case !ok && s.parentGone(rel, prev, cur):
			continue
		}
		if !send(rel, Remove, was.mode.IsDir()) {
			return false
		}
	}
	for rel, now := range cur {
		if now.mode.IsDir() {
			continue
		}
		was, ok := prev[rel]
		var op Op
		switch {
		case !ok || was.mode.IsDir():
			op = Create
		case was.size != now.size || !was.mtime.Equal(now.mtime) || was.mode != now.mode:
			op = Write
		default:
			continue
		}
		if !send(rel, op, false) {
			return false
		}
	}
	return true
}

// parentGone reports whether a folder above rel disappeared too.
func (s *source) parentGone(rel string, prev, cur map[string]stat) bool {
	for p := path.Dir(rel); p != "."; p = path.Dir(p) {
		if _, was := prev[p]; !was {
			continue
		}
		if _, is := cur[p]; !is {
			return true
		}
	}
	return false
}
