package build

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/diag"
	"github.com/folio-ssg/folio/internal/search"
	"github.com/folio-ssg/folio/internal/site"
	"github.com/folio-ssg/folio/internal/wire"
)

// The build cache (Config.CacheDir, folio build --cache-dir) keeps between
// runs what a Builder keeps between builds: every content file's parse
// and Markdown conversion, keyed by a digest of its bytes and of the
// configuration it was read with, and what the destination holds (the
// digest of every file, the stamp of every page, the search index's
// inputs). A build that finds it renders and writes only what changed,
// linking every other file from the previous output (see output).
//
// The cache is one file, cacheFile, written beside and renamed into
// place: a magic line, the digest of the folio executable that wrote it
// (the default theme is part of the executable, so a cache never outlives
// the templates it was made with), two streams of records, and the
// SHA-256 of all that; and, beside it, the body file that holds the
// documents' rendered HTML (bodies.go), which the cache file records the
// digest of body by body. A cache that fails any check, its body file's
// included, is ignored with a warning and replaced after the build; it
// is never trusted in part. A third file, the quick record (quick.go),
// lets a build that finds nothing changed stop before decoding the cache.

const (
	cacheFile  = "build.cache"
	cacheMagic = "folio build cache 19\n"
)

// cacheData is what the cache file holds.
type cacheData struct {
	Files map[string]cachedFile // content file -> its parse

	// The destination as the last build left it; used only while its
	// manifest is byte for byte the one that build wrote.
	Dest       string
	Manifest   [32]byte
	Sums       map[string][32]byte
	Sizes      map[string]int64
	Pages      map[string]pageRec
	Keys       []string // the keys Pages number (keyTable)
	Committed  time.Time
	URLs       map[string]string
	IndexSum   [32]byte
	IndexFiles []string
	IndexStats search.Stats
	IndexState *search.State
	Spare      *spareState // the spare tree beside Dest (spare.go)
	Bodies     string      // the body file beside the cache (bodies.go)

	sum [32]byte // the cache file's checksum (readCache)
}

// cachedFile is a loaded content file without its diagnostics (files with
// errors are not cached: they are parsed, and reported, every time).
type cachedFile struct {
	Sum     digest
	Stat    fileStat // see loaded
	Read    int64
	Stamped string
	Doc     *content.Stored
	Front   digest // render.FrontDigest of the document as parsed
	Units   int    // search.Measure of its title and text
	Body    body   // where the rendered HTML is in the body file
	Links   []site.Link
	Removed []string
	Minutes int
	Chars   int
	Section *site.SectionInfo
}

var exeSum = sync.OnceValues(func() ([32]byte, error) {
	var sum [32]byte
	exe, err := os.Executable()
	if err != nil {
		return sum, err
	}
	f, err := os.Open(exe)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, err
	}
	h.Sum(sum[:0])
	return sum, nil
})

// The cache file is the magic, the executable's digest, two streams,
// the length of the first (8 bytes, big-endian) and the SHA-256 of all
// before it. The two streams are decoded at once, on two cores: the first
// holds the first half of the content files, then the key table and the
// documents' URLs, then the cacheData without them and its large maps;
// the second the other half, then the outputs' digests, then the pages'
// records. The content files come first in both because
// a build knows them first: it encodes them while it renders
// (cacheWriter). A stream is a sequence of frames, each a kind
// (frameFile and the others below), a length and what it holds: a
// content file's record, or a chunk of cacheChunkLen of the other maps'
// entries or keys, in the form of package wire; the build's record (the
// cacheData without its maps) in gob's. gob, which framed them before,
// decoded every field by reflection and allocated each string on its
// own; and it read each message into a buffer of its own, of which
// nothing was kept.
const cacheChunkLen = 1024

// The kinds of frame a cache stream holds.
const (
	frameCounts = 'c' // cacheCounts
	frameFile   = 'f' // a fileEntry
	frameSums   = 'o' // sumEntries: the outputs' digests and sizes
	framePages  = 'p' // pageEntries
	frameKeys   = 'k' // keyList
	frameURLs   = 'u' // urlEntries
	frameHead   = 'h' // the cacheData without its maps, in gob's form
)

// cacheChunk is what a chunkEncoder collects before it writes it, as
// frames in the order of the fields: map entries, or the last frame of
// the first stream, the cacheData without its maps and keys.
type cacheChunk struct {
	Files   []fileEntry
	Outputs sumEntries
	Pages   pageEntries
	Keys    keyList // the key table's next keys, in order
	URLs    urlEntries
	Head    *cacheData
	// Counts, in the chunk before the entries it counts, says how many
	// there will be, so that the maps are made at their size instead of
	// growing (and rehashing) entry by entry.
	Counts *cacheCounts
}

// cacheCounts is how many entries of each kind a stream will hold; a
// count of 0 says nothing.
type cacheCounts struct{ Files, Outputs, Pages, Keys, URLs int }

type urlEntry struct{ Path, URL string }

// The entries of the maps a chunk holds, and the keys: a frame a chunk,
// in the form of package wire.
type (
	sumEntries  []sumEntry
	pageEntries []pageEntry
	keyList     []string
	urlEntries  []urlEntry
)

func (l sumEntries) encode(w *wire.Writer) {
	w.Len(len(l), false)
	for _, e := range l {
		w.String(e.Name)
		w.Fixed(e.Sum[:])
		w.Int(e.Size)
	}
}

func (l *sumEntries) decode(record []byte) error {
	r := wire.NewReader(record)
	n, _ := r.Len(1 + len(digest{}) + 1)
	*l = make(sumEntries, n)
	for i := range *l {
		e := &(*l)[i]
		e.Name = r.String()
		copy(e.Sum[:], r.Fixed(len(e.Sum)))
		e.Size = r.Int()
	}
	return chunkDone(r, "the outputs' digests")
}

func (l pageEntries) encode(w *wire.Writer) {
	w.Len(len(l), false)
	for _, e := range l {
		w.String(e.Name)
		w.Fixed(e.Page.Stamp[:])
		w.Len(len(e.Page.Deps), e.Page.Deps == nil)
		for _, d := range e.Page.Deps {
			w.Uint(uint64(d))
		}
	}
}

func (l *pageEntries) decode(record []byte) error {
	r := wire.NewReader(record)
	n, _ := r.Len(1 + len(pageStamp{}) + 1)
	*l = make(pageEntries, n)
	for i := range *l {
		e := &(*l)[i]
		e.Name = r.String()
		copy(e.Page.Stamp[:], r.Fixed(len(e.Page.Stamp)))
		if m, isNil := r.Len(1); !isNil {
			e.Page.Deps = make([]uint32, m)
			for j := range e.Page.Deps {
				d := r.Uint()
				if d > math.MaxUint32 {
					r.Fail()
				}
				e.Page.Deps[j] = uint32(d)
			}
		}
	}
	return chunkDone(r, "the pages' records")
}

func (l keyList) encode(w *wire.Writer) { w.Strings(l) }

func (l *keyList) decode(record []byte) error {
	r := wire.NewReader(record)
	*l = r.Strings()
	return chunkDone(r, "the key table")
}

func (l urlEntries) encode(w *wire.Writer) {
	w.Len(len(l), false)
	for _, e := range l {
		w.String(e.Path)
		w.String(e.URL)
	}
}

func (l *urlEntries) decode(record []byte) error {
	r := wire.NewReader(record)
	n, _ := r.Len(2)
	*l = make(urlEntries, n)
	for i := range *l {
		(*l)[i] = urlEntry{Path: r.String(), URL: r.String()}
	}
	return chunkDone(r, "the documents' URLs")
}

// chunkDone is the error of a chunk's entries read by r, naming what they
// are, or nil.
func chunkDone(r *wire.Reader, what string) error {
	if err := r.Done(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// fileEntry is a content file's path and parse: a frame of its own in a
// cache stream, in the form of package wire.
type fileEntry struct {
	Path string
	File cachedFile
}

// encode writes e's record to w.
func (e *fileEntry) encode(w *wire.Writer) error {
	f := &e.File
	w.String(e.Path)
	w.Fixed(f.Sum[:])
	writeStat(w, f.Stat)
	w.Int(f.Read)
	w.String(f.Stamped)
	w.Bool(f.Doc != nil)
	if f.Doc != nil {
		if err := f.Doc.Encode(w); err != nil {
			return err
		}
	}
	w.Fixed(f.Front[:])
	w.Int(int64(f.Units))
	w.Int(f.Body.Off)
	w.Int(int64(f.Body.Len))
	w.Fixed(f.Body.Sum[:])
	w.Len(len(f.Links), f.Links == nil)
	for _, l := range f.Links {
		w.String(l.Dest)
		w.String(l.Marker)
		w.String(l.Pos.Path)
		w.Int(int64(l.Pos.Line))
		w.Int(int64(l.Pos.Col))
	}
	w.Strings(f.Removed)
	w.Int(int64(f.Minutes))
	w.Int(int64(f.Chars))
	w.Bool(f.Section != nil)
	if f.Section != nil {
		w.String(f.Section.Title)
		w.Bytes(f.Section.Intro)
	}
	return nil
}

// decode reads the record encode wrote.
func (e *fileEntry) decode(record []byte) error {
	r := wire.NewReader(record)
	var f cachedFile
	path := r.String()
	copy(f.Sum[:], r.Fixed(len(f.Sum)))
	f.Stat = readStat(r)
	f.Read = r.Int()
	f.Stamped = r.String()
	if r.Bool() {
		f.Doc = new(content.Stored)
		f.Doc.Decode(r)
	}
	copy(f.Front[:], r.Fixed(len(f.Front)))
	f.Units = int(r.Int())
	f.Body.Off = r.Int()
	f.Body.Len = int(r.Int())
	copy(f.Body.Sum[:], r.Fixed(len(f.Body.Sum)))
	if n, isNil := r.Len(5); !isNil {
		f.Links = make([]site.Link, n)
		for i := range f.Links {
			f.Links[i] = site.Link{Dest: r.String(), Marker: r.String(), Pos: diag.Position{Path: r.String(), Line: int(r.Int()), Col: int(r.Int())}}
		}
	}
	f.Removed = r.Strings()
	f.Minutes = int(r.Int())
	f.Chars = int(r.Int())
	if r.Bool() {
		f.Section = &site.SectionInfo{Title: r.String(), Intro: r.Bytes()}
	}
	if err := r.Done(); err != nil {
		return fmt.Errorf("a content file's record: %w", err)
	}
	*e = fileEntry{path, f}
	return nil
}

func writeStat(w *wire.Writer, st fileStat) {
	w.Int(st.Size)
	w.Int(st.Mtime)
	w.Int(st.Ctime)
	w.Uint(st.Ino)
	w.Uint(st.Dev)
}

func readStat(r *wire.Reader) fileStat {
	return fileStat{Size: r.Int(), Mtime: r.Int(), Ctime: r.Int(), Ino: r.Uint(), Dev: r.Uint()}
}

// sumEntry is an output file's digest and size.
type sumEntry struct {
	Name string
	Sum  digest
	Size int64
}

// digest is a SHA-256 digest that gob encodes as one byte string (an
// array it encodes as 32 numbers, decoded one by one), where gob still
// carries one: in the quick record and the build's own record. The
// cache's records write a digest's bytes as they are (package wire).
type digest [32]byte

func (d digest) GobEncode() ([]byte, error) { return d[:], nil }

func (d *digest) GobDecode(b []byte) error {
	if len(b) != len(d) {
		return fmt.Errorf("a digest of %d bytes", len(b))
	}
	copy(d[:], b)
	return nil
}

type pageEntry struct {
	Name string
	Page pageRec
}

// readCache reads the cache in dir. A missing cache is (nil, nil); one that
// cannot be trusted is (nil, error), the error saying why. What was
// decoded is used only once the checksum of the whole file has matched.
func readCache(dir string) (*cacheData, error) {
	f, err := os.Open(filepath.Join(dir, cacheFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	head := int64(len(cacheMagic) + sha256.Size) // the magic, the executable's digest
	tail := int64(8 + sha256.Size)               // the first stream's length, the checksum
	size := fi.Size()
	if size < head+tail {
		return nil, errors.New("not a folio build cache of this format")
	}
	start := make([]byte, head)
	if _, err := f.ReadAt(start, 0); err != nil {
		return nil, err
	}
	if string(start[:len(cacheMagic)]) != cacheMagic {
		return nil, errors.New("not a folio build cache of this format")
	}
	// A cache another executable wrote is never used: that is known
	// before the rest is read (3 s at 100,000 documents, on the first
	// build after an upgrade).
	exe, err := exeSum()
	if err != nil {
		return nil, fmt.Errorf("cannot identify the folio executable: %v", err)
	}
	if !bytes.Equal(start[len(cacheMagic):], exe[:]) {
		return nil, errors.New("another folio executable wrote it")
	}
	trailer := make([]byte, tail)
	if _, err := f.ReadAt(trailer, size-tail); err != nil {
		return nil, err
	}
	// The checksum is worked out on another core while the streams are
	// decoded; what was decoded is used only if it matches.
	type summed struct {
		sum []byte
		err error
	}
	sumc := make(chan summed, 1)
	go func() {
		sum, err := cacheFileSum(f, size)
		sumc <- summed{sum, err}
	}()
	var c *cacheData
	var decodeErr error
	if lenA := binary.BigEndian.Uint64(trailer[:8]); lenA > uint64(size-head-tail) {
		decodeErr = errors.New("its first stream runs past its end")
	} else {
		sizeA, sizeB := int64(lenA), size-tail-head-int64(lenA)
		c, decodeErr = decodeCache(io.NewSectionReader(f, head, sizeA), io.NewSectionReader(f, head+sizeA, sizeB), sizeA, sizeB)
	}
	got := <-sumc
	if got.err != nil {
		return nil, got.err
	}
	if !bytes.Equal(got.sum, trailer[8:]) {
		return nil, errors.New("its checksum does not match: it is damaged")
	}
	if decodeErr != nil {
		return nil, fmt.Errorf("cannot decode it: %v", decodeErr)
	}
	c.sum = [32]byte(trailer[8:])
	return c, nil
}

// cacheFileSum is the SHA-256 of the cache file f of size bytes, but for
// the checksum it ends with.
func cacheFileSum(f *os.File, size int64) ([]byte, error) {
	h := sha256.New()
	_, err := io.Copy(h, io.NewSectionReader(f, 0, size-sha256.Size))
	return h.Sum(nil), err
}

// decodeCache decodes the two streams of a cache file, each on a core of
// its own.
func decodeCache(a, b io.Reader, sizeA, sizeB int64) (*cacheData, error) {
	var c, rest cacheData
	var errA, errB error
	var wg sync.WaitGroup
	wg.Go(func() {
		var head bool
		if head, errA = decodeChunks(bufio.NewReaderSize(a, frameBuffer), &c, sizeA); errA == nil && !head {
			errA = errors.New("its first stream ends without the build's record")
		}
	})
	wg.Go(func() {
		var head bool
		if head, errB = decodeChunks(bufio.NewReaderSize(b, frameBuffer), &rest, sizeB); errB == nil && head {
			errB = errors.New("its second stream holds a build's record")
		}
	})
	wg.Wait()
	if err := cmp.Or(errA, errB); err != nil {
		return nil, err
	}
	if len(rest.Keys) > 0 || len(rest.URLs) > 0 {
		return nil, errors.New("its second stream holds keys or URLs")
	}
	maps.Copy(c.Files, rest.Files)
	c.Sums, c.Sizes, c.Pages = rest.Sums, rest.Sizes, rest.Pages
	return &c, nil
}

// frameBuffer is the size of the buffers a cache stream is read and
// written through: a frame that fits is read where it lies.
const frameBuffer = 1 << 20

// decodeChunks decodes the frames of a stream into c, to its end: map
// entries into its maps, and the cacheData without them (the build's
// record, which ends the first stream) into the rest; head says whether
// the stream held it.
//
// limit is the stream's length in bytes: the counts it holds are taken
// as at most what that many bytes can hold, so that a damaged count
// (the checksum is checked while the streams are decoded) cannot make
// decodeChunks ask for more memory than the stream's size.
func decodeChunks(r *bufio.Reader, c *cacheData, limit int64) (head bool, err error) {
	c.Files = map[string]cachedFile{}
	c.Sums, c.Sizes, c.Pages = map[string][32]byte{}, map[string]int64{}, map[string]pageRec{}
	c.URLs = map[string]string{}
	for {
		kind, err := r.ReadByte()
		if err == io.EOF {
			return head, nil
		}
		if err != nil {
			return head, err
		}
		n, err := binary.ReadUvarint(r)
		if err != nil || n > uint64(limit) {
			return head, errors.New("a frame's length is not as written")
		}
		if head {
			return head, errors.New("a stream goes on after the build's record")
		}
		// The frame's bytes, where they lie in the buffer when they fit:
		// a record's reader copies its strings, once, and reads the rest
		// before the next frame.
		if int(n) <= r.Size() {
			data, err := r.Peek(int(n))
			if err != nil {
				return head, fmt.Errorf("a frame runs past the stream's end: %w", err)
			}
			head, err = decodeFrame(kind, data, c, limit)
			r.Discard(int(n))
			if err != nil {
				return head, err
			}
			continue
		}
		data := make([]byte, n)
		if _, err := io.ReadFull(r, data); err != nil {
			return head, fmt.Errorf("a frame runs past the stream's end: %w", err)
		}
		if head, err = decodeFrame(kind, data, c, limit); err != nil {
			return head, err
		}
	}
}

// decodeFrame decodes a frame of kind holding data into c (decodeChunks);
// head says whether it was the build's record.
func decodeFrame(kind byte, data []byte, c *cacheData, limit int64) (head bool, err error) {
	switch kind {
	case frameCounts:
		w := wire.NewReader(data)
		n := cacheCounts{Files: int(w.Int()), Outputs: int(w.Int()), Pages: int(w.Int()), Keys: int(w.Int()), URLs: int(w.Int())}
		if err := chunkDone(w, "the counts"); err != nil {
			return false, err
		}
		reserve(c, n, limit)
	case frameFile:
		var e fileEntry
		if err := e.decode(data); err != nil {
			return false, err
		}
		c.Files[e.Path] = e.File
	case frameSums:
		var l sumEntries
		if err := l.decode(data); err != nil {
			return false, err
		}
		for _, e := range l {
			c.Sums[e.Name], c.Sizes[e.Name] = [32]byte(e.Sum), e.Size
		}
	case framePages:
		var l pageEntries
		if err := l.decode(data); err != nil {
			return false, err
		}
		for _, e := range l {
			c.Pages[e.Name] = e.Page
		}
	case frameKeys:
		var l keyList
		if err := l.decode(data); err != nil {
			return false, err
		}
		c.Keys = append(c.Keys, l...)
	case frameURLs:
		var l urlEntries
		if err := l.decode(data); err != nil {
			return false, err
		}
		for _, e := range l {
			c.URLs[e.Path] = e.URL
		}
	case frameHead:
		var h cacheData
		if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&h); err != nil {
			return false, fmt.Errorf("the build's record: %w", err)
		}
		if h.Keys != nil || h.URLs != nil {
			return true, errors.New("the build's record holds the keys it is written before")
		}
		h.Files, h.Sums, h.Sizes, h.Pages, h.Keys, h.URLs = c.Files, c.Sums, c.Sizes, c.Pages, c.Keys, c.URLs
		*c = h
		return true, nil
	default:
		return false, fmt.Errorf("a frame of unknown kind %q", kind)
	}
	return false, nil
}

// reserve makes c's maps, and its keys, with room for n's entries, where
// none has been decoded yet; a count is taken as at most limit/32 (an
// entry is longer than 32 bytes, but for some keys).
func reserve(c *cacheData, n cacheCounts, limit int64) {
	most := int(min(limit/32, 1<<31))
	size := func(k int) int { return min(max(k, 0), most) }
	if len(c.Files) == 0 && n.Files > 0 {
		c.Files = make(map[string]cachedFile, size(n.Files))
	}
	if len(c.Sums) == 0 && n.Outputs > 0 {
		c.Sums, c.Sizes = make(map[string][32]byte, size(n.Outputs)), make(map[string]int64, size(n.Outputs))
	}
	if len(c.Pages) == 0 && n.Pages > 0 {
		c.Pages = make(map[string]pageRec, size(n.Pages))
	}
	if len(c.Keys) == 0 && n.Keys > 0 {
		c.Keys = make([]string, 0, size(n.Keys))
	}
	if len(c.URLs) == 0 && n.URLs > 0 {
		c.URLs = make(map[string]string, size(n.URLs))
	}
}

// writeCache replaces the cache in dir with c.
func writeCache(dir string, c *cacheData) error {
	cw, err := startCache(dir, sortedKeys(c.Files), func(p string) (cachedFile, bool) { return c.Files[p], true })
	if err != nil {
		return err
	}
	return cw.finish(c)
}

// cacheWriter writes a cache file in two steps: the content files, which
// a build knows once it has loaded them, beside the rest of the build
// (startCache); then what the build wrote, once it is committed (finish).
// The first stream goes into the file itself; the second, encoded at the
// same time, into a file beside, copied after it.
type cacheWriter struct {
	dir        string
	tmp, side  *os.File
	h          hash.Hash
	w          *bufio.Writer // into tmp and h
	cw         *countingWriter
	sw         *bufio.Writer // into side
	a, b       *chunkEncoder
	wg         sync.WaitGroup
	errA, errB error
	done       bool     // finished or aborted
	bodies     string   // the body file the content files' bodies are in
	sum        [32]byte // the checksum, once finished
}

// startCache starts writing a cache in dir whose content files are paths,
// in order, each entry gives (false: left out).
func startCache(dir string, paths []string, entry func(p string) (cachedFile, bool)) (*cacheWriter, error) {
	exe, err := exeSum()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// What a build killed while writing left behind.
	leftovers, _ := filepath.Glob(filepath.Join(dir, cacheFile+".tmp-*"))
	for _, l := range leftovers {
		os.Remove(l)
	}
	w := &cacheWriter{dir: dir, h: sha256.New()}
	if w.tmp, err = os.CreateTemp(dir, cacheFile+".tmp-*"); err != nil {
		return nil, err
	}
	if w.side, err = os.CreateTemp(dir, cacheFile+".tmp-*"); err != nil {
		w.tmp.Close()
		os.Remove(w.tmp.Name())
		return nil, err
	}
	w.w = bufio.NewWriterSize(io.MultiWriter(w.tmp, w.h), 1<<20)
	w.w.WriteString(cacheMagic)
	w.w.Write(exe[:])
	w.cw = &countingWriter{w: w.w}
	w.sw = bufio.NewWriterSize(w.side, 1<<20)
	w.a, w.b = &chunkEncoder{w: w.cw}, &chunkEncoder{w: w.sw}
	half := len(paths) / 2
	// The first stream's files map gets the second's too (decodeCache).
	w.a.ch.Counts = &cacheCounts{Files: len(paths)}
	w.b.ch.Counts = &cacheCounts{Files: len(paths) - half}
	w.wg.Go(func() { w.errA = w.a.files(paths[:half], entry) })
	w.wg.Go(func() { w.errB = w.b.files(paths[half:], entry) })
	return w, nil
}

// finish writes the rest of c (all but its content files, which
// startCache was given) and puts the cache in place.
func (w *cacheWriter) finish(c *cacheData) error {
	defer w.abort()
	w.wg.Wait()
	if err := cmp.Or(w.errA, w.errB); err != nil {
		return err
	}
	w.wg.Go(func() { w.errA = encodeFirst(w.a, c) })
	w.wg.Go(func() {
		if w.errB = encodeSecond(w.b, c); w.errB == nil {
			w.errB = w.sw.Flush()
		}
	})
	w.wg.Wait()
	if err := cmp.Or(w.errA, w.errB); err != nil {
		return err
	}
	if _, err := w.side.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.Copy(w.w, w.side); err != nil {
		return err
	}
	w.w.Write(binary.BigEndian.AppendUint64(nil, uint64(w.cw.n)))
	if err := w.w.Flush(); err != nil {
		return err
	}
	w.h.Sum(w.sum[:0])
	if _, err := w.tmp.Write(w.sum[:]); err != nil {
		return err
	}
	if err := w.tmp.Close(); err != nil {
		return err
	}
	return os.Rename(w.tmp.Name(), filepath.Join(w.dir, cacheFile))
}

// abort waits for what startCache started and removes the files it
// wrote, unless finish put the cache in place; once.
func (w *cacheWriter) abort() {
	if w == nil || w.done {
		return
	}
	w.done = true
	w.wg.Wait()
	w.tmp.Close()
	w.side.Close()
	os.Remove(w.tmp.Name()) // renamed away, when finished
	os.Remove(w.side.Name())
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (cw *countingWriter) Write(p []byte) (int, error) {
	n, err := cw.w.Write(p)
	cw.n += int64(n)
	return n, err
}

// chunkEncoder writes frames as decodeChunks reads them: map entries
// cacheChunkLen at a time.
type chunkEncoder struct {
	w       io.Writer
	ch      cacheChunk
	rec     wire.Writer // a frame's record, made again for each frame
	scratch []byte      // the record's bytes
}

// flush writes the entries collected, if there are cacheChunkLen of them
// or force is set and there are any.
func (e *chunkEncoder) flush(force bool) error {
	n := len(e.ch.Files) + len(e.ch.Outputs) + len(e.ch.Pages) + len(e.ch.Keys) + len(e.ch.URLs)
	if e.ch.Head != nil || e.ch.Counts != nil {
		n++
	}
	if n == 0 || !force && n < cacheChunkLen {
		return nil
	}
	err := e.writeChunk(&e.ch)
	e.ch = cacheChunk{Files: e.ch.Files[:0], Outputs: e.ch.Outputs[:0], Pages: e.ch.Pages[:0], Keys: e.ch.Keys[:0], URLs: e.ch.URLs[:0]}
	return err
}

// writeChunk writes ch as frames, in the order of its fields.
func (e *chunkEncoder) writeChunk(ch *cacheChunk) error {
	w := &e.rec
	if n := ch.Counts; n != nil {
		w.Reset()
		for _, v := range []int{n.Files, n.Outputs, n.Pages, n.Keys, n.URLs} {
			w.Int(int64(v))
		}
		if err := e.frame(frameCounts); err != nil {
			return err
		}
	}
	for i := range ch.Files {
		w.Reset()
		if err := ch.Files[i].encode(w); err != nil {
			return err
		}
		if err := e.frame(frameFile); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		kind   byte
		n      int
		encode func(*wire.Writer)
	}{
		{frameSums, len(ch.Outputs), ch.Outputs.encode},
		{framePages, len(ch.Pages), ch.Pages.encode},
		{frameKeys, len(ch.Keys), ch.Keys.encode},
		{frameURLs, len(ch.URLs), ch.URLs.encode},
	} {
		if f.n > 0 {
			w.Reset()
			f.encode(w)
			if err := e.frame(f.kind); err != nil {
				return err
			}
		}
	}
	if ch.Head != nil {
		var g bytes.Buffer
		if err := gob.NewEncoder(&g).Encode(ch.Head); err != nil {
			return err
		}
		return e.write(frameHead, g.Bytes())
	}
	return nil
}

// frame writes a frame of kind holding the record e.rec holds.
func (e *chunkEncoder) frame(kind byte) error {
	e.scratch = e.rec.Record(e.scratch[:0])
	err := e.write(kind, e.scratch)
	if cap(e.scratch) > frameBuffer {
		e.scratch = nil // not kept for the frames after a large one
	}
	return err
}

// write writes a frame of kind holding b.
func (e *chunkEncoder) write(kind byte, b []byte) error {
	var head [1 + binary.MaxVarintLen64]byte
	head[0] = kind
	n := 1 + binary.PutUvarint(head[1:], uint64(len(b)))
	if _, err := e.w.Write(head[:n]); err != nil {
		return err
	}
	_, err := e.w.Write(b)
	return err
}

// files writes the content files paths, in order, each entry gives.
func (e *chunkEncoder) files(paths []string, entry func(p string) (cachedFile, bool)) error {
	for _, p := range paths {
		f, ok := entry(p)
		if !ok {
			continue
		}
		e.ch.Files = append(e.ch.Files, fileEntry{p, f})
		if err := e.flush(false); err != nil {
			return err
		}
	}
	return e.flush(true)
}

// encodeFirst ends the first of the cache's two streams (see
// decodeCache), after its content files: the key table, the URLs, and the
// cacheData without them and its large maps.
func encodeFirst(e *chunkEncoder, c *cacheData) error {
	e.ch.Counts = &cacheCounts{Keys: len(c.Keys), URLs: len(c.URLs)}
	if err := eachEntry(e, c.Keys, func(k string) { e.ch.Keys = append(e.ch.Keys, k) }); err != nil {
		return err
	}
	if err := eachEntry(e, sortedKeys(c.URLs), func(p string) { e.ch.URLs = append(e.ch.URLs, urlEntry{p, c.URLs[p]}) }); err != nil {
		return err
	}
	small := *c
	small.Files, small.Sums, small.Sizes, small.Pages, small.Keys, small.URLs = nil, nil, nil, nil, nil, nil
	e.ch.Head = &small
	return e.flush(true)
}

// encodeSecond ends the second stream, after its content files: the
// outputs' digests and the pages' records, each in order.
func encodeSecond(e *chunkEncoder, c *cacheData) error {
	e.ch.Counts = &cacheCounts{Outputs: len(c.Sums), Pages: len(c.Pages)}
	if err := eachEntry(e, sortedKeys(c.Sums), func(name string) {
		e.ch.Outputs = append(e.ch.Outputs, sumEntry{name, digest(c.Sums[name]), c.Sizes[name]})
	}); err != nil {
		return err
	}
	if err := e.flush(true); err != nil {
		return err
	}
	if err := eachEntry(e, sortedKeys(c.Pages), func(name string) { e.ch.Pages = append(e.ch.Pages, pageEntry{name, c.Pages[name]}) }); err != nil {
		return err
	}
	return e.flush(true)
}

// eachEntry adds, with add, an entry to e's chunk for each item, in
// order, writing the chunk whenever it is full.
func eachEntry[T any](e *chunkEncoder, items []T, add func(T)) error {
	for _, it := range items {
		add(it)
		if err := e.flush(false); err != nil {
			return err
		}
	}
	return nil
}

// fromCache gives a Builder that has not built yet what the cache in
// b.cfg.CacheDir holds. It returns a warning when the cache is there but
// cannot be trusted.
func (b *Builder) fromCache() string {
	c, err := readCache(b.cfg.CacheDir)
	if err != nil {
		return fmt.Sprintf("build cache %s ignored, building everything: %v", filepath.Join(b.cfg.CacheDir, cacheFile), err)
	}
	if c == nil {
		return ""
	}
	bodies, err := b.checkBodies(c)
	if err != nil {
		return fmt.Sprintf("build cache %s ignored, building everything: %v", filepath.Join(b.cfg.CacheDir, cacheFile), err)
	}
	b.bodies = bodies
	b.cacheSum = c.sum
	b.loaded = restoreFiles(c.Files)
	dest, err := filepath.Abs(b.cfg.Dest)
	if err != nil || dest != c.Dest {
		return ""
	}
	manifest, err := os.ReadFile(filepath.Join(dest, manifestFile))
	if err != nil || sha256.Sum256(manifest) != c.Manifest {
		return "" // the output was replaced or changed since: written anew
	}
	// serve or watch may have changed files since the cache was saved:
	// the output checks each file it keeps (output.intact).
	b.dest = &written{sums: c.Sums, sizes: c.Sizes, pages: c.Pages, committed: c.Committed}
	b.destManifest, b.spare = c.Manifest, c.Spare
	b.keys = newKeyTable(c.Keys)
	b.destFromCache = true
	b.urls = c.URLs
	b.indexSum, b.indexFiles, b.indexStats, b.indexState = c.IndexSum, c.IndexFiles, c.IndexStats, c.IndexState
	if b.cfg.InPlace {
		b.adopted = true // the cache says what the destination holds
	}
	return ""
}

// restoreFiles makes the loaded files the cache holds, on every core.
func restoreFiles(files map[string]cachedFile) map[string]*loaded {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	ls := make([]*loaded, len(paths))
	nw := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for k := range nw {
		wg.Go(func() {
			stamps := map[string]string{} // one string for the files read with the same stamp
			for i := k; i < len(paths); i += nw {
				f := files[paths[i]]
				if s, ok := stamps[f.Stamped]; ok {
					f.Stamped = s
				} else {
					stamps[f.Stamped] = f.Stamped
				}
				l := &loaded{sum: f.Sum, stat: f.Stat, read: f.Read, stamped: f.Stamped, front: [32]byte(f.Front), units: f.Units, body: f.Body, links: f.Links, removed: f.Removed, minutes: f.Minutes, chars: f.Chars, section: f.Section}
				if f.Doc != nil {
					l.doc = f.Doc.Restore()
				}
				if l.doc != nil || l.section != nil {
					ls[i] = l
				}
			}
		})
	}
	wg.Wait()
	m := make(map[string]*loaded, len(paths))
	for i, l := range ls {
		if l != nil {
			m[paths[i]] = l
		}
	}
	return m
}

// startToCache starts writing the build cache's content files, which load
// has read, while the build goes on; toCache finishes it. It returns nil
// when it cannot start, and toCache then writes them itself.
func (b *Builder) startToCache() *cacheWriter {
	if b.bodies.needsCompact(b.liveBodies()) {
		return nil // the bodies move before the cache records them
	}
	w, err := b.startFiles()
	if err != nil {
		return nil
	}
	w.bodies = b.bodies.fileName()
	return w
}

// startFiles starts a cacheWriter of the content files b has loaded.
func (b *Builder) startFiles() (*cacheWriter, error) {
	paths := sortedKeys(b.loaded)
	ls := make(map[string]*loaded, len(paths))
	maps.Copy(ls, b.loaded)
	return startCache(b.cfg.CacheDir, paths, func(p string) (cachedFile, bool) { return cachedOf(ls[p]) })
}

// liveBodies are the bodies of the documents loaded.
func (b *Builder) liveBodies() []*body {
	var live []*body
	for _, l := range b.loaded {
		if len(l.errs) == 0 && l.doc != nil {
			live = append(live, &l.body)
		}
	}
	return live
}

// cachedOf is l as the cache keeps it; false for a file the cache leaves
// out.
func cachedOf(l *loaded) (cachedFile, bool) {
	if len(l.errs) > 0 || l.body.mem != nil {
		return cachedFile{}, false // a body that is not in the body file
	}
	f := cachedFile{Sum: digest(l.sum), Stat: l.stat, Read: l.read, Stamped: l.stamped, Front: digest(l.front), Units: l.units, Body: l.body, Links: l.links, Removed: l.removed, Minutes: l.minutes, Chars: l.chars, Section: l.section}
	if l.doc != nil {
		st, ok := l.doc.Store()
		if !ok {
			return cachedFile{}, false
		}
		f.Doc = &st
	}
	return f, true
}

// toCache writes what b holds after a successful build into the cache,
// finishing w (startToCache) if it is not nil.
func (b *Builder) toCache(manifest []byte, w *cacheWriter) error {
	b.cacheSum = [32]byte{} // until this one is in place
	dest, err := filepath.Abs(b.cfg.Dest)
	if err != nil {
		w.abort()
		return err
	}
	name, err := b.bodies.compact(b.liveBodies())
	if err != nil {
		w.abort()
		return err
	}
	if w != nil && w.bodies != name {
		// The bodies moved to a new file since w began: the content
		// files are written again with their new places.
		w.abort()
		w = nil
	}
	if w == nil {
		if w, err = b.startFiles(); err != nil {
			return err
		}
	}
	c := &cacheData{
		Dest:       dest,
		Manifest:   sha256.Sum256(manifest),
		Sums:       b.dest.sums,
		Sizes:      b.dest.sizes,
		Pages:      b.dest.pages,
		Keys:       b.keys.snapshot(),
		Committed:  b.dest.committed,
		URLs:       b.urls,
		IndexSum:   b.indexSum,
		IndexFiles: b.indexFiles,
		IndexStats: b.indexStats,
		IndexState: b.indexState,
		Spare:      b.spare,
		Bodies:     name,
	}
	if err := w.finish(c); err != nil {
		return err
	}
	b.cacheSum = w.sum
	b.bodies.removeOthers()
	return nil
}

// checkBodies opens the body file the cache c names and reads every body
// c records, checking it against its digest, and returns the body store
// the Builder is to use. One that does not match makes the whole cache
// untrusted: a cache is never trusted in part.
func (b *Builder) checkBodies(c *cacheData) (*bodyStore, error) {
	var refs []body
	for _, f := range c.Files {
		if f.Body.Len > 0 {
			refs = append(refs, f.Body)
		}
	}
	if c.Bodies == "" || strings.ContainsAny(c.Bodies, `/\`) || !strings.HasPrefix(c.Bodies, bodyFilePrefix) {
		if len(refs) > 0 {
			return nil, fmt.Errorf("it names no body file (%q)", c.Bodies)
		}
		return nil, nil // a fresh one is opened
	}
	if b.cfg.DryRun {
		// folio check reads the cache and writes nothing beside it.
		f, err := os.Open(filepath.Join(b.cfg.CacheDir, c.Bodies))
		if err != nil {
			return nil, fmt.Errorf("its body file: %v", err)
		}
		s := &bodyStore{dir: b.cfg.CacheDir, name: c.Bodies, f: f, readOnly: true}
		return s, s.verify(refs)
	}
	s, err := openBodies(b.cfg.CacheDir, c.Bodies, false)
	if err != nil {
		return nil, fmt.Errorf("its body file: %v", err)
	}
	if err := s.verify(refs); err != nil {
		s.f.Close()
		return nil, err
	}
	return s, nil
}
