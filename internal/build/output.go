package build

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/folio-ssg/folio/internal/diag"
)

// written is what the destination holds, as far as folio knows: the state
// the output writer carries from one build to the next (and the build
// cache across runs).
type written struct {
	sums  map[string][32]byte // file -> digest of its bytes
	sizes map[string]int64
	pages map[string]pageRec // page file -> its stamp and the keys it read
	mem   map[string][]byte  // an output kept in memory (Builder.memory): the bytes
	// committed is when the commit that wrote them ended: a file of the
	// destination modified later was changed by someone else.
	committed time.Time
}

func newWritten() *written {
	return &written{sums: map[string][32]byte{}, sizes: map[string]int64{}, pages: map[string]pageRec{}}
}

// output collects the files of one build. It reads the last build's
// state (prev) and hands the new one to the Builder only from commit.
//
// In swap mode (folio build) it writes the files whose bytes changed into
// a temporary folder beside the destination, and on commit hard-links
// every other file from the destination into it (a link is one system
// call where a write is three) and exchanges the two folders: a build
// killed at any moment leaves the old tree or the new one. When the tree
// the last swap replaced is kept as the spare (spare.go), the temporary
// folder is that tree, and only the files where it differs from the new
// output are written, linked or removed. A build that changed nothing
// leaves the destination as it is. A file the last state says is
// unchanged is written all the same when the destination's is not intact.
//
// In place mode (folio serve and watch) keeps the files whose bytes
// changed and writes only those, into the destination, on commit.
type output struct {
	prev    *written
	dest    string
	tmp     string   // swap mode: the folder being assembled
	dirs    sync.Map // swap mode: folders already made in tmp
	inPlace bool
	dry     bool // folio check: everything but writing
	// verify says the last state came from the build cache, not from this
	// Builder's own commit: in place mode then also checks that a file is
	// intact before it counts it unchanged.
	verify bool

	mu      sync.Mutex
	owners  map[string]string // output file -> what produced it
	sums    map[string][32]byte
	sizes   map[string]int64
	pages   map[string]pageRec
	pending map[string]pending // in place: changed files to write
	held    int64              // in place: bytes of pending held in memory
	hold    int64              // in place: at most this many (heldBytes)
	stage   *os.Root           // in place: the destination, once files are staged in it
	staged  int
	wrote   map[string]bool // swap mode: files written into tmp
	reuse   map[string]bool // swap mode: files to link from the destination on commit
	// mem, for tests, holds the output in memory instead of on disk:
	// every file's bytes; prev.mem is the last build's.
	mem       map[string][]byte
	done      bool
	old       string // swap mode: the replaced tree, after commit
	committed time.Time
	// Spare mode (spare.go): tmp is the spare, opened as root, holding
	// what spare says; fromSpare are the files kept as the spare had them.
	spare        *spareState
	root         *os.Root
	fromSpare    map[string]bool
	prevManifest [32]byte   // digest of the destination's manifest, if known
	spareDirMu   sync.Mutex // held while a folder is made in the spare
	// foreign, in swap mode, is the walk of the destination for files
	// folio did not write (checkDest): started by the first file that
	// changes, waited for before the destination is replaced.
	foreign  *foreignWalk
	newSpare *spareState // after commit: the replaced tree kept as the spare
	repair   bool        // a file of the destination is not as the last build left it
	stale    string      // a spare folio could not vouch for, to remove

	changed []string
	warned  []string
}

// warn records a problem GitHub Pages would have with the output.
func (o *output) warn(msg string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.warned = append(o.warned, msg)
}

// openOutput opens the output of a build, its maps made for as many
// files, and pages of them, as the caller expects (the last build's).
func (b *Builder) openOutput(files, pages int) (*output, error) {
	o := &output{prev: b.dest, dest: b.cfg.Dest, inPlace: b.cfg.InPlace, dry: b.cfg.DryRun, owners: make(map[string]string, files), sums: make(map[string][32]byte, files), sizes: make(map[string]int64, files), pages: make(map[string]pageRec, pages), pending: map[string]pending{}, hold: b.hold}
	if b.memory {
		o.mem = make(map[string][]byte, files)
		return o, nil
	}
	o.verify = b.destFromCache
	if o.inPlace || o.dry {
		return o, nil
	}
	o.prevManifest = b.destManifest
	parent := filepath.Dir(filepath.Clean(o.dest))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	// Temporary folders a killed build left behind go first.
	leftovers, _ := filepath.Glob(filepath.Join(parent, "."+filepath.Base(o.dest)+".tmp-*"))
	for _, l := range leftovers {
		os.RemoveAll(l)
	}
	o.wrote, o.reuse = map[string]bool{}, make(map[string]bool, files)
	if o.claimSpare(b.spare, b.destManifest) {
		return o, nil
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(o.dest)+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("write: %w", err)
	}
	o.tmp = tmp
	return o, nil
}

// validOutput reports whether name is a clean relative slash path that
// stays inside the output folder.
func validOutput(name string) bool {
	return fs.ValidPath(name) && name != "." && !strings.Contains(name, "\\") && path.Clean(name) == name
}

// put adds one file. from names its origin for conflict messages; a page
// ("page /x/") may not share a file with anything else.
func (o *output) put(name string, data []byte, from string) error {
	return o.putParts(name, [][]byte{data}, from)
}

// putParts is put of a file whose bytes are parts, one after another:
// a large file made of many pieces (the catalog, made document by
// document) is written from them without being joined first, which at
// 100,000 documents was 150 MB of memory touched anew.
func (o *output) putParts(name string, parts [][]byte, from string) error {
	if !validOutput(name) {
		return fmt.Errorf("output path %q from %s is not a clean relative path", name, from)
	}
	var sum [32]byte
	size := 0
	if len(parts) == 1 {
		sum, size = sha256.Sum256(parts[0]), len(parts[0])
	} else {
		h := sha256.New()
		for _, p := range parts {
			h.Write(p)
			size += len(p)
		}
		h.Sum(sum[:0])
	}
	o.mu.Lock()
	if err := o.claim(name, from); err != nil {
		o.mu.Unlock()
		return err
	}
	o.sums[name] = sum
	o.sizes[name] = int64(size)
	if o.mem != nil {
		o.mem[name] = joined(parts)
	}
	if o.dry || o.mem != nil {
		o.mu.Unlock()
		return nil
	}
	if o.inPlace {
		defer o.mu.Unlock()
		if old, ok := o.prev.sums[name]; ok && old == sum && o.intact(name) {
			delete(o.pending, name)
			return nil
		}
		if o.held+int64(size) <= o.hold {
			o.held += int64(size)
			o.pending[name] = pending{data: joined(parts)}
			return nil
		}
		staged, err := o.stageFile(parts)
		if err != nil {
			return err
		}
		o.pending[name] = pending{staged: staged}
		return nil
	}
	if !o.wrote[name] {
		old, ok := o.prev.sums[name]
		destOK := ok && old == sum && o.intact(name)
		if ok && old == sum && !destOK {
			o.repair = true // the spare may hold it, but the destination must change
		}
		if o.spare != nil && o.spareHolds(name, sum, destOK) {
			delete(o.reuse, name)
			o.mu.Unlock()
			return nil
		}
		if destOK {
			o.reuse[name] = true
			o.mu.Unlock()
			return nil
		}
	}
	delete(o.reuse, name)
	delete(o.fromSpare, name)
	o.wrote[name] = true
	o.mu.Unlock()
	o.foreign.start()
	if o.spare != nil {
		return o.spareWrite(name, parts)
	}
	// The temporary folder is new and only this build writes into it, so
	// it holds no symlinks: a validated relative path stays inside it, and
	// a plain write costs one system call where os.Root resolves every
	// path element with one of its own.
	if err := o.mkdirs(path.Dir(name)); err != nil {
		return err
	}
	// Nothing in it is linked before commit, so a file written again
	// (static/ over the theme's) is written over.
	f, err := os.OpenFile(filepath.Join(o.tmp, filepath.FromSlash(name)), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	return writeParts(f, parts)
}

// joined is parts as one slice: the one part itself, when there is one.
func joined(parts [][]byte) []byte {
	if len(parts) == 1 {
		return parts[0]
	}
	return bytes.Join(parts, nil)
}

// writeParts writes parts to f, gathered into writes of 256 KB, and
// closes it.
func writeParts(f *os.File, parts [][]byte) error {
	var err error
	if len(parts) == 1 {
		_, err = f.Write(parts[0])
	} else {
		w := bufio.NewWriterSize(f, 256<<10)
		for _, p := range parts {
			if _, err = w.Write(p); err != nil {
				break
			}
		}
		if err == nil {
			err = w.Flush()
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// mkdirs creates dir and its parents in the temporary folder, once each.
func (o *output) mkdirs(dir string) error {
	if dir == "." {
		return nil
	}
	if _, ok := o.dirs.Load(dir); ok {
		return nil
	}
	if err := o.mkdirs(path.Dir(dir)); err != nil {
		return err
	}
	err := os.Mkdir(filepath.Join(o.tmp, filepath.FromSlash(dir)), 0o755)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	o.dirs.Store(dir, true)
	return nil
}

// holds reports whether the output kept the bytes put was last given for
// name (an update in place holds changed files until the commit, up to
// heldBytes; an output in memory keeps them all): the caller may reuse
// them only when not.
func (o *output) holds(name string) bool {
	if o.mem != nil {
		return true
	}
	if !o.inPlace {
		return false
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.pending[name].data != nil
}

// lastSize is the size of name as the last build wrote it, or, for a
// file it did not write, that of a typical page: what to make room for
// while name renders. The last build's record is not written to before
// the commit.
func (o *output) lastSize(name string) int {
	if n, ok := o.prev.sizes[name]; ok {
		return int(n)
	}
	return 16 << 10
}

// names lists the files of this output so far, sorted.
func (o *output) names() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return sortedKeys(o.sums)
}

// owned reports whether something of this build already wrote name.
func (o *output) owned(name string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, ok := o.owners[name]
	return ok
}

// intact reports whether the destination's file name is as the last
// build left it, as far as its size and modification time tell: the
// regular file of the size folio wrote, not modified since the commit.
// In place mode trusts the state of its own commits.
func (o *output) intact(name string) bool {
	if o.inPlace && !o.verify || o.dry || o.mem != nil {
		return true
	}
	return intactFile(filepath.Join(o.dest, filepath.FromSlash(name)), o.prev.sizes[name], o.prev.committed)
}

// intactFile reports whether the file at p is as a commit that ended at
// committed left it, as far as stat tells: a regular file of size bytes,
// not modified since.
func intactFile(p string, size int64, committed time.Time) bool {
	fi, err := os.Lstat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Size() == size && !fi.ModTime().After(committed)
}

// linkReused hard-links into the temporary folder every file the
// destination keeps from the last build (swap mode), copying one that
// cannot be linked (another file system). The first build that changes a
// site after a cold one links every file this way, two system calls or
// more each: the work is shared among the cores, each taking a run of the
// sorted names, so that each makes mostly folders of its own (mkdirs
// makes a folder once, whoever asks first).
func (o *output) linkReused() error {
	names := sortedKeys(o.reuse)
	nw := max(1, min(runtime.GOMAXPROCS(0), len(names)/linkRun))
	errs := make([]error, nw)
	var wg sync.WaitGroup
	for k := range nw {
		run := names[k*len(names)/nw : (k+1)*len(names)/nw]
		wg.Go(func() {
			for _, name := range run {
				if err := o.linkOne(name); err != nil {
					errs[k] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// linkRun is the fewest files a core is given to link (the bundled
// example's first changed build links about 280, on two cores).
const linkRun = 64

// linkOne hard-links the destination's file name into the temporary
// folder, or copies it.
func (o *output) linkOne(name string) error {
	if o.spare != nil {
		return o.spareLink(name)
	}
	if err := o.mkdirs(path.Dir(name)); err != nil {
		return err
	}
	from := filepath.Join(o.dest, filepath.FromSlash(name))
	to := filepath.Join(o.tmp, filepath.FromSlash(name))
	if os.Link(from, to) == nil {
		return nil
	}
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if int64(len(data)) != o.sizes[name] || sha256.Sum256(data) != o.sums[name] {
		return fmt.Errorf("%s changed during the build", from)
	}
	return os.WriteFile(to, data, 0o644)
}

// unchanged reports whether the output is the destination's as it is
// (swap mode): nothing written, nothing removed.
func (o *output) unchanged() bool {
	if o.repair || len(o.wrote) > 0 || len(o.sums) != len(o.prev.sums) {
		return false
	}
	for name, sum := range o.prev.sums {
		if s, ok := o.sums[name]; !ok || s != sum {
			return false
		}
	}
	return true
}

// has reports whether the destination already holds name from the last build.
func (o *output) has(name string) bool {
	_, ok := o.prev.sums[name]
	return ok
}

// claim records that from writes name; o.mu is held. A page may not share
// its file with anything else; static files may override one another.
func (o *output) claim(name, from string) error {
	if prev, ok := o.owners[name]; ok && (strings.HasPrefix(from, "page ") || strings.HasPrefix(prev, "page ")) {
		// A file of content/ or static/ where folio writes a page: say
		// what to rename or exclude.
		file, page := prev, from
		if strings.HasPrefix(prev, "page ") {
			file, page = from, prev
		}
		if !strings.HasPrefix(file, "page ") {
			hint := "rename it, or remove it from static/"
			if strings.HasPrefix(file, "content/") {
				hint = "rename it, or add it to exclude: in folio.yaml"
			}
			return &diag.Error{Pos: diag.Position{Path: file}, Msg: fmt.Sprintf("would be published as %s, the file of folio's %s: %s", name, page, hint)}
		}
		return fmt.Errorf("%s and %s both write %s", prev, from, name)
	}
	o.owners[name] = from
	return nil
}

// keep records that the page from keeps name as the last build wrote it,
// and reports false when it cannot (the destination's file is not
// intact), so the page is rendered again.
func (o *output) keep(name, from string) (bool, error) {
	if !o.intact(name) {
		return false, nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.claim(name, from); err != nil {
		return false, err
	}
	if o.mem != nil {
		o.mem[name] = o.prev.mem[name]
	}
	if o.spare != nil && o.spareHolds(name, o.prev.sums[name], true) {
		delete(o.reuse, name)
	} else if o.reuse != nil {
		o.reuse[name] = true
	}
	o.sums[name] = o.prev.sums[name]
	o.sizes[name] = o.prev.sizes[name]
	delete(o.pending, name)
	return true, nil
}

// readPrev returns a file of the destination as the last build wrote it,
// or an error when it is not: gone, or changed since.
func (o *output) readPrev(name string) ([]byte, error) {
	sum, ok := o.prev.sums[name]
	if !ok {
		return nil, fmt.Errorf("%s: not in the last build's output", name)
	}
	var b []byte
	if o.mem != nil {
		b, ok = o.prev.mem[name]
		if !ok {
			return nil, fmt.Errorf("%s: not in the last build's output", name)
		}
	} else {
		var err error
		if b, err = os.ReadFile(filepath.Join(o.dest, filepath.FromSlash(name))); err != nil {
			return nil, err
		}
	}
	if sha256.Sum256(b) != sum {
		return nil, fmt.Errorf("%s: changed since the last build", name)
	}
	return b, nil
}

// stamp records what a page file was rendered from.
func (o *output) stamp(name string, rec pageRec) {
	o.mu.Lock()
	o.pages[name] = rec
	o.mu.Unlock()
}

// state is what the destination holds after commit.
func (o *output) state() *written {
	return &written{sums: o.sums, sizes: o.sizes, pages: o.pages, mem: o.mem, committed: o.committed}
}

// commit makes the output the destination's content.
func (o *output) commit() error {
	err := o.commitMode()
	o.committed = time.Now()
	return err
}

func (o *output) commitMode() error {
	if o.dry || o.mem != nil {
		o.changed = o.changedFiles()
		o.done = true
		return nil
	}
	if o.inPlace {
		return o.commitInPlace()
	}
	if o.unchanged() {
		o.done = true
		if o.spare != nil {
			// Nothing in it was touched: it stays the spare.
			o.root.Close()
			o.newSpare = o.spare
			return os.Rename(o.tmp, sparePath(o.dest))
		}
		return os.RemoveAll(o.tmp)
	}
	// The destination is replaced: only if it holds nothing but folio's.
	if err := o.foreign.wait(); err != nil {
		return err
	}
	if err := o.linkReused(); err != nil {
		return err
	}
	if o.spare != nil {
		if err := o.spareRemoveStale(); err != nil {
			return err
		}
		o.root.Close()
	}
	if fi, err := os.Lstat(o.dest); err == nil && fi.IsDir() {
		// One atomic exchange where the system has it: a build killed at
		// any moment leaves the old tree or the new one, never neither.
		if err := exchange(o.tmp, o.dest); err == nil {
			o.done = true
			o.old = o.tmp
			o.changed = o.changedFiles()
			// The replaced tree is kept as the next build's spare when
			// folio knows what it holds.
			if o.prevManifest != [32]byte{} && os.Rename(o.tmp, sparePath(o.dest)) == nil {
				o.old = ""
				o.newSpare = o.nextSpare()
			}
			return nil
		}
	}
	old := ""
	if _, err := os.Lstat(o.dest); err == nil {
		old = o.tmp + ".old"
		if err := os.Rename(o.dest, old); err != nil {
			return err
		}
	}
	if err := os.Rename(o.tmp, o.dest); err != nil {
		if old != "" {
			os.Rename(old, o.dest)
		}
		return err
	}
	o.done = true
	o.old = old
	o.changed = o.changedFiles()
	return nil
}

// removeOld removes the tree a swap replaced, which the build removes
// while it saves its cache.
func (o *output) removeOld() error {
	if o.stale != "" {
		if err := os.RemoveAll(o.stale); err != nil {
			return err
		}
	}
	if o.old == "" {
		return nil
	}
	return os.RemoveAll(o.old)
}

// changedFiles lists, sorted, the files that differ from the last build's
// or were removed since.
func (o *output) changedFiles() []string {
	var changed []string
	for name, sum := range o.sums {
		if old, ok := o.prev.sums[name]; !ok || old != sum {
			changed = append(changed, name)
		}
	}
	for name := range o.prev.sums {
		if _, ok := o.sums[name]; !ok {
			changed = append(changed, name)
		}
	}
	slices.Sort(changed)
	return changed
}

// pending is a changed file an in-place build writes on commit: its
// bytes, or where in the destination's stage folder they wait.
type pending struct {
	data   []byte
	staged string
}

// heldBytes is how much of an in-place build's changed files is held in
// memory; the rest waits in stageDir, so that the first build of a large
// site under folio serve does not hold the whole output.
const heldBytes = 64 << 20

// stageDir holds, inside the destination, the files of an in-place build
// that are not held in memory until commit renames them into place.
const stageDir = ".folio-stage"

// stageFile writes a file of parts into the stage folder; o.mu is held.
func (o *output) stageFile(parts [][]byte) (string, error) {
	if o.stage == nil {
		if err := os.MkdirAll(o.dest, 0o755); err != nil {
			return "", err
		}
		root, err := os.OpenRoot(o.dest)
		if err != nil {
			return "", err
		}
		if err := root.RemoveAll(stageDir); err != nil { // a killed build's
			root.Close()
			return "", err
		}
		if err := root.Mkdir(stageDir, 0o755); err != nil {
			root.Close()
			return "", err
		}
		o.stage = root
	}
	o.staged++
	name := fmt.Sprintf("%s/%d", stageDir, o.staged)
	f, err := o.stage.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return "", err
	}
	return name, writeParts(f, parts)
}

// unstage removes the stage folder.
func (o *output) unstage() {
	if o.stage != nil {
		o.stage.RemoveAll(stageDir)
		o.stage.Close()
		o.stage = nil
	}
}

// commitInPlace removes what the site no longer has, then writes what
// changed. Removing first lets a file take the place of a folder and the
// other way round. On error, prev is updated to what the destination
// holds, so the next build repairs it.
func (o *output) commitInPlace() (err error) {
	defer o.unstage()
	if err := os.MkdirAll(o.dest, 0o755); err != nil {
		return err
	}
	root, err := os.OpenRoot(o.dest)
	if err != nil {
		return err
	}
	defer root.Close()
	state := maps.Clone(o.prev.sums)
	sizes := maps.Clone(o.prev.sizes)
	defer func() {
		if err != nil {
			*o.prev = written{sums: state, sizes: sizes, pages: map[string]pageRec{}}
		}
	}()
	for _, name := range sortedKeys(o.prev.sums) {
		if _, ok := o.sums[name]; ok {
			continue
		}
		if err := root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		delete(state, name)
		o.changed = append(o.changed, name)
		// Remove folders left empty, up to the root.
		for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
			if root.Remove(dir) != nil {
				break
			}
		}
	}
	for _, name := range sortedKeys(o.pending) {
		if err := o.writePending(root, name); err != nil {
			return err
		}
		state[name], sizes[name] = o.sums[name], o.sizes[name]
		o.changed = append(o.changed, name)
	}
	slices.Sort(o.changed)
	o.done = true
	return nil
}

// writePending writes the pending file name into the destination: beside
// it, then renamed over it, so that a reader never sees half a file.
func (o *output) writePending(root *os.Root, name string) error {
	if dir := path.Dir(name); dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	tmp := o.pending[name].staged
	if tmp == "" {
		tmp = name + ".folio-tmp"
		if err := root.WriteFile(tmp, o.pending[name].data, 0o644); err != nil {
			return err
		}
	}
	if err := root.Rename(tmp, name); err != nil {
		root.Remove(tmp)
		return err
	}
	return nil
}

// commitPreview commits an in-place output that holds only some of the
// destination's files (preview.go): it writes those that changed and
// records them in prev, which keeps every other file as it was. A file
// it could not write is forgotten by prev, so the next build writes it.
func (o *output) commitPreview() error {
	defer o.unstage()
	o.done = true
	for name, sum := range o.sums {
		if old, ok := o.prev.sums[name]; !ok || old != sum {
			o.changed = append(o.changed, name)
		}
	}
	slices.Sort(o.changed)
	var root *os.Root
	if o.mem == nil && len(o.pending) > 0 {
		var err error
		if root, err = os.OpenRoot(o.dest); err != nil {
			return err
		}
		defer root.Close()
	}
	for _, name := range sortedKeys(o.sums) {
		if _, ok := o.pending[name]; ok && root != nil {
			if err := o.writePending(root, name); err != nil {
				delete(o.prev.sums, name)
				delete(o.prev.sizes, name)
				delete(o.prev.pages, name)
				return err
			}
		}
		o.prev.sums[name], o.prev.sizes[name] = o.sums[name], o.sizes[name]
		if rec, ok := o.pages[name]; ok {
			o.prev.pages[name] = rec
		}
		if o.mem != nil {
			o.prev.mem[name] = o.mem[name]
		}
	}
	return nil
}

// abort discards an uncommitted output.
func (o *output) abort() {
	if o.inPlace {
		o.unstage()
	}
	if o.done || o.inPlace || o.dry || o.mem != nil {
		return
	}
	if o.root != nil {
		o.root.Close()
	}
	os.RemoveAll(o.tmp)
	if o.stale != "" {
		os.RemoveAll(o.stale)
	}
}

func (o *output) stats() (files, written int, size int64, changed []string) {
	written = len(o.wrote)
	if o.inPlace {
		written = len(o.pending)
	}
	if o.mem != nil {
		written = 0
		for name, sum := range o.sums {
			if old, ok := o.prev.sums[name]; !ok || old != sum {
				written++
			}
		}
	}
	for _, n := range o.sizes {
		size += n
	}
	return len(o.sums), written, size, o.changed
}

// warnings reports what GitHub Pages would refuse of this output.
func (o *output) warnings() []string {
	total, name, largest := o.totals()
	return append(o.warned, pagesWarnings(total, name, largest)...)
}

// nearing says how close the output is to GitHub Pages' limits.
func (o *output) nearing(docs int) []string {
	total, name, largest := o.totals()
	return pagesNearing(total, len(o.sizes), docs, name, largest)
}

// totals is the output's size and its largest file (the first by name
// among equals, whatever the map's order).
func (o *output) totals() (total int64, largestName string, largest int64) {
	for n, size := range o.sizes {
		total += size
		if size > largest || size == largest && n < largestName {
			largest, largestName = size, n
		}
	}
	return total, largestName, largest
}
