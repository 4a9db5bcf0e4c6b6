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
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/search"
	"github.com/folio-ssg/folio/internal/site"
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
// the templates it was made with), a gob stream, and the SHA-256 of all
// that; and, beside it, the body file that holds the documents' rendered
// HTML (bodies.go), which the cache file records the digest of body by
// body. A cache that fails any check, its body file's included, is
// ignored with a warning and replaced after the build; it is never
// trusted in part.

const (
	cacheFile  = "build.cache"
	cacheMagic = "folio build cache 13\n"
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

// The cache file is the magic, the executable's digest, two gob streams,
// the length of the first (8 bytes, big-endian) and the SHA-256 of all
// before it. The two streams are decoded at once, on two cores: the first
// holds the cacheData without its large maps, then the first half of the
// content files; the second the other half, then the outputs' digests,
// then the pages' records. A stream is a sequence of messages, the maps'
// entries in chunks of cacheChunkLen: gob encodes a message whole in
// memory before writing it, and one message of every entry took as much
// memory again as the cache file.
const cacheChunkLen = 1024

// cacheChunk is one message of map entries; one of its lists is set.
type cacheChunk struct {
	Files   []fileEntry
	Outputs []sumEntry
	Pages   []pageEntry
}

type fileEntry struct {
	Path string
	File cachedFile
}

// sumEntry is an output file's digest and size.
type sumEntry struct {
	Name string
	Sum  digest
	Size int64
}

// digest is a SHA-256 digest that gob encodes as one byte string: an array
// it encodes as 32 numbers, decoded one by one, and a cache holds one or
// two digests for every file of the output and every content file.
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
	trailer := make([]byte, tail)
	if _, err := f.ReadAt(trailer, size-tail); err != nil {
		return nil, err
	}
	// The checksum, and the digest of the executable, are worked out on
	// another core while the streams are decoded; what was decoded is
	// used only if both match.
	type summed struct {
		sum []byte
		exe [32]byte
		err error
	}
	sumc := make(chan summed, 1)
	go func() {
		exe, err := exeSum()
		if err != nil {
			sumc <- summed{err: fmt.Errorf("cannot identify the folio executable: %v", err)}
			return
		}
		h := sha256.New()
		_, err = io.Copy(h, io.NewSectionReader(f, 0, size-sha256.Size))
		sumc <- summed{h.Sum(nil), exe, err}
	}()
	var c *cacheData
	var decodeErr error
	if lenA := binary.BigEndian.Uint64(trailer[:8]); lenA > uint64(size-head-tail) {
		decodeErr = errors.New("its first stream runs past its end")
	} else {
		c, decodeErr = decodeCache(io.NewSectionReader(f, head, int64(lenA)), io.NewSectionReader(f, head+int64(lenA), size-tail-head-int64(lenA)))
	}
	got := <-sumc
	if got.err != nil {
		return nil, got.err
	}
	if !bytes.Equal(got.sum, trailer[8:]) {
		return nil, errors.New("its checksum does not match: it is damaged")
	}
	if !bytes.Equal(start[len(cacheMagic):], got.exe[:]) {
		return nil, errors.New("another folio executable wrote it")
	}
	if decodeErr != nil {
		return nil, fmt.Errorf("cannot decode it: %v", decodeErr)
	}
	return c, nil
}

// decodeCache decodes the two gob streams of a cache file, each on a core
// of its own.
func decodeCache(a, b io.Reader) (*cacheData, error) {
	var c, rest cacheData
	var errA, errB error
	var wg sync.WaitGroup
	wg.Go(func() {
		dec := gob.NewDecoder(bufio.NewReaderSize(a, 1<<20))
		if errA = dec.Decode(&c); errA == nil {
			errA = decodeChunks(dec, &c)
		}
	})
	wg.Go(func() { errB = decodeChunks(gob.NewDecoder(bufio.NewReaderSize(b, 1<<20)), &rest) })
	wg.Wait()
	if err := cmp.Or(errA, errB); err != nil {
		return nil, err
	}
	maps.Copy(c.Files, rest.Files)
	c.Sums, c.Sizes, c.Pages = rest.Sums, rest.Sizes, rest.Pages
	return &c, nil
}

// decodeChunks decodes chunks of map entries into c's maps, to the end of
// the stream.
func decodeChunks(dec *gob.Decoder, c *cacheData) error {
	c.Files = map[string]cachedFile{}
	c.Sums, c.Sizes, c.Pages = map[string][32]byte{}, map[string]int64{}, map[string]pageRec{}
	for {
		var ch cacheChunk
		err := dec.Decode(&ch)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		for _, e := range ch.Files {
			c.Files[e.Path] = e.File
		}
		for _, e := range ch.Outputs {
			c.Sums[e.Name], c.Sizes[e.Name] = [32]byte(e.Sum), e.Size
		}
		for _, e := range ch.Pages {
			c.Pages[e.Name] = e.Page
		}
	}
}

// writeCache replaces the cache in dir with c.
func writeCache(dir string, c *cacheData) error {
	exe, err := exeSum()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// What a build killed while writing left behind.
	leftovers, _ := filepath.Glob(filepath.Join(dir, cacheFile+".tmp-*"))
	for _, l := range leftovers {
		os.Remove(l)
	}
	tmp, err := os.CreateTemp(dir, cacheFile+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	// The second stream is encoded at the same time as the first, into a
	// file beside, and copied after it.
	side, err := os.CreateTemp(dir, cacheFile+".tmp-*")
	if err != nil {
		tmp.Close()
		return err
	}
	defer os.Remove(side.Name())
	defer side.Close()
	h := sha256.New()
	w := bufio.NewWriterSize(io.MultiWriter(tmp, h), 1<<20)
	w.WriteString(cacheMagic)
	w.Write(exe[:])
	files := sortedKeys(c.Files)
	half := len(files) / 2
	cw := &countingWriter{w: w}
	sw := bufio.NewWriterSize(side, 1<<20)
	var errA, errB error
	var wg sync.WaitGroup
	wg.Go(func() { errA = encodeFirst(cw, c, files[:half]) })
	wg.Go(func() {
		if errB = encodeSecond(sw, c, files[half:]); errB == nil {
			errB = sw.Flush()
		}
	})
	wg.Wait()
	if err := cmp.Or(errA, errB); err != nil {
		tmp.Close()
		return err
	}
	if _, err := side.Seek(0, io.SeekStart); err != nil {
		tmp.Close()
		return err
	}
	if _, err := io.Copy(w, side); err != nil {
		tmp.Close()
		return err
	}
	w.Write(binary.BigEndian.AppendUint64(nil, uint64(cw.n)))
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(h.Sum(nil)); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, cacheFile))
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

// chunkEncoder writes map entries as decodeChunks reads them:
// cacheChunkLen at a time.
type chunkEncoder struct {
	enc *gob.Encoder
	ch  cacheChunk
}

// flush writes the entries collected, if there are cacheChunkLen of them
// or force is set and there are any.
func (e *chunkEncoder) flush(force bool) error {
	n := len(e.ch.Files) + len(e.ch.Outputs) + len(e.ch.Pages)
	if n == 0 || !force && n < cacheChunkLen {
		return nil
	}
	err := e.enc.Encode(&e.ch)
	e.ch = cacheChunk{Files: e.ch.Files[:0], Outputs: e.ch.Outputs[:0], Pages: e.ch.Pages[:0]}
	return err
}

func (e *chunkEncoder) files(c *cacheData, files []string) error {
	for _, p := range files {
		e.ch.Files = append(e.ch.Files, fileEntry{p, c.Files[p]})
		if err := e.flush(false); err != nil {
			return err
		}
	}
	return e.flush(true)
}

// encodeFirst writes the first of the cache's two streams (see
// decodeCache): the cacheData without its large maps, then the content
// files named, in order.
func encodeFirst(w io.Writer, c *cacheData, files []string) error {
	e := &chunkEncoder{enc: gob.NewEncoder(w)}
	small := *c
	small.Files, small.Sums, small.Sizes, small.Pages = nil, nil, nil, nil
	if err := e.enc.Encode(&small); err != nil {
		return err
	}
	return e.files(c, files)
}

// encodeSecond writes the second stream: the content files named, then
// the outputs' digests and the pages' records, each in order.
func encodeSecond(w io.Writer, c *cacheData, files []string) error {
	e := &chunkEncoder{enc: gob.NewEncoder(w)}
	if err := e.files(c, files); err != nil {
		return err
	}
	for _, name := range sortedKeys(c.Sums) {
		e.ch.Outputs = append(e.ch.Outputs, sumEntry{name, digest(c.Sums[name]), c.Sizes[name]})
		if err := e.flush(false); err != nil {
			return err
		}
	}
	if err := e.flush(true); err != nil {
		return err
	}
	for _, name := range sortedKeys(c.Pages) {
		e.ch.Pages = append(e.ch.Pages, pageEntry{name, c.Pages[name]})
		if err := e.flush(false); err != nil {
			return err
		}
	}
	return e.flush(true)
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
	stamps := map[string]string{} // one string for the files read with the same stamp
	for p, f := range c.Files {
		if s, ok := stamps[f.Stamped]; ok {
			f.Stamped = s
		} else {
			stamps[f.Stamped] = f.Stamped
		}
		l := &loaded{sum: f.Sum, stat: f.Stat, read: f.Read, stamped: f.Stamped, front: [32]byte(f.Front), units: f.Units, body: f.Body, links: f.Links, removed: f.Removed, minutes: f.Minutes, chars: f.Chars, section: f.Section}
		if f.Doc != nil {
			l.doc = f.Doc.Restore()
		}
		if l.doc == nil && l.section == nil {
			continue
		}
		b.loaded[p] = l
	}
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

// toCache writes what b holds after a successful build into the cache.
func (b *Builder) toCache(manifest []byte) error {
	dest, err := filepath.Abs(b.cfg.Dest)
	if err != nil {
		return err
	}
	c := &cacheData{
		Files:      make(map[string]cachedFile, len(b.loaded)),
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
	}
	var live []*body
	for _, l := range b.loaded {
		if len(l.errs) == 0 && l.doc != nil {
			live = append(live, &l.body)
		}
	}
	name, err := b.bodies.compact(live)
	if err != nil {
		return err
	}
	c.Bodies = name
	for p, l := range b.loaded {
		if len(l.errs) > 0 || l.body.mem != nil {
			continue // a body that is not in the body file
		}
		f := cachedFile{Sum: digest(l.sum), Stat: l.stat, Read: l.read, Stamped: l.stamped, Front: digest(l.front), Units: l.units, Body: l.body, Links: l.links, Removed: l.removed, Minutes: l.minutes, Chars: l.chars, Section: l.section}
		if l.doc != nil {
			st, ok := l.doc.Store()
			if !ok {
				continue
			}
			f.Doc = &st
		}
		c.Files[p] = f
	}
	if err := writeCache(b.cfg.CacheDir, c); err != nil {
		return err
	}
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
