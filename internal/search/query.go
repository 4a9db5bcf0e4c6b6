package search

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Options narrow and order a search.
type Options struct {
	Tag                  string // only documents with this tag
	FacetKey, FacetValue string // only documents with this facet value
	Year                 int    // only documents dated in this year
	Newest               bool   // newest first instead of by relevance
	Limit                int    // hits to return with snippets; 0 means 10
}

// Hit is one result.
type Hit struct {
	URL     string   // as given to Build: relative to the site's base
	Title   string   //
	Date    string   //
	Snippet string   // text around the first match, "…" where cut
	Marks   [][2]int // byte ranges of Snippet that match the query
	Score   float64  // the BM25 score; higher is better
}

// Limits on a query, shared with static/search.js.
const (
	maxQueryRunes = 100
	maxTerms      = 16
	defaultLimit  = 10
	snippetRunes  = 100 // characters in a snippet
	snippetBefore = 20  // of them before the match
)

// Search runs query q over the index that fetch reads, by the names Build
// gave its files ("search/index.json"). It returns the first opt.Limit
// hits, the number of documents that match, and the number of bytes
// fetched. It fetches each file at most once.
func Search(fetch func(name string) ([]byte, error), q string, opt Options) (hits []Hit, total int, fetched int64, err error) {
	r := &reader{fetch: fetch, files: map[string][]byte{}, shards: map[int]map[string]*entry{}}
	res, err := r.query(q, opt)
	if err != nil {
		return nil, 0, r.fetched, err
	}
	limit := opt.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	for _, m := range res.docs[:min(limit, len(res.docs))] {
		h, err := r.hit(m, res.pieces)
		if err != nil {
			return nil, 0, r.fetched, err
		}
		hits = append(hits, h)
	}
	return hits, len(res.docs), r.fetched, nil
}

// reader fetches and decodes index files, each once.
type reader struct {
	fetch   func(string) ([]byte, error)
	files   map[string][]byte
	fetched int64
	hdr     header
	shards  map[int]map[string]*entry
}

// entry is a token's shard entry.
type entry struct {
	tok  string
	ord  int // its place in the shard, which is sorted by token
	df   int
	idf  int
	docs listRef
	pos  listRef
}

// listRef is a list inline in its shard, or the part files it is cut into.
type listRef struct {
	inline []byte
	file   int     // the first part's file number
	firsts []int32 // every part's first document
}

func (r *reader) get(name string) ([]byte, error) {
	if b, ok := r.files[name]; ok {
		return b, nil
	}
	b, err := r.fetch(name)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	r.files[name] = b
	r.fetched += int64(len(b))
	return b, nil
}

var errCorrupt = errors.New("search: corrupt index")

// varints decodes unsigned LEB128 varints.
type varints struct {
	b   []byte
	err bool
}

func (v *varints) next() int {
	x, s := 0, 0
	for i, c := range v.b {
		if s > 49 {
			break
		}
		x |= int(c&0x7f) << s
		if c < 0x80 {
			v.b = v.b[i+1:]
			return x
		}
		s += 7
	}
	v.err = true
	v.b = nil
	return 0
}

func (v *varints) bytes(n int) []byte {
	if n > len(v.b) {
		v.err = true
		n = len(v.b)
	}
	b := v.b[:n]
	v.b = v.b[n:]
	return b
}

func (v *varints) list() listRef {
	x := v.next()
	if x&1 == 0 {
		return listRef{inline: v.bytes(x >> 1)}
	}
	l := listRef{file: v.next()}
	prev := 0
	for range x >> 1 {
		prev += v.next()
		l.firsts = append(l.firsts, int32(prev))
		if v.err {
			break
		}
	}
	return l
}

// shard returns the entries of shard n.
func (r *reader) shard(n int) (map[string]*entry, error) {
	if s, ok := r.shards[n]; ok {
		return s, nil
	}
	b, err := r.get(shardName(n))
	if err != nil {
		return nil, err
	}
	v := &varints{b: b}
	count := v.next()
	s := make(map[string]*entry, count)
	for i := 0; i < count && !v.err; i++ {
		e := &entry{ord: i}
		e.tok = string(v.bytes(v.next()))
		e.df = v.next()
		e.idf = v.next()
		e.docs = v.list()
		e.pos = v.list()
		s[e.tok] = e
	}
	if v.err {
		return nil, fmt.Errorf("%w: %s", errCorrupt, shardName(n))
	}
	r.shards[n] = s
	return s, nil
}

func (r *reader) shardOf(tok string) (map[string]*entry, error) {
	return r.shard(int(fnv32(shardKey(tok)) % uint32(r.hdr.Shards)))
}

// parts calls f with the bytes and first document of every part of l that
// overlaps [lo, hi) and, if want is not nil, holds a document of want, a
// sorted list.
func (r *reader) parts(l listRef, want []int32, lo, hi int32, f func(v *varints, first int32) error) error {
	if l.firsts == nil {
		return f(&varints{b: l.inline}, 0)
	}
	for k, first := range l.firsts {
		end := int32(1<<31 - 1)
		if k+1 < len(l.firsts) {
			end = l.firsts[k+1]
		}
		if first >= hi || end <= lo {
			continue
		}
		if want != nil {
			i, _ := slices.BinarySearch(want, first)
			if i == len(want) || want[i] >= end {
				continue
			}
		}
		b, err := r.get(partName(l.file + k))
		if err != nil {
			return err
		}
		if err := f(&varints{b: b}, first); err != nil {
			return err
		}
	}
	return nil
}

// docEntry is a token's document-list entry for one document.
type docEntry struct {
	id    int32
	q     int   // BM25 weight
	first int32 // first position
}

// docList returns the entries of e's document list for the documents in
// [lo, hi) that are in want, or all of them if want is nil.
func (r *reader) docList(e *entry, want []int32, lo, hi int32) ([]docEntry, error) {
	var out []docEntry
	err := r.parts(e.docs, want, lo, hi, func(v *varints, id int32) error {
		for len(v.b) > 0 {
			id += int32(v.next())
			q := v.next()
			p := int32(v.next())
			if v.err {
				return fmt.Errorf("%w: list of %q", errCorrupt, e.tok)
			}
			if id >= hi {
				break
			}
			if id >= lo && (want == nil || contains(want, id)) {
				out = append(out, docEntry{id, q, p})
			}
		}
		return nil
	})
	return out, err
}

// positions returns, for every document of want (sorted), every position
// of e's token after the first, which firsts gives.
func (r *reader) positions(e *entry, want []int32, first func(id int32) int32) (map[int32][]int32, error) {
	out := map[int32][]int32{}
	err := r.parts(e.pos, want, 0, 1<<31-1, func(v *varints, id int32) error {
		for len(v.b) > 0 {
			id += int32(v.next())
			n := v.next()
			if !contains(want, id) {
				for range n {
					v.next()
				}
			} else {
				ps := make([]int32, n)
				p := first(id)
				for i := range ps {
					p += int32(v.next())
					ps[i] = p
				}
				out[id] = ps
			}
			if v.err {
				return fmt.Errorf("%w: positions of %q", errCorrupt, e.tok)
			}
		}
		return nil
	})
	return out, err
}

func contains(s []int32, x int32) bool {
	_, ok := slices.BinarySearch(s, x)
	return ok
}

// A term is one part of a query, which a document must contain.
type term struct {
	toks   []token // the cover: tokens at positions relative to the term
	char   bool    // a lone Han character, matched in titles only
	prefix bool    // a last word, also matched as the prefix of others
}

// isSpace reports whether r is white space, as JavaScript's \s has it.
func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// parseQuery splits a query into terms, and returns with them the pieces of
// text to highlight, longest first.
func parseQuery(q string) ([]term, []string) {
	rs := []rune(normalize(q))
	if len(rs) > maxQueryRunes {
		rs = rs[:maxQueryRunes]
	}
	var terms []term
	pieces := map[string]bool{}
	var cur []rune
	quoted := false
	flush := func(atEnd bool) {
		s := string(cur)
		cur = cur[:0]
		us, _ := scan(nil, s, 0)
		if len(us) == 0 || len(terms) == maxTerms {
			return
		}
		t := term{toks: cover(us)}
		t.char = len(us) == 1 && us[0].han != 0
		t.prefix = atEnd && !quoted && len(us) == 1 && us[0].han == 0 && utf8.RuneCountInString(us[0].word) >= prefixLen
		terms = append(terms, t)
		for _, p := range strings.FieldsFunc(s, func(r rune) bool { return class(r) == sep }) {
			pieces[p] = true
		}
	}
	for _, r := range rs {
		switch {
		case r == '"' || r == '“' || r == '”':
			flush(false)
			quoted = !quoted
		case isSpace(r) && !quoted:
			flush(false)
		default:
			cur = append(cur, r)
		}
	}
	flush(true)
	ps := sortedKeys(pieces)
	slices.SortStableFunc(ps, func(a, b string) int {
		return cmp.Compare(utf8.RuneCountInString(b), utf8.RuneCountInString(a))
	})
	return terms, ps
}

// match is a document that matches a query.
type match struct {
	id     int32
	title  int   // terms found in the title
	score  int   // BM25, in units of 1/idfScale
	anchor int32 // the first position of a match in the body, or -1
}

type result struct {
	docs   []match // in result order
	pieces []string
}

// query finds the documents that match q, in order.
func (r *reader) query(q string, opt Options) (*result, error) {
	b, err := r.get(headerName)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &r.hdr); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", errCorrupt, headerName, err)
	}
	if r.hdr.Version != formatVersion || r.hdr.Shards < 1 || r.hdr.Chunk < 1 {
		return nil, fmt.Errorf("%w: %s: version %d, want %d", errCorrupt, headerName, r.hdr.Version, formatVersion)
	}
	terms, pieces := parseQuery(q)
	res := &result{pieces: pieces}
	if len(terms) == 0 {
		return res, nil
	}
	lo, hi := int32(0), int32(r.hdr.Docs)
	if opt.Year != 0 {
		i := slices.IndexFunc(r.hdr.Years, func(y [3]int) bool { return y[0] == opt.Year })
		if i < 0 {
			return res, nil
		}
		lo, hi = int32(r.hdr.Years[i][1]), int32(r.hdr.Years[i][2])
	}

	// The entries of every token: those of the terms' covers and filters
	// must all be found; a prefix term needs one of its expansions.
	lookup := func(tok string) (*entry, error) {
		s, err := r.shardOf(tok)
		if err != nil {
			return nil, err
		}
		return s[tok], nil
	}
	var required []*entry
	var expansions [][]*entry // per term; nil unless a prefix term
	entries := map[string]*entry{}
	need := func(tok string) (bool, error) {
		e, err := lookup(tok)
		if e == nil || err != nil {
			return false, err
		}
		entries[tok] = e
		if !slices.Contains(required, e) {
			required = append(required, e)
		}
		return true, nil
	}
	for _, t := range terms {
		var exp []*entry
		if t.prefix {
			exp, err = r.expand(t.toks[0].text)
			if err != nil {
				return nil, err
			}
			if len(exp) == 0 {
				return res, nil
			}
		} else {
			for _, tk := range t.toks {
				if ok, err := need(tk.text); !ok {
					return res, err
				}
			}
		}
		expansions = append(expansions, exp)
	}
	if opt.Tag != "" {
		if ok, err := need(tagToken(opt.Tag)); !ok {
			return res, err
		}
	}
	if opt.FacetKey != "" {
		if ok, err := need(facetToken(opt.FacetKey, opt.FacetValue)); !ok {
			return res, err
		}
	}

	// Candidates: the documents of the rarest required list, then of those
	// the ones in all the others, reading only the parts of the others
	// that can hold a candidate. (The browser reads the others at once.)
	slices.SortFunc(required, func(a, b *entry) int {
		return cmp.Or(cmp.Compare(a.df, b.df), cmp.Compare(a.tok, b.tok))
	})
	lists := map[string][]docEntry{}
	var cand []int32 // nil: every document in [lo, hi)
	var rarest []int32
	for i, e := range required {
		ents, err := r.docList(e, rarest, lo, hi)
		if err != nil {
			return nil, err
		}
		lists[e.tok] = ents
		ids := make([]int32, 0, len(ents))
		for _, de := range ents {
			if i == 0 || contains(cand, de.id) {
				ids = append(ids, de.id)
			}
		}
		cand = ids
		if i == 0 {
			rarest = ids
		}
		if len(cand) == 0 {
			return res, nil
		}
	}
	for _, exp := range expansions {
		if exp == nil {
			continue
		}
		var union []int32
		for _, e := range exp {
			ents, err := r.docList(e, cand, lo, hi)
			if err != nil {
				return nil, err
			}
			lists[e.tok] = ents
			for _, de := range ents {
				union = append(union, de.id)
			}
		}
		slices.Sort(union)
		cand = slices.Compact(union)
		if len(cand) == 0 {
			return res, nil
		}
	}
	first := func(tok string, id int32) (docEntry, bool) {
		ents := lists[tok]
		i, ok := slices.BinarySearchFunc(ents, id, func(de docEntry, id int32) int { return cmp.Compare(de.id, id) })
		if !ok {
			return docEntry{}, false
		}
		return ents[i], true
	}

	// Where every term first matches in every candidate: for a phrase, the
	// first occurrences of its cover prove it when they line up, and
	// otherwise all occurrences decide.
	at := make([][]int32, len(terms)) // per term, per candidate: position or -1
	for ti, t := range terms {
		at[ti] = make([]int32, len(cand))
		var undecided []int32
		for ci, id := range cand {
			switch {
			case t.prefix:
				p := int32(-1)
				for _, e := range expansions[ti] {
					if de, ok := first(e.tok, id); ok && (p < 0 || de.first < p) {
						p = de.first
					}
				}
				at[ti][ci] = p
			case t.char:
				de, _ := first(t.toks[0].text, id)
				at[ti][ci] = de.first
				if de.first >= titleSpan {
					at[ti][ci] = -1
				}
			default:
				de, _ := first(t.toks[0].text, id)
				p := de.first
				for _, tk := range t.toks[1:] {
					if de, _ := first(tk.text, id); de.first != p+tk.pos {
						p = -1
						break
					}
				}
				at[ti][ci] = p
				if p < 0 {
					undecided = append(undecided, id)
				}
			}
		}
		if len(undecided) == 0 {
			continue
		}
		all := map[string]map[int32][]int32{}
		for _, tk := range t.toks {
			if all[tk.text] != nil {
				continue
			}
			e := entries[tk.text]
			ps, err := r.positions(e, undecided, func(id int32) int32 { de, _ := first(tk.text, id); return de.first })
			if err != nil {
				return nil, err
			}
			all[tk.text] = ps
		}
		for ci, id := range cand {
			if at[ti][ci] >= 0 || !contains(undecided, id) {
				continue
			}
			occ := func(tok string) []int32 {
				de, _ := first(tok, id)
				return append([]int32{de.first}, all[tok][id]...)
			}
			p0s := occ(t.toks[0].text)
			rest := make([][]int32, len(t.toks))
			for k, tk := range t.toks[1:] {
				rest[k+1] = occ(tk.text)
			}
		next:
			for _, p := range p0s {
				for k, tk := range t.toks[1:] {
					if !contains(rest[k+1], p+tk.pos) {
						continue next
					}
				}
				at[ti][ci] = p
				break
			}
		}
	}

	for ci, id := range cand {
		m := match{id: id, anchor: -1}
		ok := true
		for ti, t := range terms {
			p := at[ti][ci]
			if p < 0 {
				ok = false
				break
			}
			if p < titleSpan {
				m.title++
			} else if m.anchor < 0 || p < m.anchor {
				m.anchor = p
			}
			if t.prefix {
				best := 0
				for _, e := range expansions[ti] {
					if de, ok := first(e.tok, id); ok {
						best = max(best, e.idf*de.q)
					}
				}
				m.score += best
				continue
			}
			for _, tk := range t.toks {
				e := entries[tk.text]
				de, _ := first(tk.text, id)
				m.score += e.idf * de.q
			}
		}
		if ok {
			res.docs = append(res.docs, m)
		}
	}
	// Documents are numbered oldest first.
	slices.Reverse(res.docs)
	if !opt.Newest {
		slices.SortStableFunc(res.docs, func(a, b match) int {
			return cmp.Or(cmp.Compare(b.title, a.title), cmp.Compare(b.score, a.score))
		})
	}
	return res, nil
}

// expand returns the entries of the words that a prefix term's word
// begins: the word itself first, then those in the most documents, at
// most maxExpansions.
func (r *reader) expand(w string) ([]*entry, error) {
	s, err := r.shardOf(w)
	if err != nil {
		return nil, err
	}
	var es []*entry
	for tok, e := range s {
		if strings.HasPrefix(tok, w) {
			es = append(es, e)
		}
	}
	slices.SortFunc(es, func(a, b *entry) int {
		return cmp.Or(cmp.Compare(b2i(b.tok == w), b2i(a.tok == w)), cmp.Compare(b.df, a.df), cmp.Compare(a.ord, b.ord))
	})
	return es[:min(len(es), maxExpansions)], nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// hit reads a match's document and the text segment of its anchor.
func (r *reader) hit(m match, pieces []string) (Hit, error) {
	name := chunkName(int(m.id) / r.hdr.Chunk)
	b, err := r.get(name)
	if err != nil {
		return Hit{}, err
	}
	var chunk [][]json.RawMessage
	if err := json.Unmarshal(b, &chunk); err != nil {
		return Hit{}, fmt.Errorf("%w: %s: %v", errCorrupt, name, err)
	}
	i := int(m.id) % r.hdr.Chunk
	if i >= len(chunk) || len(chunk[i]) < 3 {
		return Hit{}, fmt.Errorf("%w: %s: no document %d", errCorrupt, name, m.id)
	}
	if len(chunk[i]) == 4 || len(chunk[i]) > 5 {
		return Hit{}, fmt.Errorf("%w: %s: document %d has %d fields", errCorrupt, name, m.id, len(chunk[i]))
	}
	h := Hit{Score: float64(m.score) / idfScale}
	var starts []int32
	var key string
	for k, v := range []any{&h.URL, &h.Title, &h.Date, &starts, &key}[:len(chunk[i])] {
		if err := json.Unmarshal(chunk[i][k], v); err != nil {
			return Hit{}, fmt.Errorf("%w: %s: %v", errCorrupt, name, err)
		}
	}
	if len(chunk[i]) < 4 {
		return h, nil // no text
	}
	if !validTextKey(key) {
		return Hit{}, fmt.Errorf("%w: %s: document %d: text key %q", errCorrupt, name, m.id, key)
	}
	seg, pos := 0, int32(titleSpan)
	for k, s := range starts {
		if m.anchor >= s {
			seg, pos = k+1, s
		}
	}
	text, err := r.get(textName(key, seg))
	if err != nil {
		return Hit{}, err
	}
	h.Snippet, h.Marks = snippet(string(text), pos, m.anchor, pieces, seg > 0, seg < len(starts))
	return h, nil
}

// snippet returns about snippetRunes characters of a text segment that
// starts at position pos, around the unit at anchor (or from the start if
// anchor is -1), and the byte ranges in it where pieces occur. Before and
// after are whether the text goes on before and after the segment.
func snippet(text string, pos, anchor int32, pieces []string, before, after bool) (string, [][2]int) {
	rs := []rune(text)
	at := 0
	if anchor >= 0 {
		us, _ := scan(nil, text, pos)
		for _, u := range us {
			if u.pos >= anchor {
				at = utf8.RuneCountInString(text[:u.off])
				break
			}
		}
	}
	a := max(0, min(at-snippetBefore, len(rs)-snippetRunes))
	e := min(len(rs), a+snippetRunes)
	w := slices.Clone(rs[a:e])
	for i, c := range w {
		if c == '\n' {
			w[i] = ' '
		}
	}
	for len(w) > 0 && w[0] == ' ' {
		w = w[1:]
	}
	for len(w) > 0 && w[len(w)-1] == ' ' {
		w = w[:len(w)-1]
	}
	var out []rune
	if a > 0 || before {
		out = append(out, '…')
	}
	lead := len(out)
	out = append(out, w...)
	marks := highlight(out[lead:], pieces)
	if e < len(rs) || after {
		out = append(out, '…')
	}
	// Rune ranges to byte ranges.
	s := string(out)
	byteAt := make([]int, len(out)+1)
	n := 0
	for i, c := range out {
		byteAt[i] = n
		n += utf8.RuneLen(c)
	}
	byteAt[len(out)] = n
	for i := range marks {
		marks[i] = [2]int{byteAt[marks[i][0]+lead], byteAt[marks[i][1]+lead]}
	}
	return s, marks
}

// highlight returns the rune ranges of w where pieces (folded, longest
// first) occur, left to right without overlap. A piece that starts with a
// word character only matches at the start of a word.
func highlight(w []rune, pieces []string) [][2]int {
	f := make([]rune, len(w))
	for i, c := range w {
		f[i] = fold(c)
	}
	ps := make([][]rune, len(pieces))
	for i, p := range pieces {
		ps[i] = []rune(p)
	}
	var marks [][2]int
	for i := 0; i < len(f); {
		n := 0
		for _, p := range ps {
			if len(p) == 0 || i+len(p) > len(f) || !slices.Equal(f[i:i+len(p)], p) {
				continue
			}
			if class(p[0]) == word && i > 0 && class(f[i-1]) == word {
				continue
			}
			n = len(p)
			break
		}
		if n == 0 {
			i++
			continue
		}
		marks = append(marks, [2]int{i, i + n})
		i += n
	}
	return marks
}
