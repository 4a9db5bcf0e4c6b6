package site

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/policy"
)

// DefaultFacets are the front-matter keys indexed like tags when the
// configuration names none.
var DefaultFacets = []string{"source", "author", "issuer", "doc_type"}

// Taxonomy is one facet: a front-matter key whose values have index pages
// like tags: /<key>/ lists the values with their counts, /<key>/<value>/
// the documents. Values are grouped by policy.Key (white space, full-width
// letters, digits and brackets, case) and shown as first written.
type Taxonomy struct {
	Key    string  // "source"
	Path   string  // "/source/"
	Terms  []*Term // most documents first, then by path
	Label  string  // the key's human label in the site's language
	bySlug map[string]*Term
}

// Relation is one link between two documents of the policy model.
type Relation struct {
	Kind    string // supersedes, superseded_by, amends, amended_by, related
	Ref     string // as written in front matter; "" for a computed reverse
	Doc     *Doc   // the document it names; nil when it is outside the collection
	Reverse bool   // computed from the other document's relation
}

// facetValues are a document's values of a facet key.
func facetValues(d *Doc, key string) []string {
	switch key {
	case "tags":
		return d.Tags
	case "issuer":
		return d.Issuers
	case "subjects":
		return d.Subjects
	}
	if v := d.Value(key); v != "" {
		return []string{v}
	}
	switch v := d.Params[key].(type) {
	case string:
		if v = strings.TrimSpace(v); v != "" {
			return []string{v}
		}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok && strings.TrimSpace(s) != "" {
				out = append(out, strings.TrimSpace(s))
			}
		}
		return out
	}
	return nil
}

// buildFacets makes the taxonomies of Config.Facets, and the agencies of
// document numbers.
func (s *Site) buildFacets() {
	s.facetByKey = map[string]*Taxonomy{}
	for _, key := range s.Config.Facets {
		if key == "tags" || s.facetByKey[key] != nil {
			continue
		}
		tx := &Taxonomy{Key: key, Path: s.facetPath(key), bySlug: map[string]*Term{}}
		if k := content.LookupKey(key); k != nil {
			tx.Label = k.Label[0]
			if !strings.HasPrefix(strings.ToLower(s.Config.Language), "zh") {
				tx.Label = k.Label[1]
			}
		} else {
			tx.Label = key
		}
		for _, d := range s.Docs {
			for _, v := range facetValues(d, key) {
				tx.add(d, v, policy.Key(v))
			}
		}
		tx.sort()
		s.facetByKey[key] = tx
		if len(tx.Terms) > 0 {
			s.Facets = append(s.Facets, tx)
		}
	}
	// Document numbers list by agency, then year and serial.
	ag := &Taxonomy{Key: "agency", Path: s.facetPath("agency"), Label: "发文机关代字", bySlug: map[string]*Term{}}
	if !strings.HasPrefix(strings.ToLower(s.Config.Language), "zh") {
		ag.Label = "Issuing code"
	}
	var numbered []*Doc
	for _, d := range s.Docs {
		if d.DocNo.Agency != "" {
			numbered = append(numbered, d)
		}
	}
	slices.SortStableFunc(numbered, func(a, b *Doc) int {
		return cmp.Or(cmp.Compare(b.DocNo.Year, a.DocNo.Year), cmp.Compare(b.DocNo.Serial, a.DocNo.Serial), cmp.Compare(a.Doc.Path, b.Doc.Path))
	})
	for _, d := range numbered {
		ag.add(d, d.DocNo.Agency, policy.Key(d.DocNo.Agency))
	}
	ag.sort()
	if len(ag.Terms) > 0 {
		s.Agencies = ag
	}
}

// facetPath is where a facet's pages live: /<key>/ ("doc_type" gives
// /doc-type/), or /facets/<key>/ when content/ has a folder of that name.
func (s *Site) facetPath(key string) string {
	p := "/" + PathSegment(strings.ReplaceAll(key, "_", "-")) + "/"
	for _, sec := range s.bySection {
		if sec.Path == p {
			return "/facets" + p
		}
	}
	return p
}

func (tx *Taxonomy) add(d *Doc, shown, key string) {
	if key == "" {
		return
	}
	slug := segment(key)
	t := tx.bySlug[slug]
	if t == nil {
		t = &Term{Name: shown, Path: tx.Path + slug + "/", Key: tx.Key}
		tx.bySlug[slug] = t
		tx.Terms = append(tx.Terms, t)
	}
	if n := len(t.Docs); n == 0 || t.Docs[n-1] != d {
		t.Docs = append(t.Docs, d)
	}
}

func (tx *Taxonomy) sort() {
	slices.SortFunc(tx.Terms, func(a, b *Term) int {
		return cmp.Or(cmp.Compare(len(b.Docs), len(a.Docs)), cmp.Compare(a.Path, b.Path))
	})
}

// Facet returns the taxonomy of a facet key, or nil.
func (s *Site) Facet(key string) *Taxonomy { return s.facetByKey[key] }

// FacetLinks are the document's values of a facet with their pages.
func (d *Doc) FacetLinks(key string) []*Term {
	tx := d.site.facetByKey[key]
	if tx == nil {
		return nil
	}
	var out []*Term
	for _, v := range facetValues(d, key) {
		if t := tx.bySlug[segment(policy.Key(v))]; t != nil && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// AgencyLink is the page listing the documents of the document's agency.
func (d *Doc) AgencyLink() *Term {
	if d.site.Agencies == nil || d.DocNo.Agency == "" {
		return nil
	}
	return d.site.Agencies.bySlug[segment(policy.Key(d.DocNo.Agency))]
}

// readPolicy interprets a document's policy fields.
func (s *Site) readPolicy() {
	for _, d := range s.Docs {
		d.DocNo, _ = policy.ParseDocNumber(d.Doc.DocNumber)
		d.Status = policy.Unknown
		if d.Doc.Status != "" {
			st, ok := policy.ParseStatus(d.Doc.Status)
			if !ok {
				s.Warnings = append(s.Warnings, fmt.Sprintf("%s: status %q: want 有效, 失效, 已修改 or 未知 (in force, repealed, amended, unknown)", d.Doc.Pos("status"), d.Doc.Status))
			}
			d.Status, d.StatusGiven = st, ok
		}
	}
}

// resolveRelations finds the documents that relations name, adds each
// relation's reverse to the document it names, and lets a superseded or
// amended document's status say so when front matter does not.
func (s *Site) resolveRelations() (warnings []string) {
	// Most collections state no relation: then there is nothing to find,
	// and no index of every document's names (five a document) to make.
	if !slices.ContainsFunc(s.Docs, func(d *Doc) bool { return len(d.Doc.Relations) > 0 }) {
		return nil
	}
	byRef := make(map[string][]*Doc, 4*len(s.Docs))
	for _, d := range s.Docs {
		seen := map[string]bool{}
		for _, r := range d.Doc.References() {
			if r != "" && !seen[r] {
				seen[r] = true
				byRef[r] = append(byRef[r], d)
			}
		}
	}
	find := func(from *Doc, ref string) (*Doc, string) {
		ds := byRef[ref]
		if n, ok := policy.ParseDocNumber(ref); ok && len(ds) == 0 {
			ds = byRef[n.String()]
		}
		if len(ds) == 0 && strings.Contains(ref, "/") {
			// A path relative to the document's folder.
			ds = byRef[strings.TrimPrefix(pathJoin(from.Doc.Dir(), ref), "/")]
		}
		switch len(ds) {
		case 0:
			return nil, "names no document of the collection; it is shown as text"
		case 1:
			return ds[0], ""
		}
		var paths []string
		for _, d := range ds {
			paths = append(paths, d.Doc.Path)
		}
		return nil, fmt.Sprintf("names %s; use a path to say which", strings.Join(paths, " and "))
	}
	for _, d := range s.Docs {
		for _, rel := range content.Relations {
			for i, ref := range d.Doc.Relations[rel[0]] {
				target, problem := find(d, ref)
				if problem != "" {
					warnings = append(warnings, fmt.Sprintf("%s: %s %q %s", d.Doc.Pos(rel[0]+"."+strconv.Itoa(i)), rel[0], ref, problem))
				}
				if target == d {
					target = nil
				}
				d.Relations = appendRelation(d.Relations, Relation{Kind: rel[0], Ref: ref, Doc: target})
			}
		}
	}
	for _, d := range s.Docs {
		for _, r := range d.Relations {
			if r.Doc == nil || r.Reverse {
				continue
			}
			reverse := ""
			for _, rel := range content.Relations {
				if rel[0] == r.Kind {
					reverse = rel[1]
				}
			}
			r.Doc.Relations = appendRelation(r.Doc.Relations, Relation{Kind: reverse, Doc: d, Reverse: true})
		}
	}
	order := map[string]int{}
	for i, rel := range content.Relations {
		order[rel[0]] = i
	}
	for _, d := range s.Docs {
		slices.SortStableFunc(d.Relations, func(a, b Relation) int { return cmp.Compare(order[a.Kind], order[b.Kind]) })
		if d.StatusGiven {
			continue
		}
		for _, r := range d.Relations {
			switch {
			case r.Kind == "superseded_by":
				d.Status = policy.Repealed
			case r.Kind == "amended_by" && d.Status != policy.Repealed:
				d.Status = policy.Amended
			}
		}
	}
	return warnings
}

// appendRelation adds r unless the same relation to the same document is
// there already.
func appendRelation(rs []Relation, r Relation) []Relation {
	for _, x := range rs {
		if x.Kind == r.Kind && (r.Doc != nil && x.Doc == r.Doc || r.Doc == nil && x.Doc == nil && x.Ref == r.Ref) {
			return rs
		}
	}
	return append(rs, r)
}

func pathJoin(dir, ref string) string {
	if dir == "" {
		return ref
	}
	return dir + "/" + ref
}

// RelationsOf are the document's relations of one kind.
func (d *Doc) RelationsOf(kind string) []Relation {
	var out []Relation
	for _, r := range d.Relations {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

// Versions is the chain of documents linked to this one by supersedes and
// amends, in either direction and transitively, oldest first (undated
// last); nil when the document stands alone.
func (d *Doc) Versions() []*Doc {
	seen := map[*Doc]bool{d: true}
	queue := []*Doc{d}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		for _, r := range x.Relations {
			if r.Doc == nil || r.Kind == "related" || seen[r.Doc] {
				continue
			}
			seen[r.Doc] = true
			queue = append(queue, r.Doc)
		}
	}
	if len(seen) < 2 {
		return nil
	}
	out := make([]*Doc, 0, len(seen))
	for x := range seen {
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b *Doc) int {
		if a.Date.IsZero() != b.Date.IsZero() {
			if a.Date.IsZero() {
				return 1
			}
			return -1
		}
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.Doc.Path, b.Doc.Path))
	})
	return out
}

// buildTranslations links documents that share a translation_key, or one
// that is a translation_of another.
func (s *Site) buildTranslations() (warnings []string) {
	// The index of every document's names is made when a translation_of
	// first needs it: most collections have none.
	var byRef map[string]*Doc
	find := func(ref string) *Doc {
		if byRef == nil {
			byRef = make(map[string]*Doc, 4*len(s.Docs))
			for _, d := range s.Docs {
				for _, r := range d.Doc.References() {
					if _, dup := byRef[r]; !dup {
						byRef[r] = d
					}
				}
			}
		}
		return byRef[ref]
	}
	groups := map[string][]*Doc{}
	for _, d := range s.Docs {
		key := d.Doc.TranslationKey
		if key == "" && d.Doc.TranslationOf != "" {
			orig := find(d.Doc.TranslationOf)
			if orig == nil {
				warnings = append(warnings, fmt.Sprintf("%s: translation_of %q names no document of the collection", d.Doc.Pos("translation_of"), d.Doc.TranslationOf))
				continue
			}
			d.Original = orig
			key = "\x00" + orig.Doc.Path
			if orig.Doc.TranslationKey != "" {
				key = orig.Doc.TranslationKey
			}
		}
		if key == "" {
			continue
		}
		groups[key] = append(groups[key], d)
	}
	for _, d := range s.Docs {
		if d.Doc.TranslationKey != "" || d.Original != nil {
			continue
		}
		if g, ok := groups["\x00"+d.Doc.Path]; ok {
			groups["\x00"+d.Doc.Path] = append(g, d)
		}
	}
	for _, g := range groups {
		if len(g) < 2 {
			continue
		}
		slices.SortFunc(g, func(a, b *Doc) int { return cmp.Or(cmp.Compare(a.Lang, b.Lang), cmp.Compare(a.Doc.Path, b.Doc.Path)) })
		for _, d := range g {
			for _, o := range g {
				if o != d {
					d.Translations = append(d.Translations, o)
				}
			}
		}
	}
	return warnings
}

// relatedLimit is how many related documents a page lists; of a value
// shared by more than relatedCommon documents only the relatedCommon
// nearest in time are considered, which bounds the work per document.
const (
	relatedLimit  = 5
	relatedCommon = 200
)

// buildRelated finds each document's most related documents through an
// inverted index of tags and facet values, weighting rarer values more
// (inverse document frequency); no pair of documents is compared unless
// they share a value.
func (s *Site) buildRelated() {
	n := len(s.Docs)
	if n < 2 {
		return
	}
	keys := append([]string{"tags"}, s.Config.Facets...)
	index := map[string][]int{}
	terms := make([][]string, n)
	for i, d := range s.Docs {
		for _, k := range keys {
			for _, v := range facetValues(d, k) {
				t := k + "\x00" + policy.Key(v)
				if l := index[t]; len(l) == 0 || l[len(l)-1] != i {
					index[t] = append(index[t], i)
					terms[i] = append(terms[i], t)
				}
			}
		}
	}
	common := relatedCommon
	// Each document's related ones are found on their own: on every core,
	// each worker with its own scores.
	nw := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range nw {
		wg.Go(func() { s.relatedOf(w, nw, index, terms, common) })
	}
	wg.Wait()
}

// relatedOf finds the related documents of every nw-th document from
// first, for buildRelated.
func (s *Site) relatedOf(first, nw int, index map[string][]int, terms [][]string, common int) {
	n := len(s.Docs)
	score := make([]float64, n)
	var touched []int
	for i := first; i < n; i += nw {
		d := s.Docs[i]
		touched = touched[:0]
		for _, t := range terms[i] {
			l := index[t]
			if len(l) < 2 {
				continue
			}
			w := math.Log(float64(n) / float64(len(l)))
			if len(l) > common {
				// A common value relates only the documents nearest in
				// time: a window of its list (in site order) around d.
				at, _ := slices.BinarySearch(l, i)
				lo := max(0, min(at-common/2, len(l)-common))
				l = l[lo : lo+common]
			}
			for _, j := range l {
				if j == i {
					continue
				}
				if score[j] == 0 {
					touched = append(touched, j)
				}
				score[j] += w
			}
		}
		// The best few, by score then site order (newest first), without
		// sorting every candidate.
		var top [relatedLimit]int
		k := 0
		better := func(a, b int) bool { return score[a] > score[b] || score[a] == score[b] && a < b }
		for _, j := range touched {
			if k == relatedLimit && !better(j, top[k-1]) {
				continue
			}
			if k < relatedLimit {
				k++
			}
			p := k - 1
			for p > 0 && better(j, top[p-1]) {
				top[p] = top[p-1]
				p--
			}
			top[p] = j
		}
		d.Related = nil
		for _, j := range top[:k] {
			d.Related = append(d.Related, s.Docs[j])
		}
		for _, j := range touched {
			score[j] = 0
		}
	}
}
