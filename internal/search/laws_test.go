package search

import (
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// lawsDocs reads the laws-zh corpus beside the repository, or the sample
// in testdata if it is absent (which fails where FOLIO_REQUIRE_CORPUS=1).
// A document's text is its file minus front matter, Markdown and all; its
// title is its first "# " heading.
func lawsDocs(t *testing.T) []Doc {
	t.Helper()
	dir := "../../../shared/corpus/laws-zh"
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("FOLIO_REQUIRE_CORPUS") == "1" {
			t.Fatalf("FOLIO_REQUIRE_CORPUS=1 and the corpus is missing: %v", err)
		}
		t.Logf("%s is missing; using the sample in testdata/laws-zh", dir)
		dir = "testdata/laws-zh"
	}
	fsys := os.DirFS(dir)
	dated := regexp.MustCompile(`\((\d{4}-\d{2}-\d{2})\)\.md$`)
	var docs []Doc
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".md" || p == "README.md" && dir == "testdata/laws-zh" {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		text := string(b)
		if rest, ok := strings.CutPrefix(text, "---\n"); ok {
			if _, body, ok := strings.Cut(rest, "\n---\n"); ok {
				text = body
			}
		}
		title := strings.TrimSuffix(path.Base(p), ".md")
		for line := range strings.Lines(text) {
			if h, ok := strings.CutPrefix(line, "# "); ok {
				title = strings.TrimSpace(h)
				break
			}
		}
		doc := Doc{URL: "/" + strings.TrimSuffix(p, ".md") + "/", Title: title, Text: text}
		if m := dated.FindStringSubmatch(p); m != nil {
			doc.Date = m[1]
		}
		docs = append(docs, doc)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) < 10 {
		t.Fatalf("%s: %d documents, want at least 10", dir, len(docs))
	}
	return docs
}

// sample returns up to n substrings of 2–6 characters of s, at random
// places: each has a Han character, no separator (white space,
// punctuation, Markdown markup), and does not cut a word in two.
func sample(rng *rand.Rand, s string, n int) []string {
	rs := []rune(s)
	cl := make([]int, len(rs))
	for i, r := range rs {
		cl[i] = class(fold(r))
	}
	var out []string
	for try := 0; len(out) < n && try < 40*n && len(rs) > 6; try++ {
		i := rng.IntN(len(rs) - 6)
		j := i + 2 + rng.IntN(5)
		if i > 0 && cl[i-1] == word && cl[i] == word || cl[j-1] == word && cl[j] == word {
			continue
		}
		ok, hasHan := true, false
		for _, c := range cl[i:j] {
			ok = ok && (c == han || c == word)
			hasHan = hasHan || c == han
		}
		if ok && hasHan {
			out = append(out, string(rs[i:j]))
		}
	}
	return out
}

// TestSearchLaws checks recall and precision on real Chinese text.
func TestSearchLaws(t *testing.T) {
	t.Parallel()
	docs := lawsDocs(t)
	start := time.Now()
	files := mustBuild(t, docs, Config{})
	t.Logf("%d documents indexed in %v", len(docs), time.Since(start))

	// Documents by number, as Build numbers them, with their folded text.
	ds, err := number(docs)
	if err != nil {
		t.Fatal(err)
	}
	prepare(ds, nil, Config{}.withDefaults().SegmentBytes, nil)
	folded := make([]string, len(ds))
	for i, d := range ds {
		folded[i] = normalize(d.Title + "\n" + d.text)
	}

	t.Run("a sampled substring finds its document and only documents that contain it", func(t *testing.T) {
		perDoc := 12
		if len(docs) > 100 {
			perDoc = 4
		}
		rng := rand.New(rand.NewPCG(1, 2))
		queries, results := 0, 0
		r := &reader{fetch: mapFetch(files), files: map[string][]byte{}, shards: map[int]map[string]*entry{}}
		for id, d := range ds {
			for _, q := range slices.Concat(sample(rng, d.Title, 1), sample(rng, d.text, perDoc)) {
				queries++
				res, err := r.query(q, Options{})
				if err != nil {
					t.Fatal(err)
				}
				found := false
				want := normalize(q)
				for _, m := range res.docs {
					found = found || m.id == int32(id)
					if !strings.Contains(folded[m.id], want) {
						t.Errorf("query %q found %s, which does not contain it", q, ds[m.id].URL)
					}
				}
				results += len(res.docs)
				if !found {
					t.Errorf("query %q, sampled from %s, does not find it", q, d.URL)
				}
			}
		}
		if queries < len(docs)*perDoc/2 {
			t.Fatalf("%d queries for %d documents; the sampling is broken", queries, len(docs))
		}
		t.Logf("%d queries, %d results", queries, results)
	})

	t.Run("a phrase finds exactly the documents that contain it", func(t *testing.T) {
		// Phrases whose bigrams also occur apart.
		for _, q := range []string{"人民代表大会常务委员会", "第一条", "本条例自", "县级以上人民政府", "法律责任"} {
			hits, total, _, err := Search(mapFetch(files), q, Options{Limit: 1 << 20})
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for _, f := range folded {
				if strings.Contains(f, q) {
					want++
				}
			}
			if total != want || len(hits) != want || want == 0 {
				t.Errorf("Search(%q): total %d, %d hits; want %d, the documents that contain it", q, total, len(hits), want)
			}
		}
	})
}
