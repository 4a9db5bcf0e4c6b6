package watch

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"syscall"
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
	root     string   // absolute
	ignore   []string // clean slash paths relative to root
	log      *slog.Logger
	out      chan<- event
	problems chan<- error      // to Run's goroutine; nil logs them instead
	ready    func()            // called once, when watching has started; may be nil
	warned   map[string]string // read errors logged, by slash path
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

// found is one path a walk found.
type found struct {
	rel  string
	kind Kind
	d    fs.DirEntry
	info fs.FileInfo // d's, as from os.Lstat; nil if err is set
	mode fs.FileMode // info's, or for a symlink its target's unless loop is set
	loop *LoopError  // d is a symlink that walk did not follow, as it loops
	err  error       // d is a folder, passed to fn already, that cannot be read
}

// walk calls fn for the root and every file and folder under it that is
// not ignored, skipping ignored folders. Symlinks to folders are followed,
// as the build follows them, except one that loops (see LoopError): fn
// gets it as a file, with loop set. It stops early if ctx is cancelled or
// fn returns an error. Paths that vanish during the walk are skipped; a
// folder that cannot be read is passed to fn a second time, with err set,
// and logged once per path and error.
func (s *source) walk(ctx context.Context, from string, fn func(found) error) error {
	start := filepath.Join(s.root, filepath.FromSlash(from))
	if fi, err := os.Lstat(start); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if loop := s.loops(from, start); loop != nil {
			kind, ok := s.keep(from, true)
			if !ok {
				return nil
			}
			err := fn(found{rel: from, kind: kind, d: fs.FileInfoToDirEntry(fi), info: fi, mode: fi.Mode(), loop: loop})
			if err == fs.SkipDir {
				err = nil
			}
			return err
		}
		start += string(filepath.Separator) // walk the folder the link names
	}
	return filepath.WalkDir(start, func(name string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, ok := s.rel(name)
		if !ok {
			return nil
		}
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			s.warn(rel, err)
			if d == nil || !d.IsDir() {
				return nil
			}
			// The folder, already passed to fn, cannot be read.
			if kind, ok := s.keep(rel, true); ok {
				if err := fn(found{rel: rel, kind: kind, d: d, err: err}); err != nil && err != fs.SkipDir {
					return err
				}
			}
			return fs.SkipDir
		}
		fi, err := d.Info()
		if err != nil {
			return nil // vanished
		}
		f := found{rel: rel, d: d, info: fi, mode: fi.Mode()}
		dir, linked := d.IsDir(), false
		if d.Type()&fs.ModeSymlink != 0 {
			switch fi, err := os.Stat(name); {
			case err == nil:
				f.mode = fi.Mode()
				dir, linked = fi.IsDir(), fi.IsDir()
			case errors.Is(err, syscall.ELOOP):
				f.loop = &LoopError{Path: rel}
			}
		}
		if f.kind, ok = s.keep(rel, dir); !ok {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if linked {
			return s.walk(ctx, rel, fn)
		}
		return fn(f)
	})
}

// loops returns a LoopError if the symlink name (rel, relative to the root)
// leads to a folder it is in, inside the root or above it.
func (s *source) loops(rel, name string) *LoopError {
	fi, err := os.Stat(name)
	if errors.Is(err, syscall.ELOOP) {
		return &LoopError{Path: rel}
	}
	if err != nil {
		return nil
	}
	for a := filepath.Dir(name); ; a = filepath.Dir(a) {
		if ai, err := os.Stat(a); err == nil && os.SameFile(fi, ai) {
			target := a
			if r, ok := s.rel(a); ok && (r == "." || filepath.IsLocal(r)) {
				target = r
			}
			return &LoopError{Path: rel, Target: target}
		}
		if a == filepath.Dir(a) {
			return nil
		}
	}
}

// warn logs a read error for rel unless the same error was logged for it
// already (polling walks the tree again and again).
func (s *source) warn(rel string, err error) {
	msg := err.Error()
	if s.warned[rel] == msg {
		return
	}
	if s.warned == nil {
		s.warned = make(map[string]string)
	}
	s.warned[rel] = msg
	s.log.Warn("watch: cannot read", "path", rel, "err", err)
}

// problem hands err to Run's goroutine, or logs it if there is none; it
// reports false if ctx was cancelled.
func (s *source) problem(ctx context.Context, err error) bool {
	if s.problems == nil {
		s.log.Warn("watch: not followed", "err", err)
		return true
	}
	select {
	case s.problems <- err:
		return true
	case <-ctx.Done():
		return false
	}
}

// modeOf returns the mode of name, following a symlink.
func modeOf(name string) (fs.FileMode, error) {
	fi, err := os.Lstat(name)
	if err != nil {
		return 0, err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		if ti, err := os.Stat(name); err == nil {
			return ti.Mode(), nil
		}
	}
	return fi.Mode(), nil
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
	n := newNotifier(s, w)
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
	w      *fsnotify.Watcher
	dirs   map[string]bool                   // watched folders as slash paths relative to the root; "." is the root
	modes  map[string]map[string]fs.FileMode // last seen modes: folder, then name in it
	looped map[string]LoopError              // symlinks reported as loops, by slash path
}

func newNotifier(s *source, w *fsnotify.Watcher) *notifier {
	return &notifier{
		source: s,
		w:      w,
		dirs:   make(map[string]bool),
		modes:  make(map[string]map[string]fs.FileMode),
		looped: make(map[string]LoopError),
	}
}

// add watches the folder rel and every folder under it. With report, it
// sends a Create for every file it finds: they may have been written before
// the watch was in place. A folder that cannot be watched for lack of
// permission is logged and skipped (and sent as a Write with report): its
// parent's watch reports when its mode changes, and it is added then.
func (n *notifier) add(ctx context.Context, rel string, report bool) error {
	return n.walk(ctx, rel, func(f found) error {
		if f.err != nil {
			return n.unreadable(ctx, f, report)
		}
		n.setMode(f.rel, f.mode)
		if f.loop != nil && !n.loop(ctx, f.loop) {
			return ctx.Err()
		}
		if !f.d.IsDir() {
			if report && !n.send(ctx, event{Change: Change{Path: f.rel, Kind: f.kind, Op: Create}}) {
				return ctx.Err()
			}
			return nil
		}
		if f.kind == ConfigFile && f.rel != "." {
			return fs.SkipDir // a folder named folio.yaml
		}
		if err := n.w.Add(filepath.Join(n.root, filepath.FromSlash(f.rel))); err != nil {
			if !n.skip(f.rel, err) {
				return err
			}
			if errors.Is(err, fs.ErrPermission) {
				return n.unreadable(ctx, f, report)
			}
			return fs.SkipDir
		}
		n.dirs[f.rel] = true
		return nil
	})
}

// skip reports whether the folder rel, which could not be watched because
// of err, is skipped rather than given up on: it vanished, or it may not be
// read (logged). Any other error, such as the inotify watch limit, means
// fsnotify cannot watch the tree.
func (n *notifier) skip(rel string, err error) bool {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return true
	case errors.Is(err, fs.ErrPermission):
		n.warn(rel, err)
		return true
	}
	return false
}

// unreadable skips the folder f, which cannot be read. With report, it is
// new: it is sent as a Write, so that the build runs and reports it.
func (n *notifier) unreadable(ctx context.Context, f found, report bool) error {
	if report && !n.send(ctx, event{Change: Change{Path: f.rel, Kind: f.kind, Op: Write}}) {
		return ctx.Err()
	}
	return fs.SkipDir
}

// loop reports e unless it was reported already for the same link and
// target; it returns false if ctx was cancelled.
func (n *notifier) loop(ctx context.Context, e *LoopError) bool {
	if was, ok := n.looped[e.Path]; ok && was == *e {
		return true
	}
	n.looped[e.Path] = *e
	return n.problem(ctx, e)
}

// setMode records the last seen mode of rel.
func (n *notifier) setMode(rel string, mode fs.FileMode) {
	dir, name := path.Split(rel)
	m := n.modes[dir]
	if m == nil {
		m = make(map[string]fs.FileMode)
		n.modes[dir] = m
	}
	m[name] = mode
}

// forget drops what is known about rel and, if it was a watched folder, the
// watches on it and the folders under it; it reports whether rel was a
// watched folder. inotify drops the watch of a removed folder by itself,
// but not those of its sub-folders when it is moved away.
func (n *notifier) forget(rel string) bool {
	dir, name := path.Split(rel)
	delete(n.modes[dir], name)
	delete(n.looped, rel)
	delete(n.warned, rel)
	if !n.dirs[rel] {
		return false
	}
	for d := range n.dirs {
		if under(d, rel) {
			delete(n.dirs, d)
			delete(n.modes, d+"/")
			_ = n.w.Remove(filepath.Join(n.root, filepath.FromSlash(d))) // usually gone already
		}
	}
	for p := range n.looped {
		if under(p, rel) {
			delete(n.looped, p)
		}
	}
	for p := range n.warned {
		if under(p, rel) {
			delete(n.warned, p)
		}
	}
	return true
}

func (n *notifier) event(ctx context.Context, e fsnotify.Event) error {
	rel, ok := n.rel(e.Name)
	if !ok {
		return nil
	}
	if !e.Has(fsnotify.Create | fsnotify.Write | fsnotify.Remove | fsnotify.Rename) {
		return n.chmod(ctx, rel)
	}
	if rel == "." {
		if e.Has(fsnotify.Remove | fsnotify.Rename) {
			n.log.Warn("watch: site root removed or moved", "root", n.root)
		}
		return nil
	}
	dir := n.dirs[rel]
	var loop *LoopError
	if e.Has(fsnotify.Create) {
		// Stat, not Lstat: a symlink to a folder is watched as a folder.
		fi, err := os.Stat(e.Name)
		dir = err == nil && fi.IsDir()
		if errors.Is(err, syscall.ELOOP) {
			loop = &LoopError{Path: rel}
		}
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
		if mode, err := modeOf(e.Name); err == nil {
			n.setMode(rel, mode)
		}
		if loop != nil && !n.loop(ctx, loop) {
			return ctx.Err()
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

// chmod handles an attribute change of rel. Only a change of its mode is
// reported, as a Write: touch, chown, a new hard link or an editor setting
// the mode a file already has change other attributes or none. A folder
// that could not be watched is added once its mode changes.
func (n *notifier) chmod(ctx context.Context, rel string) error {
	if rel == "." {
		return nil
	}
	mode, err := modeOf(filepath.Join(n.root, filepath.FromSlash(rel)))
	if err != nil {
		return nil // gone: its Remove follows
	}
	kind, ok := n.keep(rel, mode.IsDir())
	if !ok {
		return nil
	}
	dir, name := path.Split(rel)
	if was, ok := n.modes[dir][name]; ok && was == mode {
		return nil
	}
	n.setMode(rel, mode)
	delete(n.warned, rel)
	if !n.send(ctx, event{Change: Change{Path: rel, Kind: kind, Op: Write}}) {
		return ctx.Err()
	}
	if _, loop := n.looped[rel]; mode.IsDir() && !n.dirs[rel] && !loop {
		return n.add(ctx, rel, true)
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
	loop  *LoopError // a symlink not followed
	// unreadable is a folder whose files could not be listed
	unreadable bool
}

// poll walks the tree every interval until ctx is cancelled.
func (s *source) poll(ctx context.Context, interval time.Duration) {
	prev := s.snapshot(ctx)
	if !s.reportLoops(ctx, nil, prev) {
		return
	}
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
		if ctx.Err() != nil || !s.compare(ctx, prev, cur) || !s.reportLoops(ctx, prev, cur) {
			return
		}
		prev = cur
	}
}

// snapshot walks the watched part of the tree.
func (s *source) snapshot(ctx context.Context) map[string]stat {
	snap := make(map[string]stat)
	_ = s.walk(ctx, ".", func(f found) error {
		if f.rel == "." {
			return nil
		}
		if f.err != nil {
			if st, ok := snap[f.rel]; ok {
				st.unreadable = true
				snap[f.rel] = st
			}
			return nil
		}
		if f.kind == ConfigFile && f.d.IsDir() {
			return fs.SkipDir // a folder named folio.yaml
		}
		snap[f.rel] = stat{size: f.info.Size(), mtime: f.info.ModTime(), mode: f.mode, loop: f.loop}
		return nil
	})
	return snap
}

// reportLoops reports the loops in cur that were not in prev; it returns
// false if ctx was cancelled.
func (s *source) reportLoops(ctx context.Context, prev, cur map[string]stat) bool {
	for rel, now := range cur {
		if now.loop == nil {
			continue
		}
		if was := prev[rel].loop; was != nil && *was == *now.loop {
			continue
		}
		if !s.problem(ctx, now.loop) {
			return false
		}
	}
	return true
}

// compare sends the events that turn prev into cur. A removed folder is
// sent alone, without the files that were under it; a folder whose mode
// changed, or that cannot be read any more, is sent as a Write. It reports
// false if ctx was cancelled.
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
		delete(s.warned, rel)
		if !send(rel, Remove, was.mode.IsDir()) {
			return false
		}
	}
	for rel, now := range cur {
		was, ok := prev[rel]
		var op Op
		switch {
		case now.mode.IsDir():
			changed := ok && was.mode.IsDir() && was.mode != now.mode
			if !changed && (!now.unreadable || ok && was.unreadable) {
				continue
			}
			op = Write // its mode changed, or it cannot be read any more
		case !ok || was.mode.IsDir():
			op = Create
		case was.size != now.size || !was.mtime.Equal(now.mtime) || was.mode != now.mode:
			op = Write
		default:
			continue
		}
		if was.mode != now.mode {
			delete(s.warned, rel)
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
