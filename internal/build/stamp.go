package build

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/folio-ssg/folio/internal/render"
	"github.com/folio-ssg/folio/internal/site"
)

// pageStamp is a digest of everything a page was rendered from: its
// templates, the site configuration, the page itself (kind, path, title,
// pager, the objects it is the page of and the documents it lists) and
// the value of every key its templates read while rendering it (see
// render.Deps). When the stamp a page's recorded keys give in a new build
// equals the one it was rendered with, rendering it again would give the
// same bytes, and an incremental build keeps it.
type pageStamp [32]byte

// A stamp is kept in the build cache as a digest is (see digest).
func (s pageStamp) GobEncode() ([]byte, error) { return digest(s).GobEncode() }
func (s *pageStamp) GobDecode(b []byte) error  { return (*digest)(s).GobDecode(b) }

// pageRec is what the output remembers of a rendered page: its stamp and
// the keys its templates read, as numbers of the Builder's keyTable.
type pageRec struct {
	Stamp pageStamp
	Deps  []uint32
}

// keyTable numbers the keys pages read, so each page keeps a short list
// of numbers and every key is held once. Numbers are never reused: a
// table only grows while a Builder lives, and the build cache keeps it
// with the pages whose lists use it.
type keyTable struct {
	mu   sync.Mutex
	ids  map[string]uint32
	keys []string
	// Once indexDocs was called (for folio serve's previews, which look
	// up the pages that read an edited document): docOf is, for every
	// key, the number of the document it is of (its object or one of its
	// steps, render.KeyDoc), or -1; docNum numbers documents by source
	// path.
	docOf  []int32
	docNum map[string]int32
}

// newKeyTable is the table of keys, numbered in order. Their map is made
// when the first page is numbered: a build that renders no page (an
// unchanged one) needs only the list, and at 100,000 documents the map
// of 1.2 million keys took 0.3 s of CPU to make (and an unchanged
// build's peak resident set is about 80 MB lower without it).
func newKeyTable(keys []string) *keyTable {
	return &keyTable{keys: keys}
}

// number gives deps their numbers, adding the keys the table lacks.
func (t *keyTable) number(deps render.Deps) []uint32 {
	out := make([]uint32, len(deps))
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ids == nil {
		t.ids = make(map[string]uint32, len(t.keys))
		for i, k := range t.keys {
			t.ids[k] = uint32(i)
		}
	}
	for i, k := range deps {
		id, ok := t.ids[k]
		if !ok {
			id = uint32(len(t.keys))
			t.keys = append(t.keys, k)
			t.ids[k] = id
			if t.docNum != nil {
				t.indexDoc(id)
			}
		}
		out[i] = id
	}
	return out
}

// readers returns, for every document read by a page of pages, by
// source path, the page files that read it.
func (t *keyTable) readers(pages map[string]pageRec) map[string][]string {
	t.mu.Lock()
	t.indexDocs()
	docOf, docs := t.docOf, make([]string, len(t.docNum))
	for src, n := range t.docNum {
		docs[n] = src
	}
	t.mu.Unlock()
	byDoc := make([][]string, len(docs))
	seen := make([]int, len(docs)) // the page a document was last listed for, plus 1
	i := 0
	for name, rec := range pages {
		i++
		for _, id := range rec.Deps {
			if int(id) >= len(docOf) || docOf[id] < 0 || seen[docOf[id]] == i {
				continue
			}
			n := docOf[id]
			seen[n] = i
			byDoc[n] = append(byDoc[n], name)
		}
	}
	r := make(map[string][]string, len(docs))
	for n, names := range byDoc {
		if names != nil {
			r[docs[n]] = names
		}
	}
	return r
}

// indexDocs makes t.docOf and t.docNum, if they are not made; t.mu is
// held.
func (t *keyTable) indexDocs() {
	if t.docNum == nil {
		t.docNum = map[string]int32{}
		t.docOf = make([]int32, 0, len(t.keys))
		for id := range t.keys {
			t.indexDoc(uint32(id))
		}
	}
}

// indexDoc adds key id, the next, to docOf; t.mu is held.
func (t *keyTable) indexDoc(id uint32) {
	n := int32(-1)
	if k := t.keys[id]; len(k) > 0 && k[0] == 'd' {
		if src, ok := render.KeyDoc(k); ok {
			var seen bool
			if n, seen = t.docNum[src]; !seen {
				n = int32(len(t.docNum))
				t.docNum[src] = n
			}
		}
	}
	t.docOf = append(t.docOf, n)
}

// known says whether every number of ids is in the table (a record from
// another table has numbers it lacks).
func (t *keyTable) known(ids []uint32) bool {
	t.mu.Lock()
	n := len(t.keys)
	t.mu.Unlock()
	for _, id := range ids {
		if int(id) >= n {
			return false
		}
	}
	return true
}

// key is the key numbered id, which the table holds.
func (t *keyTable) key(id uint32) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.keys[id]
}

// snapshot is the table as it stands, for the build cache.
func (t *keyTable) snapshot() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.keys[:len(t.keys):len(t.keys)]
}

// keyValues gives the keys of a keyTable their values in one site, each
// worked out once: every page's stamp is checked on every build, and
// most keys are read by many pages.
type keyValues struct {
	table *keyTable
	vals  *render.Values
	keys  []string // the table's keys when the build began
	slots []valueSlot
	// The slots of keys numbered during this build (all of a cold
	// build's), slotChunk at a time from number len(slots).
	mu    sync.Mutex
	added atomic.Pointer[[]*[slotChunk]valueSlot]

	configOnce sync.Once
	config     []byte // configFields of the build's site

	// few, when not nil, holds the values instead of slots: for the few
	// pages of a preview, which need not pay for a slot per key.
	few map[uint32][32]byte
}

const slotChunk = 4096

type valueSlot struct {
	once sync.Once
	v    [32]byte
}

func newKeyValues(t *keyTable, vals *render.Values) *keyValues {
	keys := t.snapshot()
	return &keyValues{table: t, vals: vals, keys: keys, slots: make([]valueSlot, len(keys))}
}

// newFewKeyValues is a keyValues for a few pages.
func newFewKeyValues(t *keyTable, vals *render.Values) *keyValues {
	return &keyValues{table: t, vals: vals, few: map[uint32][32]byte{}}
}

// configFields is the rest of the first line of a page's stamp after the
// templates' digest: the site's configuration.
func configFields(s *site.Site) []byte {
	c := s.Config
	loc := ""
	if c.Location != nil {
		loc = c.Location.String()
	}
	var b []byte
	for _, f := range []string{c.Title, c.BaseURL, c.Language, strconv.Itoa(c.PageSize), c.Permalink, strconv.FormatBool(c.RelativeURLs), strconv.FormatBool(c.Search), fmt.Sprint(c.Facets), loc} {
		b = append(append(b, f...), 0)
	}
	return append(b, '\n')
}

// value is the value of the key numbered id.
func (kv *keyValues) value(id uint32) [32]byte {
	if kv.few != nil {
		kv.mu.Lock()
		v, ok := kv.few[id]
		kv.mu.Unlock()
		if !ok {
			v = kv.vals.Digest(kv.table.key(id))
			kv.mu.Lock()
			kv.few[id] = v
			kv.mu.Unlock()
		}
		return v
	}
	if int(id) < len(kv.slots) {
		sl := &kv.slots[id]
		sl.once.Do(func() { sl.v = kv.vals.Digest(kv.keys[id]) })
		return sl.v
	}
	sl := kv.addedSlot(int(id) - len(kv.slots))
	sl.once.Do(func() { sl.v = kv.vals.Digest(kv.table.key(id)) })
	return sl.v
}

// addedSlot is slot i of the keys numbered during this build.
func (kv *keyValues) addedSlot(i int) *valueSlot {
	if cs := kv.added.Load(); cs != nil && i/slotChunk < len(*cs) {
		return &(*cs)[i/slotChunk][i%slotChunk]
	}
	kv.mu.Lock()
	defer kv.mu.Unlock()
	var cs []*[slotChunk]valueSlot
	if p := kv.added.Load(); p != nil {
		cs = *p
	}
	if i/slotChunk >= len(cs) {
		// A new slice, so that a reader of the old one sees it whole.
		cs = append(cs[:len(cs):len(cs)], make([]*[slotChunk]valueSlot, i/slotChunk+1-len(cs))...)
		for k := range cs {
			if cs[k] == nil {
				cs[k] = new([slotChunk]valueSlot)
			}
		}
		kv.added.Store(&cs)
	}
	return &cs[i/slotChunk][i%slotChunk]
}

// stampPage is the stamp of page p rendered by templates with digest
// tmpl, having read the keys numbered deps, whose values kv gives.
func stampPage(s *site.Site, p *site.Page, tmpl [32]byte, deps []uint32, kv *keyValues) pageStamp {
	h := sha256.New()
	buf := make([]byte, 0, 256)
	// Each line is its fields, each ended by a 0 byte, and a newline.
	field := func(a any) {
		switch a := a.(type) {
		case string:
			buf = append(buf, a...)
		case int:
			buf = strconv.AppendInt(buf, int64(a), 10)
		case bool:
			buf = strconv.AppendBool(buf, a)
		default:
			buf = fmt.Append(buf, a)
		}
		buf = append(buf, 0)
	}
	w := func(args ...any) {
		buf = buf[:0]
		for _, a := range args {
			field(a)
		}
		buf = append(buf, '\n')
		h.Write(buf)
	}
	// The site's configuration, the same for every page, is made once.
	kv.configOnce.Do(func() { kv.config = configFields(s) })
	buf = append(append(buf[:0], tmpl[:]...), 0)
	h.Write(buf)
	h.Write(kv.config)
	w(p.Kind, p.Path, p.Output, p.Title)
	if pg := p.Pager; pg != nil {
		w(pg.Number, pg.Total, pg.Items, pg.First, pg.Prev, pg.Next, pg.Last)
	}
	render.EachPageObject(p, func(kind, name string) {
		buf = append(append(append(buf[:0], kind...), name...), 0, '\n')
		h.Write(buf)
	})
	for _, id := range deps {
		// A key's number stands for it: numbers are never reused while
		// the table lives, and the records using them live with it.
		v := kv.value(id)
		buf = binary.LittleEndian.AppendUint32(buf[:0], id)
		h.Write(buf)
		h.Write(v[:])
	}
	var st pageStamp
	h.Sum(st[:0])
	return st
}
