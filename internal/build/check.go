package build

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/site"
)

// checkSite finds what folio check reports beyond a build's errors and
// warnings: documents without a title of their own, documents without
// text, two documents from one original_url, and front-matter keys that
// look like typos of keys folio knows. Each finding is a line
// "path:line:col: message".
func checkSite(s *site.Site) []string {
	var out []string
	byURL := map[string]*site.Doc{}
	typos := map[string]string{}
	for _, d := range bySourcePath(s.Docs) {
		if d.TitleFrom == "file name" && meaningless(d.Name()) {
			out = append(out, fmt.Sprintf("%s:1:1: no title, and the file name %q reads as none (add title: or a # heading)", d.Doc.Path, d.Name()))
		}
		if d.Doc.Empty {
			out = append(out, fmt.Sprintf("%s:%d:1: empty document: no text after the front matter", d.Doc.Path, d.BodyLine))
		}
		// A URL naming one document (not a site's home page) twice.
		if u := d.OriginalURL; u != "" && specificURL(u) {
			if first, ok := byURL[u]; ok {
				out = append(out, fmt.Sprintf("%s: original_url %s is also %s's: one document twice?", d.Doc.Pos("original_url"), u, first.Doc.Path))
			} else {
				byURL[u] = d
			}
		}
		for _, k := range sortedKeys(d.Params) {
			if d.Known(k) || k == d.DateFrom {
				continue
			}
			want, ok := typos[k]
			if !ok {
				want = likelyKey(k)
				typos[k] = want // a collection repeats its keys in every document
			}
			if want != "" {
				out = append(out, fmt.Sprintf("%s: %s: did you mean %s?", d.Doc.Pos(k), k, want))
			}
		}
	}
	return out
}

// meaningless reports whether a file name is no title: eight or more
// digits, hex letters and separators, as scrapers' hashes are
// ("000_0cc289df36280051").
func meaningless(name string) bool {
	if len(name) < 8 {
		return false
	}
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= '0' && r <= '9', r >= 'a' && r <= 'f', r == '_', r == '-', r == '.', r == ' ':
		default:
			return false
		}
	}
	return true
}

func specificURL(u string) bool {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	_, p, _ := strings.Cut(u, "/")
	return strings.Trim(p, "/") != ""
}

func bySourcePath(docs []*site.Doc) []*site.Doc {
	out := slices.Clone(docs)
	slices.SortFunc(out, func(a, b *site.Doc) int { return strings.Compare(a.Doc.Path, b.Doc.Path) })
	return out
}

// likelyKey returns the known key (or alias) k is probably a typo of:
// within one edit (two for names of eight letters or more), or with two
// neighbouring letters swapped; "" if none.
func likelyKey(k string) string {
	lk := strings.ToLower(k)
	if len(lk) < 4 {
		return ""
	}
	best, bestD := "", 3
	for _, key := range content.Keys {
		for _, name := range append([]string{key.Name}, key.Aliases...) {
			if name == lk || len(name) < 4 {
				continue
			}
			limit := 1
			if len(name) >= 8 {
				limit = 2
			}
			if n := utf8.RuneCountInString(name) - utf8.RuneCountInString(lk); n > limit || -n > limit {
				continue // every edit changes the length by at most one rune
			}
			if d := distance(lk, name); d <= limit && d < bestD {
				best, bestD = name, d
			}
		}
	}
	return best
}

// distance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and swaps of neighbours, by rune.
func distance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range y {
		d[0][j+1] = j + 1
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}
