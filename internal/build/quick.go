package build

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/folio-ssg/folio/internal/config"
	"github.com/folio-ssg/folio/internal/search"
)

// A folio build of a site that has not changed since its last build
// would make the output it finds. To learn that the usual way, it
// decodes the whole build cache, assembles the site and works out every
// page's stamp: most of the time of such a build, for nothing.
//
// The quick record is a file beside the build cache, a twentieth of its
// size, that says what the last build read and what it left: a digest of its configuration,
// templates and static files (their stats: a file's change time moves
// whenever it changes), the walk of content/, the stat of every content
// file as it was read, the checksums of the cache and body files, and the
// size of every output file. A build that finds all of that as recorded,
// and every output file as the last build wrote it (output.intact), is
// done: it changes nothing and reports what the last build reported
// (Result.Unchanged). Anything else, or a record that cannot be trusted,
// and it builds as usual, from the build cache, which it then reads and
// checks whole as ever.
//
// The record is written only by a folio build that succeeded, with every
// input it stat'ed unchanged since before the build began (so the bytes
// the build read are the ones that stat describes), and saved a cache
// (or found one it could trust). It is a claim that this state of the
// site makes this output; a build takes the claim only after checking
// the state is still that one.
const (
	quickFile  = "build.quick"
	quickMagic = "folio quick record 2\n"
)

// quickRecord is what the quick record holds.
type quickRecord struct {
	Inputs digest // inputsDigest
	Walk   digest // walkDigest of content/
	// Paths are the documents and _index files, in the walk's order, a
	// line each; Texts has each as stat saw it just before it was read,
	// and when that was, in textFields numbers.
	Paths     string
	Texts     ints
	Cache     digest // the cache file's checksum
	Bodies    string // the body file beside it
	Refs      ints   // every body the cache records: its offset and length, in order
	RefSums   []byte // and its digest
	Manifest  digest // the digest of the destination's manifest
	Sizes     ints   // the destination's files' sizes, in the manifest's order
	Committed time.Time
	Result    quickResult
	Logged    []string // the warnings the build logged

	// Lists is how many bytes of the file each of the lists above takes
	// (Paths, Texts, Refs, RefSums, Sizes), which follow the rest of the
	// record as they are, not in gob (see writeQuick).
	Lists []int
}

// The record's lists are of numbers, not of structures, which gob
// decodes one field at a time (at 100,000 documents that took a tenth of
// an unchanged build); and they are written as they are, 8 bytes a
// number, after the rest of the record: gob decodes a number at a time,
// and reads a message of more than 10 MB in pieces copied one onto
// another (0.37 s for the lists at 100,000).
const textFields = 6 // fileStat's five, and the read

// ints is a list of numbers, written 8 bytes each, little-endian.
type ints []int64

func (n ints) bytes() []byte {
	b := make([]byte, 8*len(n))
	for i, v := range n {
		binary.LittleEndian.PutUint64(b[8*i:], uint64(v))
	}
	return b
}

func intsOf(b []byte) (ints, error) {
	if len(b)%8 != 0 {
		return nil, fmt.Errorf("a list of numbers of %d bytes", len(b))
	}
	ns := make(ints, len(b)/8)
	for i := range ns {
		ns[i] = int64(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return ns, nil
}

func appendText(ns ints, st fileStat, read int64) ints {
	return append(ns, st.Size, st.Mtime, st.Ctime, int64(st.Ino), int64(st.Dev), read)
}

func textAt(ns ints, i int) (fileStat, int64) {
	n := ns[i*textFields : (i+1)*textFields]
	return fileStat{Size: n[0], Mtime: n[1], Ctime: n[2], Ino: uint64(n[3]), Dev: uint64(n[4])}, n[5]
}

// refs are the bodies the record holds.
func (r *quickRecord) refs() ([]body, bool) {
	n := len(r.Refs) / 2
	if len(r.Refs) != 2*n || len(r.RefSums) != n*sha256.Size {
		return nil, false
	}
	bs := make([]body, n)
	for i := range bs {
		bs[i] = body{Off: r.Refs[2*i], Len: int(r.Refs[2*i+1]), Sum: digest(r.RefSums[i*sha256.Size : (i+1)*sha256.Size])}
	}
	return bs, true
}

// quickResult is what a build reports that an unchanged one reports too.
type quickResult struct {
	Docs, Drafts, Pages, Files int
	Bytes                      int64
	Warnings, Limits           []string
	Assets, Skipped, Removed   []string
	Search                     search.Stats
	Kinds                      map[string]int
}

// quickable reports whether this build may take, or write, the quick
// record: a folio build with a cache, the first of its Builder (serve and
// watch keep what they build in memory; folio check writes nothing).
func (b *Builder) quickable(hint *changes) bool {
	return b.cfg.CacheDir != "" && !b.cfg.InPlace && !b.cfg.DryRun && !b.memory && hint == nil && !b.cacheRead
}

// unchangedSince returns the result of a build that finds the site as the
// quick record says and the output as that build left it, or nil when
// anything differs or cannot be told, for the build to go on as usual.
func (b *Builder) unchangedSince(sc *config.Site) *Result {
	start := time.Now()
	rec, err := readQuick(b.cfg.CacheDir)
	if err != nil || rec == nil {
		return nil
	}
	// First what an edit changes, which a build that is not unchanged
	// finds soonest: the inputs and the documents' stats.
	paths := strings.Split(rec.Paths, "\n")
	if rec.Paths == "" {
		paths = nil
	}
	if len(paths)*textFields != len(rec.Texts) {
		return nil
	}
	if in, ok := b.inputsDigest(rec.Result.Assets, 0); !ok || in != rec.Inputs {
		return nil
	}
	var failed atomic.Bool
	check := func(ok bool) {
		if !ok {
			failed.Store(true)
		}
	}
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for k := range workers {
		wg.Go(func() {
			for i := k; i < len(paths) && !failed.Load(); i += workers {
				fi, err := os.Stat(filepath.Join(b.cfg.Source, filepath.FromSlash(paths[i])))
				if err != nil {
					check(false)
					return
				}
				st, ok := statOf(fi)
				if was, read := textAt(rec.Texts, i); !ok || st != was || !trusted(st, read) {
					check(false)
					return
				}
			}
		})
	}
	wg.Wait()
	if failed.Load() {
		return nil
	}
	// Then what is seldom changed but by hand: a file added to content/,
	// the output, the cache and body files. These are read whole, as a
	// build that uses them reads them: a damaged one is found now, and
	// warned of by the build that then reads it.
	wg.Go(func() { check(b.quickCache(rec, &failed)) })
	wg.Go(func() { check(b.quickDest(rec, &failed)) })
	wg.Go(func() {
		files, warnings, err := sc.Files(b.cfg.Source).Scan(os.DirFS(b.cfg.Source), "content")
		check(err == nil && walkDigest(files, warnings) == rec.Walk)
	})
	wg.Wait()
	if failed.Load() {
		return nil
	}
	r := rec.Result
	r.Search.Reused = r.Search.Docs
	res := &Result{
		Docs: r.Docs, Drafts: r.Drafts, Pages: r.Pages, Files: r.Files, Bytes: r.Bytes,
		Warnings: r.Warnings, Limits: r.Limits, Assets: r.Assets, Skipped: r.Skipped, Removed: r.Removed,
		Search: r.Search, Kinds: r.Kinds, Unchanged: true,
	}
	for _, w := range rec.Logged {
		b.log.Warn(w)
	}
	res.Duration = time.Since(start)
	res.Phases = []Phase{{"check", res.Duration}}
	return res
}

// quickCache checks the cache and body files are the ones the record
// goes with, and whole.
func (b *Builder) quickCache(rec *quickRecord, failed *atomic.Bool) bool {
	sum, err := cacheChecksum(b.cfg.CacheDir)
	if err != nil || sum != [32]byte(rec.Cache) || failed.Load() {
		return false
	}
	if rec.Bodies == "" || strings.ContainsAny(rec.Bodies, `/\`) || !strings.HasPrefix(rec.Bodies, bodyFilePrefix) {
		return false
	}
	f, err := os.Open(filepath.Join(b.cfg.CacheDir, rec.Bodies))
	if err != nil {
		return false
	}
	defer f.Close()
	refs, ok := rec.refs()
	s := &bodyStore{dir: b.cfg.CacheDir, name: rec.Bodies, f: f, readOnly: true}
	return ok && s.verify(refs) == nil
}

// quickDest checks the destination is as the record's build left it.
func (b *Builder) quickDest(rec *quickRecord, failed *atomic.Bool) bool {
	man, err := os.ReadFile(filepath.Join(b.cfg.Dest, manifestFile))
	if err != nil || sha256.Sum256(man) != [32]byte(rec.Manifest) {
		return false
	}
	names := manifestNames(man)
	if len(names) != len(rec.Sizes) {
		return false
	}
	for i, name := range names {
		if i%1024 == 0 && failed.Load() {
			return false
		}
		if !intactFile(filepath.Join(b.cfg.Dest, filepath.FromSlash(name)), rec.Sizes[i], rec.Committed) {
			return false
		}
	}
	return true
}

// manifestNames are the files a manifest names, in its order.
func manifestNames(man []byte) []string {
	names := make([]string, 0, bytes.Count(man, []byte("\n")))
	for line := range strings.SplitSeq(string(man), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			names = append(names, line)
		}
	}
	return names
}

// walkDigest is the digest of a walk of content/: the files it found, in
// order, and what it warned of.
func walkDigest(files, warnings []string) digest {
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%q\n", f)
	}
	for _, w := range warnings {
		fmt.Fprintf(h, "warning %q\n", w)
	}
	return digest(h.Sum(nil))
}

// inputsDigest is the digest of what a build reads besides content/'s
// documents: the Builder's configuration, folio.yaml, the theme (its
// bytes), the site's templates/ and static/ and the assets in content/
// (their stats). With since (Unix ns) above 0, it is not ok when one of
// those files changed less than the file clock's tick before since, so
// that its stat may not tell its bytes; nor where a file is a symlink or
// not regular, which the build reads otherwise.
func (b *Builder) inputsDigest(assets []string, since int64) (digest, bool) {
	h := sha256.New()
	abs := func(p string) string {
		a, _ := filepath.Abs(p)
		return a
	}
	fmt.Fprintf(h, "source %q dest %q cache %q base %q drafts %v strict %v date %s theme %v\n",
		abs(b.cfg.Source), abs(b.cfg.Dest), abs(b.cfg.CacheDir), b.cfg.BaseURL, b.cfg.Drafts, b.cfg.Strict, b.cfg.SourceDate.Format(time.RFC3339Nano), b.cfg.Theme != nil)
	stat := func(rel string) bool {
		fi, err := os.Lstat(filepath.Join(b.cfg.Source, filepath.FromSlash(rel)))
		if errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(h, "none %q\n", rel)
			return true
		}
		if err != nil || !fi.Mode().IsRegular() {
			return false
		}
		st, ok := statOf(fi)
		if !ok || since > 0 && !trusted(st, since) {
			return false
		}
		fmt.Fprintf(h, "file %q %+v\n", rel, st)
		return true
	}
	if !stat(config.File) {
		return digest{}, false
	}
	for _, dir := range []string{"templates", "static"} {
		if !b.statTree(h, dir, stat) {
			return digest{}, false
		}
	}
	for _, a := range assets {
		if !stat(a) {
			return digest{}, false
		}
	}
	if b.cfg.Theme != nil {
		err := fs.WalkDir(b.cfg.Theme, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(b.cfg.Theme, p)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "theme %q %d\n", p, len(data))
			h.Write(data)
			return nil
		})
		if err != nil {
			return digest{}, false
		}
	}
	return digest(h.Sum(nil)), true
}

// statTree writes the folders and files under the site's dir into h, each
// file with stat.
func (b *Builder) statTree(h hash.Hash, dir string, stat func(rel string) bool) bool {
	root := filepath.Join(b.cfg.Source, dir)
	if _, err := os.Lstat(root); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(h, "no %s\n", dir)
		return true
	}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(b.cfg.Source, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			fmt.Fprintf(h, "dir %q\n", rel)
		case d.Type().IsRegular():
			if !stat(rel) {
				return errors.New("not to be told by its stat")
			}
		default:
			return errors.New("not a regular file")
		}
		return nil
	})
	return err == nil
}

// trusted reports whether a file whose stat is st holds the bytes it held
// at read (Unix ns): whether it last changed more than the file clock's
// tick before (see fileStat).
func trusted(st fileStat, read int64) bool {
	margin := racyMargin
	if st.Ctime%int64(time.Second) == 0 && st.Mtime%int64(time.Second) == 0 {
		margin = racyMarginCoarse
	}
	return st.Ctime < read-margin
}

// writeQuick writes the quick record of a build that succeeded: started
// at start, with lr loaded, man the manifest it wrote, res its result and
// logged what it logged. It does nothing (but remove an old record) when
// the build cannot be told unchanged later.
func (b *Builder) writeQuick(start time.Time, lr *loadResult, man []byte, res *Result, logged []string) error {
	path := filepath.Join(b.cfg.CacheDir, quickFile)
	rec, ok := b.quickOf(start, lr, man, res, logged)
	if !ok {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	exe, err := exeSum()
	if err != nil {
		return err
	}
	lists := [][]byte{[]byte(rec.Paths), rec.Texts.bytes(), rec.Refs.bytes(), rec.RefSums, rec.Sizes.bytes()}
	head := *rec
	head.Paths, head.Texts, head.Refs, head.RefSums, head.Sizes = "", nil, nil, nil, nil
	for _, l := range lists {
		head.Lists = append(head.Lists, len(l))
	}
	var g bytes.Buffer
	if err := gob.NewEncoder(&g).Encode(&head); err != nil {
		return err
	}
	// The magic, the executable's digest, the length of the gob, the gob,
	// the lists, the SHA-256 of all that.
	var buf bytes.Buffer
	buf.WriteString(quickMagic)
	buf.Write(exe[:])
	buf.Write(binary.LittleEndian.AppendUint64(nil, uint64(g.Len())))
	buf.Write(g.Bytes())
	for _, l := range lists {
		buf.Write(l)
	}
	sum := sha256.Sum256(buf.Bytes())
	buf.Write(sum[:])
	tmp, err := os.CreateTemp(b.cfg.CacheDir, quickFile+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // renamed away, when written
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// quickOf is the quick record of the build writeQuick describes.
func (b *Builder) quickOf(start time.Time, lr *loadResult, man []byte, res *Result, logged []string) (*quickRecord, bool) {
	if b.cacheSum == ([32]byte{}) || b.bodies.fileName() == "" || b.dest == nil {
		return nil, false
	}
	rec := &quickRecord{
		Walk:      lr.walked,
		Cache:     digest(b.cacheSum),
		Bodies:    b.bodies.fileName(),
		Manifest:  digest(sha256.Sum256(man)),
		Committed: b.dest.committed,
		Result: quickResult{
			Docs: res.Docs, Drafts: res.Drafts, Pages: res.Pages, Files: res.Files, Bytes: res.Bytes,
			Warnings: res.Warnings, Limits: res.Limits, Assets: res.Assets, Skipped: res.Skipped, Removed: res.Removed,
			Search: res.Search, Kinds: res.Kinds,
		},
		Logged: logged,
		Texts:  make(ints, 0, textFields*len(lr.texts)),
	}
	for _, p := range lr.texts {
		l := b.loaded[p]
		if l == nil || l.stat == (fileStat{}) || !trusted(l.stat, l.read) || strings.Contains(p, "\n") {
			return nil, false
		}
		rec.Texts = appendText(rec.Texts, l.stat, l.read)
	}
	rec.Paths = strings.Join(lr.texts, "\n")
	refs := make([]body, 0, len(b.loaded))
	for _, l := range b.loaded {
		if l.body.mem != nil {
			return nil, false
		}
		if l.body.Len > 0 {
			refs = append(refs, l.body)
		}
	}
	slices.SortFunc(refs, func(a, b body) int { return cmp.Compare(a.Off, b.Off) })
	rec.Refs, rec.RefSums = make(ints, 0, 2*len(refs)), make([]byte, 0, sha256.Size*len(refs))
	for _, r := range refs {
		rec.Refs = append(rec.Refs, r.Off, int64(r.Len))
		rec.RefSums = append(rec.RefSums, r.Sum[:]...)
	}
	names := manifestNames(man)
	rec.Sizes = make(ints, 0, len(names))
	for _, name := range names {
		size, ok := b.dest.sizes[name]
		if !ok {
			return nil, false
		}
		rec.Sizes = append(rec.Sizes, size)
	}
	in, ok := b.inputsDigest(lr.assets, start.UnixNano())
	if !ok {
		return nil, false
	}
	rec.Inputs = in
	return rec, true
}

// readQuick reads the quick record in dir: nil when there is none, an
// error when it cannot be trusted.
func readQuick(dir string) (*quickRecord, error) {
	data, err := os.ReadFile(filepath.Join(dir, quickFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	head := len(quickMagic) + sha256.Size
	if len(data) < head+sha256.Size || string(data[:len(quickMagic)]) != quickMagic {
		return nil, errors.New("not a quick record of this format")
	}
	body, sum := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return nil, errors.New("damaged")
	}
	exe, err := exeSum()
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(body[len(quickMagic):head], exe[:]) {
		return nil, errors.New("another folio executable wrote it")
	}
	rest := body[head:]
	if len(rest) < 8 || binary.LittleEndian.Uint64(rest) > uint64(len(rest)-8) {
		return nil, errors.New("its record runs past its end")
	}
	n := int(binary.LittleEndian.Uint64(rest))
	var rec quickRecord
	if err := gob.NewDecoder(bytes.NewReader(rest[8 : 8+n])).Decode(&rec); err != nil {
		return nil, err
	}
	rest = rest[8+n:]
	if rec.Paths != "" || rec.Texts != nil || rec.Refs != nil || rec.RefSums != nil || rec.Sizes != nil || len(rec.Lists) != 5 {
		return nil, errors.New("its lists are out of place")
	}
	lists := make([][]byte, len(rec.Lists))
	for i, l := range rec.Lists {
		if l < 0 || l > len(rest) {
			return nil, errors.New("its lists run past its end")
		}
		lists[i], rest = rest[:l], rest[l:]
	}
	if len(rest) > 0 {
		return nil, errors.New("it goes on after its lists")
	}
	rec.Paths, rec.RefSums = string(lists[0]), lists[3]
	if rec.Texts, err = intsOf(lists[1]); err != nil {
		return nil, err
	}
	if rec.Refs, err = intsOf(lists[2]); err != nil {
		return nil, err
	}
	if rec.Sizes, err = intsOf(lists[4]); err != nil {
		return nil, err
	}
	return &rec, nil
}

// cacheChecksum checks the cache file in dir as readCache does, but for
// decoding it: its format, that this executable wrote it, and its
// checksum, which it returns.
func cacheChecksum(dir string) ([32]byte, error) {
	var sum [32]byte
	f, err := os.Open(filepath.Join(dir, cacheFile))
	if err != nil {
		return sum, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return sum, err
	}
	head := int64(len(cacheMagic) + sha256.Size)
	size := fi.Size()
	if size < head+8+sha256.Size {
		return sum, errors.New("too short")
	}
	exe, err := exeSum()
	if err != nil {
		return sum, err
	}
	start := make([]byte, head)
	if _, err := f.ReadAt(start, 0); err != nil {
		return sum, err
	}
	if string(start[:len(cacheMagic)]) != cacheMagic || !bytes.Equal(start[len(cacheMagic):], exe[:]) {
		return sum, errors.New("not this executable's cache")
	}
	if _, err := f.ReadAt(sum[:], size-sha256.Size); err != nil {
		return sum, err
	}
	got, err := cacheFileSum(f, size)
	if err != nil {
		return sum, err
	}
	if !bytes.Equal(got, sum[:]) {
		return sum, errors.New("damaged")
	}
	return sum, nil
}
