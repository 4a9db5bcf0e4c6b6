// Package search builds a static full-text index of a site's documents and
// queries it. The index is a set of files under search/ that a browser
// fetches piece by piece; static/search.js is the browser client, and
// Search is the same algorithm in Go. Nothing runs on a server.
//
// # Text
//
// Titles and body text are folded before anything is compared: full-width
// ASCII (U+FF01–U+FF5E) to ASCII, the ideographic space to a space, Latin,
// Greek, Cyrillic and Armenian letters to lower case, and invisible format
// characters (zero-width spaces, joiners, soft hyphens, variation
// selectors, byte-order marks) dropped. Folded text is a sequence of units:
//
//   - a Han character (also kana and Hangul), one unit each;
//   - a word: a run of other letters, digits and marks ("gdp", "2025", "5g");
//   - separators (whitespace, punctuation, symbols) between them, each run
//     of which counts as one position, so adjacent units have consecutive
//     positions and "人工，智能" does not contain "人工智能".
//
// The index keys every word, every bigram of adjacent Han characters, and a
// Han character on its own where it is in the title, has no Han neighbour,
// or touches a word (so "A股" finds "A股市场"). No dictionary is used.
//
// # Queries
//
// A query is split at whitespace into terms, which must all match; text in
// straight or curly double quotes is one term. A term matches a document
// whose title or text contains it as written, after folding: "乡村振兴"
// does not match a document that has 乡村 and 振兴 only apart. A term that
// is one Han character matches titles only. The last term of a query that
// does not end in a space, if it is a single word of at least three
// characters, also matches up to ten indexed words it begins (those in the
// most documents), so results appear while a word is being typed.
//
// Results come in this order: by the number of terms found in the title,
// then by a BM25 score summed over the terms' tokens, then newest first.
// Options give newest-first order instead, and restrict results to a tag,
// a facet value or a year.
//
// # Files
//
// Build returns these files, all under search/ in the site's output:
//
//	index.json      the header: format version, number of documents, of
//	                shards, documents per chunk, and the document-number
//	                range of every year
//	filters.json    tags, facet values and years with their counts, for a
//	                search form's filter controls
//	p/<n>.bin       posting shard n (base 36): the tokens whose key hashes
//	                to n (FNV-1a of the token, or of a word's first three
//	                characters), with document frequency, weight and their
//	                lists, inline when small
//	x/<n>.bin       one part of a long list, covering a range of documents
//	d/<n>.json      documents n×chunk to (n+1)×chunk−1: URL, title, date,
//	                and for a document with text, where its segments start
//	                and the key that names them
//	t/<key>.<k>.txt segment k of a document's text, for snippets; the key
//	                is a digest of its URL and date (placeOf), so that a
//	                document renumbered keeps its segments
//
// Documents are numbered oldest first (undated first; within a date by
// URL, the last first), so a year is a range of numbers and newest-first
// order is number order reversed; documents added with the newest date are
// numbered after all the others, which keep their numbers (see Update). Every
// list is a sequence of unsigned LEB128 varints. A document list holds per
// document the gap from the previous document, a quantized BM25 weight
// (1–127) and the first position of the token; a position list holds, for
// documents with more than one occurrence, the gap, the count of further
// occurrences and their position gaps. Titles take positions below 1024,
// bodies start at 1024.
//
// A query fetches the header, the shards of its tokens, the document list
// of its rarest token, then at once the parts of the other lists that can
// hold one of those documents; position lists only for the documents where
// the first occurrences of a phrase's tokens do not already line up; and
// for each result shown its document chunk and one text segment. On a
// generated corpus of 10,000 Chinese articles of about 8 KB, the queries
// 人工智能, 经济 发展 and 乡村振兴 fetch 128, 149 and 166 KB (see
// BenchmarkSearch10k). A three-character phrase of very common bigrams
// fetches more: their position lists.
//
// # Use
//
// The caller (internal/build) passes the published documents that have not
// opted out, writes the files under the output root (after an edit it calls
// Update with the index it made last, which makes again only the entries
// of the documents edited: update.go), and renders the page
// search/ from templates/search.html, which loads /search.js and points it
// at search/index.json with a data-index attribute. The page reads its
// query from the URL (search/?q=人工智能&tag=…&facet=key:value&year=…
// &sort=newest) and keeps the URL in step as the user types.
package search

import (
	"cmp"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Doc is one published document as the index sees it.
type Doc struct {
	URL   string // site path relative to the base, "/2025/04/x/"
	Title string // shown in results; searched, and ranked first
	Text  string // the body's plain text as a reader sees it
	// TextFrom, when Text is "", gives the text as Build needs it, so a
	// large collection's texts need not all be held before indexing. It is
	// called from any goroutine: once, or twice with Config.Emit and no
	// Units.
	TextFrom func() string
	// Units, when not 0, is Measure of the document's title and text,
	// worked out beforehand (a caller may keep it with the document):
	// with Config.Emit, Build then reads the text once.
	Units  int
	Tags   []string            // filter values
	Facets map[string][]string // other filter values: {"source": {"人民日报"}}
	Date   string              // "2025-04-27", "2025-04", "2025" or ""
	Lang   string              // "zh", "en" or ""; text of any language is indexed alike
	// TextKey, when not zero, identifies the text: equal keys mean
	// equal texts (a digest of what the text is made from will do).
	// Update reuses the entries of a document only when its text key,
	// title, URL, date, tags and facets are those of the prior index.
	TextKey [32]byte
	// Prep, when not nil, keeps what Build made of this document's text
	// for the next Build of the same document: a caller that indexes its
	// documents again after each edit (folio serve) passes the same Prep
	// while the document's text is unchanged, and Build then neither
	// calls TextFrom nor cleans and measures the text again.
	Prep *Prep
}

// Prep is a document's text as Build prepared it: cleaned, measured and
// cut into snippet segments. Its zero value is empty.
type Prep struct {
	title string // the title it was measured with
	seg   int    // Config.SegmentBytes it was cut with
	text  string
	dl    int
	segs  []segment
	done  bool
}

// Text is the document's text as Build indexed it: invisible format
// characters dropped and each run of whitespace made one space or newline.
func (p *Prep) Text() string { return p.text }

// Config sizes the index files. The zero value gives the defaults.
type Config struct {
	ShardBytes   int // target size of a posting shard; 8 KiB
	InlineBytes  int // lists up to this size stay in their shard; 512 bytes
	PartBytes    int // longer lists are cut into files of about this size; 16 KiB
	SegmentBytes int // texts are cut into segments of about this size; 4 KiB
	ChunkDocs    int // documents per document chunk; 16
	// Emit, when not nil, is given each file as soon as it is made, and
	// Build returns none: a large index is never held whole. A document's
	// text is then not held from one pass to the next: it is extracted
	// twice (once to measure it and cut its snippet segments, once to
	// index it), or once when its Units are given; Prep is not used. Emit
	// is called from any goroutine, from several at once; an error it
	// returns ends the build.
	Emit func(name string, data []byte) error
}

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.ShardBytes, 8<<10)
	def(&c.InlineBytes, 512)
	def(&c.PartBytes, 16<<10)
	def(&c.SegmentBytes, 4<<10)
	def(&c.ChunkDocs, 16)
	return c
}

// Stats describes a built index.
type Stats struct {
	Docs   int   // documents indexed
	Files  int   // files written
	Bytes  int64 // their total size
	Reused int   // documents whose entries Update took from the prior index
}

// Algorithm constants shared with static/search.js.
const (
	formatVersion = 3
	maxExpansions = 10 // words a prefix expands to
	overlapRunes  = 64 // a text segment runs this far into the next
	k1, bm25b     = 1.2, 0.75
	maxWeight     = 127 // weights are 1..maxWeight
	idfScale      = 32  // idf is stored as round(idf × idfScale)
	maxFilterVals = 500 // values per tag or facet list in filters.json
)

// header is index.json.
type header struct {
	Version int        `json:"version"`
	Docs    int        `json:"docs"`
	Shards  int        `json:"shards"`
	Chunk   int        `json:"chunk"`
	Years   [][3]int   `json:"years"` // year, first document, end
	Stats   indexStats `json:"stats"`
}

type indexStats struct {
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"` // all files but index.json
}

// filters is filters.json.
type filters struct {
	Tags   []filterValue            `json:"tags"`
	Facets map[string][]filterValue `json:"facets"`
	Years  [][2]int                 `json:"years"` // year, documents
}

// filterValue is a value and its number of documents, as a JSON pair.
type filterValue struct {
	Value string
	Count int
}

func (v filterValue) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{v.Value, v.Count})
}

// list is a token's document or position list while it is built: parts of
// at most about Config.PartBytes, each starting at a document.
type list struct {
	b     []byte // the current part
	first int32  // its first document; gaps in a part count from it
	last  int32  // the last document added
	done  []listPart
}

type listPart struct {
	first int32
	b     []byte
}

// start begins the entry of document d: it returns the slice to append
// the entry to, after the gap from the previous document, and end takes
// it back. A part ends after the entry that reaches partBytes.
func (l *list) start(d int32, partBytes int) []byte { return l.startSized(d, partBytes, 0) }

// startSized is start for a list expected to hold about size bytes in
// all: a new part is made with room for what is left of them, up to a
// part's length, instead of growing from a few bytes.
func (l *list) startSized(d int32, partBytes, size int) []byte {
	if l.b == nil || len(l.b) >= partBytes {
		if l.b != nil {
			l.done = append(l.done, listPart{l.first, l.b})
		}
		// The parts done are each partBytes long at least.
		room := min(size-len(l.done)*partBytes, partBytes+partBytes/8)
		l.b = make([]byte, 0, max(room, 8))
		l.first, l.last = d, d
	}
	b := binary.AppendUvarint(l.b, uint64(d-l.last))
	l.last = d
	return b
}

func (l *list) end(b []byte) { l.b = b }

// parts returns the list's parts.
func (l *list) parts() []listPart {
	if l.b == nil {
		return nil
	}
	return append(l.done, listPart{l.first, l.b})
}

func (l *list) size() int { return len(l.b) + partsSize(l.done) }

// partsSize is the length of a list's parts together.
func partsSize(ps []listPart) int {
	n := 0
	for _, p := range ps {
		n += len(p.b)
	}
	return n
}

// posting is a token's lists.
type posting struct {
	df   int
	docs list // document gap, weight, first position
	pos  list // document gap, further occurrences, position gaps
}

// indexDoc is a document being indexed.
type indexDoc struct {
	Doc
	text string    // body text, cleaned
	dl   int       // units in title and text
	segs []segment // text cut for snippets
	// With Config.Emit, the text is dropped once its segments are
	// emitted: starts holds where they begin (nil: no text), and the text
	// is extracted again to be indexed. A document measured beforehand
	// (Units) is read once, late: when it is indexed.
	starts  []int32
	tbytes  int64    // the size of its segments
	key     [32]byte // keyOf
	place   [16]byte // placeOf
	emitted bool
	late    bool
}

// indexer collects the lists of every token, document by document. Each
// of its workers owns the tokens whose hash falls to it, so each list is
// built by one goroutine in document order.
type indexer struct {
	cfg     Config
	avgdl   float64
	ndocs   float64
	workers []*worker
	files   map[string][]byte

	mu     sync.Mutex
	nfiles int   // files made but index.json
	nbytes int64 // their size
	err    error // the first of Config.Emit
}

// put adds a file to the index: to files, or given to Config.Emit.
func (ix *indexer) put(name string, b []byte) {
	ix.mu.Lock()
	if name != headerName {
		ix.nfiles++
		ix.nbytes += int64(len(b))
	}
	if ix.cfg.Emit == nil {
		ix.files[name] = b
		ix.mu.Unlock()
		return
	}
	failed := ix.err != nil
	ix.mu.Unlock()
	if failed {
		return
	}
	// Outside the lock: the workers' text segments are written at once.
	if err := ix.cfg.Emit(name, b); err != nil {
		ix.mu.Lock()
		if ix.err == nil {
			ix.err = err
		}
		ix.mu.Unlock()
	}
}

// failed reports whether Config.Emit returned an error: Build stops.
func (ix *indexer) failed() bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.err != nil
}

// emitText emits a document's text segments, keeps where they start and
// lets go of its text. It reports false once Emit has failed.
func (ix *indexer) emitText(d *indexDoc) bool {
	d.emitted = true
	if d.text == "" {
		return !ix.failed()
	}
	d.starts = []int32{}
	key := textKey(d.place)
	for k, seg := range d.segs {
		if k > 0 {
			d.starts = append(d.starts, seg.pos)
		}
		d.tbytes += int64(len(seg.text))
		ix.put(textName(key, k), []byte(seg.text))
	}
	d.text, d.segs = "", nil
	return !ix.failed()
}

type worker struct {
	recent [1 << 14]struct {
		key uint64
		n   int32
	} // a cache of han
	han      map[uint64]int32 // Han token key -> token number
	words    map[string]int32 // word or filter token -> token number
	toks     []itoken         // token number -> token
	postings postingChunks    // token number -> lists

	// Per document: occ holds token number << 32 | position of each of
	// its tokens this worker owns, in position order; seen the token
	// numbers in the order they first occur; at[n] counts token n's
	// occurrences, then marks where its positions end in pos, which
	// holds them grouped by token.
	occ  []uint64
	seen []int32
	at   []int32
	pos  []int32
}

// Build indexes docs and returns the index files keyed by slash path under
// search/, and their totals. The same documents give the same bytes, in
// any order.
func Build(docs []Doc, cfg Config) (map[string][]byte, Stats, error) {
	files, stats, _, err := Update(docs, cfg, Prior{})
	return files, stats, err
}

// Update indexes docs as Build does, and returns the State of the index
// too, for the next Update. Given the prior index (Prior), it makes again
// only the entries of the documents whose Key differs from their key
// there: the others' entries are taken from the prior index's lists,
// however they are numbered now, their text is not read, and their text
// segments are kept (Prior.Keep) or read and emitted again. The files are
// the bytes Build would give. When the prior index's lists cannot be
// read, the whole index is made again; a document whose segments can be
// neither kept nor read is made again on its own.
func Update(docs []Doc, cfg Config, prior Prior) (map[string][]byte, Stats, *State, error) {
	cfg = cfg.withDefaults()
	ix := &indexer{cfg: cfg, avgdl: 1, files: map[string][]byte{}}
	var emit func(d *indexDoc) bool
	if cfg.Emit != nil {
		emit = ix.emitText
	}
	ds, err := number(docs)
	if err != nil {
		return nil, Stats{}, nil, err
	}
	digest(ds)
	// reuse[id]: document id's entries come from the prior index, where
	// it was numbered n, and newOf[n] == id.
	reuse, newOf, old := ix.reusable(ds, prior)
	prepare(ds, reuse, cfg.SegmentBytes, emit)
	if ix.failed() {
		return nil, Stats{}, nil, ix.err
	}
	ix.ndocs = float64(len(ds))
	var total float64
	for i := range ds {
		total += float64(ds[i].dl)
	}
	if total > 0 {
		ix.avgdl = total / float64(len(ds))
	}
	nw := max(1, min(runtime.GOMAXPROCS(0), 8))
	var wg sync.WaitGroup
	for range nw {
		ix.workers = append(ix.workers, &worker{han: map[uint64]int32{}, words: map[string]int32{}})
	}
	ids := make([]int, 0, len(ds))
	for id := range ds {
		if reuse == nil || !reuse[id] {
			ids = append(ids, id)
		}
	}
	// A batch of documents at a time, each document's tokens are found
	// once, on every core; then each worker adds the tokens it owns.
	toks := make([][]itoken, min(len(ids), batchDocs))
	scratch := make([][]unit, nw)
	for lo := 0; lo < len(ids); lo += batchDocs {
		if ix.failed() {
			return nil, Stats{}, nil, ix.err
		}
		hi := min(len(ids), lo+batchDocs)
		for k := range nw {
			wg.Go(func() {
				us := scratch[k]
				for j := lo + k; j < hi; j += nw {
					id := ids[j]
					d := &ds[id]
					us, _ = scan(us[:0], d.Title, 0)
					t := docTokens(toks[j-lo][:0], us[:min(len(us), maxTitleUnits)])
					text := d.text
					if d.emitted && d.starts != nil || d.late {
						text = d.textAgain()
					}
					us, _ = scan(us[:0], text, titleSpan)
					if d.late {
						d.text = text
						if text != "" {
							d.segs = segments(text, us, ix.cfg.SegmentBytes)
						}
						ix.emitText(d)
					}
					toks[j-lo] = docTokens(t, us)
				}
				scratch[k] = us
			})
		}
		wg.Wait()
		for k, w := range ix.workers {
			wg.Go(func() {
				for j := lo; j < hi; j++ {
					ix.add(w, k, int32(ids[j]), &ds[ids[j]], toks[j-lo])
				}
			})
		}
		wg.Wait()
	}
	for id := range ds {
		if !ds[id].emitted {
			ix.emitText(&ds[id]) // indexed, and cut into segment files: not needed again
		}
	}
	all := ix.tokens()
	if old != nil {
		if all, err = ix.merge(old, all, newOf, ds); err != nil {
			// Not what this package writes: made again whole.
			return Update(docs, cfg, Prior{})
		}
	}
	nshards := ix.writeShards(all)

	// Documents.
	for c := 0; c*cfg.ChunkDocs < len(ds); c++ {
		var chunk []any
		for id := c * cfg.ChunkDocs; id < min(len(ds), (c+1)*cfg.ChunkDocs); id++ {
			d := &ds[id]
			if d.starts == nil { // no text
				chunk = append(chunk, []any{d.URL, d.Title, d.Date})
			} else {
				chunk = append(chunk, []any{d.URL, d.Title, d.Date, d.starts, textKey(d.place)})
			}
		}
		b, err := json.Marshal(chunk)
		if err != nil {
			return nil, Stats{}, nil, fmt.Errorf("search index: %w", err)
		}
		ix.put(chunkName(c), b)
	}

	fb, err := json.Marshal(filterCounts(ds))
	if err != nil {
		return nil, Stats{}, nil, fmt.Errorf("search index: %w", err)
	}
	ix.put("search/filters.json", fb)

	h := header{Version: formatVersion, Docs: len(ds), Shards: nshards, Chunk: cfg.ChunkDocs, Years: [][3]int{}}
	// Newest first, after the undated documents' numbers.
	for end := len(ds); end > 0; {
		y := year(ds[end-1].Date)
		if y == 0 {
			break
		}
		id := end
		for id > 0 && year(ds[id-1].Date) == y {
			id--
		}
		h.Years = append(h.Years, [3]int{y, id, end})
		end = id
	}
	h.Stats.Files, h.Stats.Bytes = ix.nfiles, ix.nbytes
	hb, err := json.Marshal(h)
	if err != nil {
		return nil, Stats{}, nil, fmt.Errorf("search index: %w", err)
	}
	ix.put(headerName, hb)
	if ix.err != nil {
		return nil, Stats{}, nil, ix.err
	}
	files := ix.files
	if cfg.Emit != nil {
		files = nil
	}
	stats := Stats{Docs: len(ds), Files: h.Stats.Files + 1, Bytes: h.Stats.Bytes + int64(len(hb))}
	for id := range reuse {
		if reuse[id] {
			stats.Reused++
		}
	}
	return files, stats, ix.state(ds, nshards), nil
}

// owner returns the worker, of n, that owns token t.
func owner(t itoken, n int) int {
	if n == 1 {
		return 0
	}
	if t.key != 0 {
		return int((t.key * 0x9E3779B97F4A7C15 >> 40) % uint64(n))
	}
	return int(fnv32(t.word) % uint32(n))
}

// intern returns the number of token t.
func (w *worker) intern(t itoken) int32 {
	var n int32
	var ok bool
	if t.key != 0 {
		c := &w.recent[(t.key*0x9E3779B97F4A7C15)>>50]
		if c.key == t.key {
			return c.n
		}
		n, ok = w.han[t.key]
		if ok {
			c.key, c.n = t.key, n
		}
	} else {
		n, ok = w.words[t.word]
	}
	if ok {
		return n
	}
	n = int32(len(w.toks))
	if t.key != 0 {
		w.han[t.key] = n
	} else {
		w.words[t.word] = n
	}
	w.toks = append(w.toks, itoken{key: t.key, word: t.word})
	w.postings.add()
	return n
}

// postingChunks holds a worker's postings in chunks that never move: a
// posting is 120 bytes with pointers in it, and a slice of them grown by
// appending copied them all at each doubling (a fifth of the time
// Build spent on its lists).
type postingChunks [][]posting

const postingChunk = 1024

// add adds a posting, the next token's.
func (c *postingChunks) add() {
	if k := len(*c); k == 0 || len((*c)[k-1]) == postingChunk {
		*c = append(*c, make([]posting, 0, postingChunk))
	}
	last := &(*c)[len(*c)-1]
	*last = append(*last, posting{})
}

// at is token n's posting.
func (c postingChunks) at(n int32) *posting {
	return &c[n/postingChunk][n%postingChunk]
}

// batchDocs is how many documents' tokens Build holds at once.
const batchDocs = 128

// add adds document id, whose title and text have the tokens toks, to the
// lists of the tokens worker k owns.
func (ix *indexer) add(w *worker, k int, id int32, d *indexDoc, toks []itoken) {
	nw := len(ix.workers)
	// Group the positions by token: a counting sort, stable, so each
	// token's positions stay in the ascending order docTokens gives.
	w.occ, w.seen = w.occ[:0], w.seen[:0]
	for _, t := range toks {
		if owner(t, nw) != k {
			continue
		}
		n := w.intern(t)
		for int(n) >= len(w.at) {
			w.at = append(w.at, 0)
		}
		if w.at[n] == 0 {
			w.seen = append(w.seen, n)
		}
		w.at[n]++
		w.occ = append(w.occ, uint64(n)<<32|uint64(uint32(t.pos)))
	}
	var end int32
	for _, n := range w.seen {
		end += w.at[n]
		w.at[n] = end - w.at[n] // where n's positions start
	}
	w.pos = slices.Grow(w.pos[:0], len(w.occ))[:len(w.occ)]
	for _, o := range w.occ {
		n := o >> 32
		w.pos[w.at[n]] = int32(uint32(o))
		w.at[n]++ // ends where they end
	}
	dl := float64(d.dl)
	partBytes := ix.cfg.PartBytes
	var start int32
	for _, n := range w.seen {
		ps := w.pos[start:w.at[n]]
		start, w.at[n] = w.at[n], 0
		p := w.postings.at(n)
		p.df++
		q := ix.weight(len(ps), dl)
		b := p.docs.start(id, partBytes)
		b = binary.AppendUvarint(b, uint64(q))
		p.docs.end(binary.AppendUvarint(b, uint64(uint32(ps[0]))))
		if len(ps) > 1 {
			b := p.pos.start(id, partBytes)
			b = binary.AppendUvarint(b, uint64(len(ps)-1))
			for k := 1; k < len(ps); k++ {
				b = binary.AppendUvarint(b, uint64(uint32(ps[k])-uint32(ps[k-1])))
			}
			p.pos.end(b)
		}
	}

	add := func(tok string) {
		t := itoken{word: tok}
		if owner(t, nw) == k {
			p := w.postings.at(w.intern(t))
			p.df++
			p.docs.end(append(p.docs.start(id, partBytes), 1, 0))
		}
	}
	for _, tag := range dedup(d.Tags) {
		add(tagToken(tag))
	}
	for _, key := range sortedKeys(d.Facets) {
		for _, v := range dedup(d.Facets[key]) {
			add(facetToken(key, v))
		}
	}
}

// tokRef is a token and its lists.
type tokRef struct {
	text string
	p    *posting
}

// tokens returns the tokens of every worker.
func (ix *indexer) tokens() []tokRef {
	var all []tokRef
	for _, w := range ix.workers {
		for i, t := range w.toks {
			all = append(all, tokRef{t.text(), w.postings.at(int32(i))})
		}
	}
	return all
}

// weight is the quantized BM25 weight of a token that occurs tf times in
// a document of length dl.
func (ix *indexer) weight(tf int, dl float64) int {
	t := float64(tf)
	wt := t * (k1 + 1) / (t + k1*(1-bm25b+bm25b*dl/ix.avgdl))
	return min(max(1+int(wt/(k1+1)*(maxWeight-1)+0.5), 1), maxWeight)
}

// writeShards writes the posting shards and the parts of long lists, and
// returns the number of shards: as many as make the inline data about
// Config.ShardBytes each.
func (ix *indexer) writeShards(all []tokRef) int {
	cfg := ix.cfg

	inline := func(l *list) bool { return len(l.done) == 0 && len(l.b) <= cfg.InlineBytes }
	// size is about what a token takes in its shard. (It sets how many
	// shards there are: a change to it changes the index.)
	size := func(t tokRef) int {
		n := len(t.text) + 8
		for _, l := range []*list{&t.p.docs, &t.p.pos} {
			if inline(l) {
				n += l.size()
			} else {
				n += 3 * (len(l.done) + 1)
			}
		}
		return n
	}
	var inlineBytes int
	for _, t := range all {
		inlineBytes += size(t)
	}
	nshards := max(1, (inlineBytes+cfg.ShardBytes-1)/cfg.ShardBytes)
	shards := make([][]tokRef, nshards)
	shardBytes := make([]int, nshards)
	for _, t := range all {
		n := fnv32(shardKey(t.text)) % uint32(nshards)
		shards[n] = append(shards[n], t)
		shardBytes[n] += size(t)
	}
	nfile := 0
	writeList := func(b []byte, l *list) []byte {
		if inline(l) {
			if l.b == nil {
				return binary.AppendUvarint(b, 0)
			}
			// Gaps in an inline list count from document 0: the first
			// entry's gap, 0 from its part's first, becomes that
			// document.
			first := uint64(l.first)
			b = binary.AppendUvarint(b, uint64(uvarintLen(first)+len(l.b)-1)<<1)
			b = binary.AppendUvarint(b, first)
			return append(b, l.b[1:]...)
		}
		parts := l.parts()
		b = binary.AppendUvarint(b, uint64(len(parts))<<1|1)
		b = binary.AppendUvarint(b, uint64(nfile))
		prev := int32(0)
		for _, p := range parts {
			b = binary.AppendUvarint(b, uint64(p.first-prev))
			prev = p.first
			ix.put(partName(nfile), p.b)
			nfile++
		}
		return b
	}
	for i, ts := range shards {
		slices.SortFunc(ts, func(a, b tokRef) int { return strings.Compare(a.text, b.text) })
		b := binary.AppendUvarint(make([]byte, 0, shardBytes[i]+shardBytes[i]/8+binary.MaxVarintLen32), uint64(len(ts)))
		for _, t := range ts {
			p := t.p
			b = binary.AppendUvarint(b, uint64(len(t.text)))
			b = append(b, t.text...)
			b = binary.AppendUvarint(b, uint64(p.df))
			df := float64(p.df)
			idf := math.Log(1 + (ix.ndocs-df+0.5)/(df+0.5))
			b = binary.AppendUvarint(b, uint64(math.Round(idf*idfScale)))
			b = writeList(b, &p.docs)
			b = writeList(b, &p.pos)
		}
		ix.put(shardName(i), b)
	}
	return nshards
}

// uvarintLen is the length of x as binary.AppendUvarint writes it.
func uvarintLen(x uint64) int {
	n := 1
	for ; x >= 0x80; x >>= 7 {
		n++
	}
	return n
}

const headerName = "search/index.json"

func shardName(n int) string { return "search/p/" + strconv.FormatInt(int64(n), 36) + ".bin" }
func partName(n int) string  { return "search/x/" + strconv.FormatInt(int64(n), 36) + ".bin" }
func chunkName(n int) string { return "search/d/" + strconv.FormatInt(int64(n), 36) + ".json" }

// textName names segment k of the text of the document whose textKey is
// key.
func textName(key string, k int) string {
	return "search/t/" + key + "." + strconv.Itoa(k) + ".txt"
}

// textKey is the part of the names of a document's text segments that is
// its own: its place (placeOf), not its number, so that a document keeps
// its segments when documents added, removed or redated before it number
// it anew. Places are unique, as URLs are (two alike would be a collision
// of SHA-256). The document's entry in its chunk carries the key for the
// readers.
func textKey(place [16]byte) string { return hex.EncodeToString(place[:]) }

// validTextKey reports whether key is as textKey makes it.
func validTextKey(key string) bool {
	b, err := hex.DecodeString(key)
	return err == nil && len(b) == 16 && hex.EncodeToString(b) == key
}
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// number checks the documents and numbers them oldest first: the order
// newest first (undated last, then by URL), reversed.
func number(docs []Doc) ([]indexDoc, error) {
	var errs []error
	ds := make([]indexDoc, len(docs))
	urls := map[string]bool{}
	for i, d := range docs {
		switch {
		case !strings.HasPrefix(d.URL, "/"):
			errs = append(errs, fmt.Errorf("search index: document %q: url must start with /", d.URL))
		case urls[d.URL]:
			errs = append(errs, fmt.Errorf("search index: document %q: url indexed twice", d.URL))
		case !validDate(d.Date):
			errs = append(errs, fmt.Errorf("search index: document %s: date %q: want YYYY-MM-DD, YYYY-MM, YYYY or none", d.URL, d.Date))
		}
		urls[d.URL] = true
		ds[i].Doc = d
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.SortFunc(ds, func(a, b indexDoc) int {
		if (a.Date == "") != (b.Date == "") {
			if a.Date == "" {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(a.Date, b.Date); c != 0 {
			return c
		}
		return cmp.Compare(b.URL, a.URL)
	})
	return ds, nil
}

// prepare scans the documents' text and cuts it into segments, but those
// whose entries are reused (skip). emit, when not nil, is called with each
// document once it is prepared; when it returns false, prepare stops.
func prepare(ds []indexDoc, skip []bool, segBytes int, emit func(d *indexDoc) bool) {
	// Each document is cleaned and measured on its own: on every core.
	nw := max(1, min(runtime.GOMAXPROCS(0), 8))
	var wg sync.WaitGroup
	for k := range nw {
		wg.Go(func() {
			var us []unit
			for i := k; i < len(ds); i += nw {
				d := &ds[i]
				if skip != nil && skip[i] {
					continue
				}
				if emit != nil && d.Units > 0 {
					d.dl, d.late = d.Units, true
					continue
				}
				if emit != nil {
					us = d.prepare(us, segBytes)
					if !emit(d) {
						return
					}
					continue
				}
				if p := d.Prep; p != nil && p.done && p.title == d.Title && p.seg == segBytes {
					d.text, d.dl, d.segs = p.text, p.dl, p.segs
					d.Text, d.TextFrom = "", nil
					continue
				}
				us = d.prepare(us, segBytes)
				d.Text, d.TextFrom = "", nil // the cleaned copy is what is kept
				if d.Prep != nil {
					*d.Prep = Prep{title: d.Title, seg: segBytes, text: d.text, dl: d.dl, segs: d.segs, done: true}
				}
			}
		})
	}
	wg.Wait()
}

// prepare measures the document and cuts its text into segments; us is
// scratch space, returned for reuse.
func (d *indexDoc) prepare(us []unit, segBytes int) []unit {
	us, _ = scan(us[:0], d.Title, 0)
	d.dl = min(len(us), maxTitleUnits)
	d.text = d.textAgain()
	us, _ = scan(us[:0], d.text, titleSpan)
	d.dl += len(us)
	if d.text != "" {
		d.segs = segments(d.text, us, segBytes)
	}
	return us
}

// Measure is the length Build gives a document of this title and text,
// in units (see Text), for Doc.Units.
func Measure(title, text string) int {
	// Cleaning does not change how text scans, and counting the units
	// needs none of them kept.
	return min(countUnits(title), maxTitleUnits) + countUnits(text)
}

// textAgain is the document's text, cleaned.
func (d *indexDoc) textAgain() string {
	raw := d.Text
	if raw == "" && d.TextFrom != nil {
		raw = d.TextFrom()
	}
	return clean(raw)
}

func validDate(s string) bool {
	if s == "" {
		return true
	}
	for i := 0; i < len(s); i++ {
		if i == 4 || i == 7 {
			if s[i] != '-' {
				return false
			}
		} else if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) == 4 || len(s) == 7 || len(s) == 10
}

// year returns the year of a valid date, or 0 if it is undated.
func year(date string) int {
	if date == "" {
		return 0
	}
	y, _ := strconv.Atoi(date[:4])
	return y
}

// clean drops invisible format characters from text and shortens each run
// of whitespace to a newline if it has one, else a space. Cleaning does
// not change how text scans.
func clean(s string) string {
	// Most text, such as TextFromHTML's, is clean already. s[:i] is
	// as cleaning leaves it, and ends with a character kept.
	i := 0
scan:
	for j := 0; j < len(s); {
		if c := s[j]; c < utf8.RuneSelf {
			switch c {
			case '\t', '\v', '\f', '\r':
				break scan
			case ' ', '\n':
				// One space or newline between kept characters is kept.
				if j != i || i == 0 {
					break scan
				}
				j++
				continue
			}
			j++
			i = j
			continue
		}
		if c := s[j]; 0xE4 <= c && c <= 0xEC && j+2 < len(s) && s[j+1]&0xC0 == 0x80 && s[j+2]&0xC0 == 0x80 {
			// U+4000 to U+CFFF, Han and Hangul: neither space nor ignored.
			j += 3
			i = j
			continue
		}
		r, n := utf8.DecodeRuneInString(s[j:])
		switch {
		case 0x3001 <= r && r < 0xFE00: // CJK: neither space nor ignored
		case r == utf8.RuneError && n == 1, unicode.IsSpace(r), class(fold(r)) == ignored:
			break scan
		}
		j += n
		i = j
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	space := -1 // -1: not in a run; 0: a run without newline; 1: with
	for _, r := range s[i:] {
		if unicode.IsSpace(r) {
			if space < 0 {
				space = 0
			}
			if r == '\n' {
				space = 1
			}
			continue
		}
		if class(fold(r)) == ignored {
			continue
		}
		if space >= 0 {
			if b.Len() > 0 {
				b.WriteByte(" \n"[space])
			}
			space = -1
		}
		b.WriteRune(r)
	}
	return b.String()
}

type segment struct {
	pos  int32 // position of its first unit
	text string
}

// segments cuts a document's cleaned text into segments of about size
// bytes, each starting at a unit, preferably one that starts a line, and
// running overlapRunes characters into the next.
func segments(text string, us []unit, size int) []segment {
	var segs []segment
	start, startPos := 0, int32(titleSpan)
	line := -1 // index of the last unit since start that begins a line
	cut := func(end int) {
		e := end
		for n := 0; n < overlapRunes && e < len(text); n++ {
			_, w := utf8.DecodeRuneInString(text[e:])
			e += w
		}
		segs = append(segs, segment{pos: startPos, text: text[start:e]})
	}
	for i, u := range us {
		if u.off > start && u.off-start > size {
			c := i
			if line >= 0 && us[line].off-start > size/2 {
				c = line
			}
			cut(us[c].off)
			start, startPos, line = us[c].off, us[c].pos, -1
			for j := c + 1; j <= i; j++ {
				if us[j].off > 0 && text[us[j].off-1] == '\n' {
					line = j
				}
			}
			continue
		}
		if u.off > start && text[u.off-1] == '\n' {
			line = i
		}
	}
	cut(len(text))
	return segs
}

// filterCounts lists the tags, facet values and years with their numbers
// of documents, most documents first.
func filterCounts(ds []indexDoc) filters {
	count := func(m map[string]int) []filterValue {
		vs := make([]filterValue, 0, len(m))
		for v, n := range m {
			vs = append(vs, filterValue{v, n})
		}
		slices.SortFunc(vs, func(a, b filterValue) int {
			if c := cmp.Compare(b.Count, a.Count); c != 0 {
				return c
			}
			return cmp.Compare(a.Value, b.Value)
		})
		if len(vs) > maxFilterVals {
			vs = vs[:maxFilterVals]
		}
		return vs
	}
	tags := map[string]int{}
	facets := map[string]map[string]int{}
	years := map[int]int{}
	for _, d := range ds {
		for _, t := range dedup(d.Tags) {
			tags[t]++
		}
		for k, vs := range d.Facets {
			if facets[k] == nil {
				facets[k] = map[string]int{}
			}
			for _, v := range dedup(vs) {
				facets[k][v]++
			}
		}
		if y := year(d.Date); y != 0 {
			years[y]++
		}
	}
	f := filters{Tags: count(tags), Facets: map[string][]filterValue{}, Years: [][2]int{}}
	for k, m := range facets {
		f.Facets[k] = count(m)
	}
	for y, n := range years {
		f.Years = append(f.Years, [2]int{y, n})
	}
	slices.SortFunc(f.Years, func(a, b [2]int) int { return cmp.Compare(b[0], a[0]) })
	return f
}

func dedup(vs []string) []string {
	vs = slices.Clone(vs)
	slices.Sort(vs)
	return slices.Compact(vs)
}
