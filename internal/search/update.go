package search

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"runtime"
	"slices"
	"sync"
)

// Updating an index
//
// A document's entries in the lists are a function of its number, its
// title, text, tags and facets, and of two totals: the number of documents
// (in every token's idf, written with its list) and their average length
// (in every weight). Update takes from the prior index's lists the entries
// of each document the prior index has with the same place (placeOf: its
// URL and date) and key (keyOf), under the number it has now, with their
// weights worked out again for the new average length: the token's count
// in a document is in the position list, its length in State. Both
// indexes number documents in one order, by date and URL, so the documents
// reused keep their order whatever was added, removed or redated among
// them, and their entries are merged in order with those made now. Only
// the documents added or changed are read and tokenized. A document's text
// segments are named by its place, not its number, so a document reused
// keeps them where they are, however it is numbered now. The lists are
// then cut into parts and shards as Build cuts them, so the files are
// Build's.

// Prior is the index an Update made last: its State, and its files.
type Prior struct {
	State *State
	// Read returns a file of that index as it was made, or an error
	// when it cannot (then what needs it is made again). It is called
	// from several goroutines at once.
	Read func(name string) ([]byte, error)
	// Keep, when not nil, keeps a text segment of that index where it
	// is, for the new index, in place of emitting it again; false: it is
	// read and emitted. It is called from several goroutines at once.
	Keep func(name string) (bool, error)
}

// State is what Update needs of an index to make the next one from it:
// per document, its key, where it is numbered, its length and where its
// text segments start: about fifty bytes a document.
type State struct {
	sizes  [5]int // Config's sizes
	shards int
	docs   []docState // by number
}

type docState struct {
	key    [32]byte // keyOf: all the document's entries are made of
	place  [16]byte // placeOf: what numbers it
	dl     int32
	starts []int32 // where its text segments start; nil: no text
	tbytes int64   // the size of its text segments
}

// keyOf digests everything a document's entries, text segments and chunk
// entry are made of. It is zero, never matched, when the text is unknown.
func keyOf(d *Doc) [32]byte {
	if d.TextKey == ([32]byte{}) {
		return [32]byte{}
	}
	h := sha256.New()
	var b []byte
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	str(d.URL)
	str(d.Title)
	str(d.Date)
	b = binary.AppendUvarint(b, uint64(len(d.Tags)))
	for _, t := range d.Tags {
		str(t)
	}
	keys := sortedKeys(d.Facets)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		str(k)
		b = binary.AppendUvarint(b, uint64(len(d.Facets[k])))
		for _, v := range d.Facets[k] {
			str(v)
		}
	}
	b = append(b, d.TextKey[:]...)
	h.Write(b)
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// placeOf digests what a document is numbered by.
func placeOf(d *Doc) [16]byte {
	s := sha256.Sum256([]byte(d.URL + "\x00" + d.Date))
	return [16]byte(s[:16])
}

func sizesOf(c Config) [5]int {
	return [5]int{c.ShardBytes, c.InlineBytes, c.PartBytes, c.SegmentBytes, c.ChunkDocs}
}

// digest sets every document's key and place, on every core.
func digest(ds []indexDoc) {
	nw := max(1, min(runtime.GOMAXPROCS(0), 8))
	var wg sync.WaitGroup
	for k := range nw {
		wg.Go(func() {
			for id := k; id < len(ds); id += nw {
				d := &ds[id]
				d.key, d.place = keyOf(&d.Doc), placeOf(&d.Doc)
			}
		})
	}
	wg.Wait()
}

// state returns the State of the index just made of ds.
func (ix *indexer) state(ds []indexDoc, shards int) *State {
	st := &State{sizes: sizesOf(ix.cfg), shards: shards, docs: make([]docState, len(ds))}
	for id := range ds {
		d := &ds[id]
		st.docs[id] = docState{key: d.key, place: d.place, dl: int32(d.dl), starts: d.starts, tbytes: d.tbytes}
	}
	return st
}

// reusable returns, by document number, whether a document's entries come
// from the prior index; by the prior index's numbers, the number each
// reused document has now (-1: none); and that index's lists; nil when
// none do. A document is reused when the prior index has one of the same
// place (placeOf: its URL and date) and key: since both are numbered in
// the same order, by date and URL, the reused documents keep their order,
// whatever was added, removed or redated between them. The documents
// reused are prepared here: their length and segments are the prior's,
// and their segments kept.
func (ix *indexer) reusable(ds []indexDoc, prior Prior) ([]bool, []int32, *oldIndex) {
	st := prior.State
	if st == nil || prior.Read == nil || st.sizes != sizesOf(ix.cfg) {
		return nil, nil, nil
	}
	was := make(map[[16]byte]int32, len(st.docs))
	for id := range st.docs {
		was[st.docs[id].place] = int32(id)
	}
	if len(was) != len(st.docs) {
		return nil, nil, nil // two documents in one place: not as Update writes it
	}
	reuse := make([]bool, len(ds))
	oldOf := make([]int32, len(ds))
	newOf := make([]int32, len(st.docs))
	for i := range newOf {
		newOf[i] = -1
	}
	n, last := 0, int32(-1)
	for id := range ds {
		d := &ds[id]
		o, ok := was[d.place]
		if !ok || d.key == ([32]byte{}) || d.key != st.docs[o].key {
			continue
		}
		if o <= last {
			return nil, nil, nil // out of order: not numbered as Update numbers
		}
		reuse[id], oldOf[id], newOf[o], last = true, o, int32(id), o
		n++
	}
	if n == 0 {
		return nil, nil, nil
	}
	old, err := readOld(prior, st.shards)
	if err != nil {
		return nil, nil, nil
	}
	nw := max(1, min(runtime.GOMAXPROCS(0), 8))
	var wg sync.WaitGroup
	for k := range nw {
		wg.Go(func() {
			for id := k; id < len(ds); id += nw {
				if !reuse[id] {
					continue
				}
				o := oldOf[id]
				s := &st.docs[o]
				if s.starts != nil && !ix.keepText(prior, s) {
					reuse[id], newOf[o] = false, -1
					continue
				}
				d := &ds[id]
				d.dl, d.starts, d.tbytes, d.emitted = int(s.dl), s.starts, s.tbytes, true
				d.Text, d.TextFrom = "", nil
			}
		})
	}
	wg.Wait()
	return reuse, newOf, old
}

// keepText keeps the text segments of a document of the prior index for
// the new one: where they are, or read and emitted again where they cannot
// be kept. It reports false when one can be neither.
func (ix *indexer) keepText(prior Prior, s *docState) bool {
	type copied struct {
		name string
		data []byte
	}
	var cs []copied
	kept, bytes, key := 0, s.tbytes, textKey(s.place)
	for k := range len(s.starts) + 1 {
		name := textName(key, k)
		if prior.Keep != nil {
			if ok, err := prior.Keep(name); err == nil && ok {
				kept++
				continue
			}
		}
		data, err := prior.Read(name)
		if err != nil {
			return false
		}
		cs = append(cs, copied{name, data})
		bytes -= int64(len(data))
	}
	for _, c := range cs {
		ix.put(c.name, c.data)
	}
	ix.mu.Lock()
	ix.nfiles += kept
	ix.nbytes += bytes
	ix.mu.Unlock()
	return true
}

// oldIndex is the prior index's lists.
type oldIndex struct {
	toks  []oldToken
	texts map[string]bool
	read  func(name string) ([]byte, error) // Prior.Read, for the parts of lists
}

type oldToken struct {
	text      string
	docs, pos listRef
}

var errBadIndex = errors.New("search index: a file of the prior index is not as Update writes it")

// readOld reads the prior index's shards; the parts of its lists are read
// as they are merged.
func readOld(prior Prior, shards int) (*oldIndex, error) {
	// Each shard begins with how many tokens it holds: they are counted
	// first, so that the tokens are not copied as they grow.
	bs := make([][]byte, shards)
	count := 0
	for n := range shards {
		b, err := prior.Read(shardName(n))
		if err != nil {
			return nil, err
		}
		v := &varints{b: b}
		c := v.next()
		if v.err || c > len(v.b) { // a token takes a few bytes
			return nil, errBadIndex
		}
		count += c
		bs[n] = b
	}
	old := &oldIndex{toks: make([]oldToken, 0, count), texts: make(map[string]bool, count), read: prior.Read}
	for _, b := range bs {
		v := &varints{b: b}
		for range v.next() {
			t := oldToken{text: string(v.bytes(v.next()))}
			v.next() // df
			v.next() // idf
			t.docs, t.pos = v.list(), v.list()
			if v.err || old.texts[t.text] {
				return nil, errBadIndex
			}
			old.texts[t.text] = true
			for _, l := range []listRef{t.docs, t.pos} {
				if l.firsts != nil && (l.file < 0 || l.file > 1<<30) {
					return nil, errBadIndex
				}
			}
			old.toks = append(old.toks, t)
		}
		if v.err || len(v.b) > 0 {
			return nil, errBadIndex
		}
	}
	return old, nil
}

// entries reads the entries of a list in document order, from its parts:
// each part's first entry counts its gap from the part's first document
// (an inline list's, from 0).
type entries struct {
	parts []listPart
	i     int
	r     varints
	cur   int32
	id    int32 // the current entry's document; -1 at the end
}

func newEntries(parts []listPart) *entries { return &entries{parts: parts} }

// next moves to the next entry, setting id, and reports whether there is one.
func (e *entries) next() bool {
	for len(e.r.b) == 0 {
		if e.i == len(e.parts) || e.r.err {
			e.id = -1
			return false
		}
		e.r.b, e.cur = e.parts[e.i].b, e.parts[e.i].first
		e.i++
	}
	e.cur += int32(e.r.next())
	e.id = e.cur
	return !e.r.err
}

// rest returns the rest of a position entry: the count of further
// occurrences and their gaps, as they are written.
func (e *entries) rest() (int, []byte) {
	start := e.r.b
	n := e.r.next()
	for range n {
		e.r.next()
	}
	return n, start[:len(start)-len(e.r.b)]
}

// listParts returns the parts of a list of the prior index, reading the
// files of a long one: each is read when its token is merged, and let go
// after, so the prior lists are never held whole.
func (old *oldIndex) listParts(l listRef) ([]listPart, error) {
	if l.firsts == nil {
		if len(l.inline) == 0 {
			return nil, nil
		}
		return []listPart{{0, l.inline}}, nil
	}
	ps := make([]listPart, len(l.firsts))
	for i, f := range l.firsts {
		b, err := old.read(partName(l.file + i))
		if err != nil {
			return nil, err
		}
		ps[i] = listPart{f, b}
	}
	return ps, nil
}

// merge returns the lists of every token: the prior index's entries of
// the documents reused, their weights worked out again, with the entries
// made now of the others (fresh).
func (ix *indexer) merge(old *oldIndex, fresh []tokRef, newOf []int32, ds []indexDoc) ([]tokRef, error) {
	byText := make(map[string]*posting, len(fresh))
	for _, t := range fresh {
		if byText[t.text] != nil {
			return nil, errBadIndex
		}
		byText[t.text] = t.p
	}
	merged := make([]posting, len(old.toks))
	nw := max(1, min(runtime.GOMAXPROCS(0), 8))
	bad := make([]bool, nw)
	var wg sync.WaitGroup
	for k := range nw {
		wg.Go(func() {
			for i := k; i < len(old.toks); i += nw {
				t := &old.toks[i]
				var ok bool
				merged[i], ok = ix.mergeToken(old, t, byText[t.text], newOf, ds)
				bad[k] = bad[k] || !ok
			}
		})
	}
	wg.Wait()
	if slices.Contains(bad, true) {
		return nil, errBadIndex
	}
	all := make([]tokRef, 0, len(old.toks)+len(fresh))
	for i := range old.toks {
		if merged[i].df > 0 {
			all = append(all, tokRef{old.toks[i].text, &merged[i]})
		}
	}
	for _, t := range fresh {
		if !old.texts[t.text] {
			all = append(all, t)
		}
	}
	return all, nil
}

// mergeToken merges the lists of one token, reporting false when the
// prior's are not as written.
func (ix *indexer) mergeToken(old *oldIndex, t *oldToken, fresh *posting, newOf []int32, ds []indexDoc) (posting, bool) {
	filter := t.text != "" && (t.text[0] == '\x01' || t.text[0] == '\x02')
	dp, err := old.listParts(t.docs)
	if err != nil {
		return posting{}, false
	}
	pp, err := old.listParts(t.pos)
	if err != nil {
		return posting{}, false
	}
	od, op := newEntries(dp), newEntries(pp)
	nd, np := newEntries(nil), newEntries(nil)
	if fresh != nil {
		nd, np = newEntries(fresh.docs.parts()), newEntries(fresh.pos.parts())
	}
	od.next()
	op.next()
	nd.next()
	np.next()
	partBytes := ix.cfg.PartBytes
	// The merged lists are about as long as the prior ones and the fresh
	// entries together (less the entries made again).
	docsSize, posSize := partsSize(dp), partsSize(pp)
	if fresh != nil {
		docsSize += fresh.docs.size()
		posSize += fresh.pos.size()
	}
	// now is the number a prior entry's document has now, -1 when its
	// entries are not reused: the numbers of those reused rise with the
	// prior's (reusable), so the entries stay in order.
	now := func(was int32) int32 {
		if int(was) >= len(newOf) {
			return -1
		}
		return newOf[was]
	}
	var p posting
	for od.id >= 0 || nd.id >= 0 {
		var q, first uint64
		var more []byte
		var id int32
		if nd.id < 0 || od.id >= 0 && now(od.id) < nd.id {
			was := od.id
			q, first = uint64(od.r.next()), uint64(od.r.next())
			tf := 1
			if op.id == was {
				n, b := op.rest()
				tf += n
				more = b
				op.next()
			}
			od.next()
			if id = now(was); id < 0 {
				continue // made again, in fresh, or gone
			}
			if !filter {
				q = uint64(ix.weight(tf, float64(ds[id].dl)))
			}
		} else {
			id = nd.id
			q, first = uint64(nd.r.next()), uint64(nd.r.next())
			if np.id == id {
				_, more = np.rest()
				np.next()
			}
			nd.next()
		}
		b := p.docs.startSized(id, partBytes, docsSize)
		b = binary.AppendUvarint(b, q)
		p.docs.end(binary.AppendUvarint(b, first))
		if more != nil {
			p.pos.end(append(p.pos.startSized(id, partBytes, posSize), more...))
		}
		p.df++
	}
	ok := !od.r.err && !op.r.err && op.id < 0 && !nd.r.err && !np.r.err && np.id < 0
	return p, ok
}

// stateVersion 3: text segments named by place. A State of version 2
// (segments named by number) or 1 (documents numbered newest first) is
// not read.
const stateVersion = 3

// MarshalBinary encodes the state, for a build cache.
func (s *State) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 16+len(s.docs)*56)
	b = append(b, stateVersion)
	for _, v := range s.sizes {
		b = binary.AppendUvarint(b, uint64(v))
	}
	b = binary.AppendUvarint(b, uint64(s.shards))
	b = binary.AppendUvarint(b, uint64(len(s.docs)))
	for _, d := range s.docs {
		b = append(b, d.key[:]...)
		b = append(b, d.place[:]...)
		b = binary.AppendUvarint(b, uint64(d.dl))
		if d.starts == nil {
			b = binary.AppendUvarint(b, 0)
		} else {
			b = binary.AppendUvarint(b, uint64(len(d.starts))+1)
			for _, p := range d.starts {
				b = binary.AppendUvarint(b, uint64(p))
			}
		}
		b = binary.AppendUvarint(b, uint64(d.tbytes))
	}
	return b, nil
}

// UnmarshalBinary decodes a state MarshalBinary encoded.
func (s *State) UnmarshalBinary(b []byte) error {
	bad := errors.New("search index state: not as written")
	if len(b) == 0 || b[0] != stateVersion {
		return bad
	}
	v := &varints{b: b[1:]}
	var st State
	for i := range st.sizes {
		st.sizes[i] = v.next()
	}
	st.shards = v.next()
	n := v.next()
	if v.err || n > len(v.b)/34 {
		return bad
	}
	st.docs = make([]docState, n)
	for i := range st.docs {
		d := &st.docs[i]
		if len(v.b) < 48 {
			return bad
		}
		d.key = [32]byte(v.bytes(32))
		d.place = [16]byte(v.bytes(16))
		d.dl = int32(v.next())
		if k := v.next(); k > 0 {
			if k-1 > len(v.b) {
				return bad
			}
			d.starts = make([]int32, k-1)
			for j := range d.starts {
				d.starts[j] = int32(v.next())
			}
		}
		d.tbytes = int64(v.next())
		if v.err {
			return bad
		}
	}
	if v.err || len(v.b) > 0 {
		return bad
	}
	*s = st
	return nil
}
