package search

import (
	"slices"
	"testing"
)

// typicalQueries are measured on generated 10,000-document corpora; each
// must fetch at most transferBudget bytes.
var typicalQueries = []string{"人工智能", "经济 发展", "乡村振兴"}

const transferBudget = 300 << 10

func BenchmarkBuild10k(b *testing.B) {
	docs := genDocs(10000, 1)
	var st Stats
	for b.Loop() {
		var err error
		if _, st, err = Build(docs, Config{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(st.Bytes), "index-bytes")
	b.ReportMetric(float64(st.Files), "index-files")
}

// BenchmarkSearch10k reports the time of a query in Go and the bytes it
// fetches, on a generated corpus of policy articles of about 8 KB each.
func BenchmarkSearch10k(b *testing.B) {
	benchmarkSearch(b, genDocs(10000, 1), typicalQueries)
}

// BenchmarkSearchCorpusgen10k does the same on internal/corpusgen's
// corpus, where every document repeats the same paragraph: 人工智能 is in
// all of them, thirty times each.
func BenchmarkSearchCorpusgen10k(b *testing.B) {
	benchmarkSearch(b, corpusgenDocs(b, 10000), []string{"人工智能", "人工智能 2025", "健康有序发展"})
}

func benchmarkSearch(b *testing.B, docs []Doc, queries []string) {
	files, _, err := Build(docs, Config{})
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range queries {
		b.Run(q, func(b *testing.B) {
			var fetched int64
			var total int
			for b.Loop() {
				if _, total, fetched, err = Search(mapFetch(files), q, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			if fetched > transferBudget {
				b.Errorf("Search(%q) fetched %d bytes, want at most %d", q, fetched, transferBudget)
			}
			b.ReportMetric(float64(fetched), "fetched-bytes")
			b.ReportMetric(float64(total), "results")
		})
	}
}

// BenchmarkUpdate10k makes the index of 10,000 documents from the last
// one after a paragraph was added to every hundredth, as a build does
// after a curator's day of edits.
func BenchmarkUpdate10k(b *testing.B) {
	docs := keyed(genDocs(10000, 1))
	files, _, st, err := Update(docs, Config{}, Prior{})
	if err != nil {
		b.Fatal(err)
	}
	edited := slices.Clone(docs)
	for i := 0; i < len(edited); i += 100 {
		edited[i].Text += "\n追加的一段文字：人工智能与乡村振兴。"
	}
	edited = keyed(edited)
	var stats Stats
	for b.Loop() {
		if _, stats, _, err = Update(edited, Config{}, Prior{State: st, Read: mapFetch(files)}); err != nil {
			b.Fatal(err)
		}
	}
	if stats.Reused != len(docs)-len(docs)/100 {
		b.Fatalf("%d documents reused, want %d", stats.Reused, len(docs)-len(docs)/100)
	}
}
