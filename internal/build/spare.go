package build

import (
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"syscall"
	"time"
)

// The spare tree. A swap (folio build) assembles the new output in a
// folder beside the destination and exchanges the two. Made afresh, that
// folder needs every unchanged file hard-linked into it, and the replaced
// tree removed afterwards: two system calls or more for every file of the
// site, whatever changed. Instead, the tree a swap replaced is kept beside
// the destination as the spare (".public.spare" for "public"), a
// generation behind it, and the next build brings the spare up to date,
// writing, linking or removing only the files that differ between it and
// the new output (those that changed in the last two builds), then
// exchanges it in. A build killed while it updates the spare leaves the
// destination as it was; the spare it was updating is a leftover the next
// build removes.
//
// The spare is used only while folio knows what it holds: spareState,
// kept by the Builder and in the build cache with the destination's state,
// and the digest of the spare's own manifest, which must match. Where the
// state does not list a file, the spare holds the destination's very file
// (one inode, hard-linked): it is intact when the destination's is. A file
// it lists is checked on its own, by size and modification time, as the
// destination's are.

// spareState is what the spare holds.
type spareState struct {
	// Diff lists the files where the spare may differ from the
	// destination: the spare's digest and size, or a size of -1 where it
	// lacks the file.
	Diff map[string]spareFile
	// Manifest is the digest of the spare's manifest file.
	Manifest [32]byte
	// Committed is when the spare's files were last written: one
	// modified later was changed by someone else.
	Committed time.Time
}

type spareFile struct {
	Sum  [32]byte
	Size int64
}

// sparePath is where the spare of the destination dest is kept.
func sparePath(dest string) string {
	dest = filepath.Clean(dest)
	return filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".spare")
}

// claimSpare makes the spare the folder this output assembles, when the
// Builder knows what it holds and it is there as it was left; it reports
// whether it did. A spare folio cannot vouch for is moved aside, to be
// removed with the replaced tree.
func (o *output) claimSpare(st *spareState, prevManifest [32]byte) bool {
	sp := sparePath(o.dest)
	fi, err := os.Lstat(sp)
	if err != nil {
		return false
	}
	usable := canExchange && st != nil && prevManifest != [32]byte{} && fi.IsDir()
	if usable {
		m, err := os.ReadFile(filepath.Join(sp, manifestFile))
		usable = err == nil && sha256.Sum256(m) == st.Manifest
	}
	tmp := filepath.Join(filepath.Dir(sp), "."+filepath.Base(filepath.Clean(o.dest))+".tmp-spare")
	if err := os.Rename(sp, tmp); err != nil {
		return false
	}
	if !usable {
		o.stale = tmp
		return false
	}
	root, err := os.OpenRoot(tmp)
	if err != nil {
		o.stale = tmp
		return false
	}
	o.tmp, o.root, o.spare = tmp, root, st
	o.fromSpare = map[string]bool{}
	return true
}

// spareHolds reports whether the spare already holds name with digest
// sum, intact; destOK says the destination holds it so. o.mu is held.
func (o *output) spareHolds(name string, sum [32]byte, destOK bool) bool {
	f, listed := o.spare.Diff[name]
	if !listed {
		return destOK // the destination's own file
	}
	if f.Size < 0 || f.Sum != sum {
		return false
	}
	fi, err := o.root.Lstat(name)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != f.Size || fi.ModTime().After(o.spare.Committed) {
		return false
	}
	o.fromSpare[name] = true
	return true
}

// spareDirs makes dir and its parents in the spare, replacing a file
// that is where a folder must be.
func (o *output) spareDirs(dir string) error {
	if dir == "." {
		return nil
	}
	if _, ok := o.dirs.Load(dir); ok {
		return nil
	}
	if err := o.spareDirs(path.Dir(dir)); err != nil {
		return err
	}
	// One core at a time: a file in the folder's place is removed first,
	// which must not happen to a folder another core has just made.
	o.spareDirMu.Lock()
	defer o.spareDirMu.Unlock()
	if _, ok := o.dirs.Load(dir); ok {
		return nil
	}
	fi, err := o.root.Lstat(dir)
	switch {
	case err == nil && fi.IsDir():
	case err == nil:
		if err := o.root.Remove(dir); err != nil {
			return err
		}
		fallthrough
	default:
		if err := o.root.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	o.dirs.Store(dir, true)
	return nil
}

// spareClear removes whatever the spare holds at name, a file or a
// folder, so a new file can take its place without writing through a
// link the destination shares.
func (o *output) spareClear(name string) error {
	if err := o.spareDirs(path.Dir(name)); err != nil {
		return err
	}
	err := o.root.Remove(name)
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return o.root.RemoveAll(name)
}

// spareWrite writes a file into the spare as a new file.
func (o *output) spareWrite(name string, parts [][]byte) error {
	if err := o.spareClear(name); err != nil {
		return err
	}
	f, err := o.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	return writeParts(f, parts)
}

// spareLink makes the spare's name the destination's file.
func (o *output) spareLink(name string) error {
	if err := o.spareClear(name); err != nil {
		return err
	}
	from := filepath.Join(o.dest, filepath.FromSlash(name))
	if os.Link(from, filepath.Join(o.tmp, filepath.FromSlash(name))) == nil {
		return nil
	}
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if int64(len(data)) != o.sizes[name] || sha256.Sum256(data) != o.sums[name] {
		return errors.New(from + " changed during the build")
	}
	return o.spareWrite(name, [][]byte{data})
}

// spareRemoveStale removes the files the spare holds that the new output
// does not, and the folders that leaves empty.
func (o *output) spareRemoveStale() error {
	var stale []string
	for name := range o.prev.sums {
		if f, ok := o.spare.Diff[name]; ok && f.Size < 0 {
			continue
		}
		if _, ok := o.sums[name]; !ok {
			stale = append(stale, name)
		}
	}
	for name, f := range o.spare.Diff {
		if _, inPrev := o.prev.sums[name]; !inPrev && f.Size >= 0 {
			if _, ok := o.sums[name]; !ok {
				stale = append(stale, name)
			}
		}
	}
	for _, name := range stale {
		// Gone already: a file of this build took the place of a folder
		// it was in.
		err := o.root.Remove(name)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			continue
		}
		if err != nil {
			if err := o.root.RemoveAll(name); err != nil {
				return err
			}
		}
		// Folders left empty go too, as a new tree would not have them.
		for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
			if fi, err := o.root.Lstat(dir); err != nil || !fi.IsDir() || o.root.Remove(dir) != nil {
				break
			}
		}
	}
	return nil
}

// nextSpare is the state of the tree this commit replaced, which becomes
// the spare: the destination's last state, but for the files this build
// changed, wrote or kept from the spare's own copies.
func (o *output) nextSpare() *spareState {
	st := &spareState{Diff: map[string]spareFile{}, Manifest: o.prevManifest, Committed: o.prev.committed}
	mark := func(name string) {
		if sum, ok := o.prev.sums[name]; ok {
			st.Diff[name] = spareFile{Sum: sum, Size: o.prev.sizes[name]}
		} else {
			st.Diff[name] = spareFile{Size: -1}
		}
	}
	for _, name := range o.changed {
		mark(name)
	}
	for name := range o.wrote {
		mark(name)
	}
	for name := range o.fromSpare {
		mark(name)
	}
	return st
}
