package search

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// fixture is a small collection with the cases the query rules are about.
var fixture = []Doc{
	{URL: "/a/", Title: "乡村振兴战略规划", Text: "全面推进乡村振兴，加快农业农村现代化。", Date: "2025-03-01",
		Tags: []string{"农业"}, Facets: map[string][]string{"source": {"人民日报"}}},
	{URL: "/b/", Title: "关于乡村建设的通知", Text: "乡村建设和民族振兴都很重要。人工 智能", Date: "2024-05-01",
		Tags: []string{"农业"}, Facets: map[string][]string{"source": {"新华社"}}},
	{URL: "/c/", Title: "人工智能发展报告", Text: "人工智能产业快速发展。GDP增长2025年预计为5%。5G网络覆盖城乡。", Date: "2025-01-10",
		Tags: []string{"科技"}},
	{URL: "/d/", Title: "Executive Order 12", Text: "The executive order on data. Order executive review.", Date: "2023-02",
		Tags: []string{"法治"}, Lang: "en"},
	{URL: "/e/", Title: "Order of business", Text: "An executive summary; the order was executed in 2025.", Lang: "en"},
	{URL: "/f/", Title: "经济发展综述", Text: "经济稳定增长，全国ＧＤＰ增长５％，５Ｇ网络建设加快。发展人工智能。", Date: "2022",
		Tags: []string{"金融"}, Facets: map[string][]string{"source": {"人民日报"}}},
	{URL: "/g/", Title: "网信办通知", Text: "关于人工智能的规定。第5条 依照第5条规定。A股市场\n人工智能人工智能", Date: "2025-03-01"},
	{URL: "/h/", Title: "其他", Text: "村里的事。", Date: "2021-06-30"},
}

// mapFetch reads files from a built index, counting reads.
func mapFetch(files map[string][]byte) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		b, ok := files[name]
		if !ok {
			return nil, fmt.Errorf("%s: not found", name)
		}
		return b, nil
	}
}

func mustBuild(t testing.TB, docs []Doc, cfg Config) map[string][]byte {
	t.Helper()
	files, _, err := Build(docs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// tiny cuts every list into parts and every text into segments, so the
// small fixture exercises what a large index does.
var tiny = Config{ShardBytes: 64, InlineBytes: 4, PartBytes: 6, SegmentBytes: 24, ChunkDocs: 3}

var searchCases = []struct {
	name  string
	q     string
	opt   Options
	want  []string // URLs in order
	total int      // if more than len(want)
}{
	{name: "phrase, not its bigrams apart", q: "乡村振兴", want: []string{"/a/"}},
	{name: "bigram, by score", q: "乡村", want: []string{"/a/", "/b/"}},
	{name: "one character finds titles", q: "村", want: []string{"/a/", "/b/"}},
	{name: "phrase broken by a space is not found, title first", q: "人工智能", want: []string{"/c/", "/g/", "/f/"}},
	{name: "newest first", q: "人工智能", opt: Options{Newest: true}, want: []string{"/g/", "/c/", "/f/"}},
	{name: "limit keeps the total", q: "人工智能", opt: Options{Limit: 1}, want: []string{"/c/"}, total: 3},
	{name: "words anded", q: "人工 智能", want: []string{"/c/", "/g/", "/b/", "/f/"}},
	{name: "mixed", q: "GDP 增长 2025", want: []string{"/c/"}},
	{name: "full-width query", q: "ＧＤＰ", want: []string{"/f/", "/c/"}},
	{name: "full-width text", q: "5G 网络", want: []string{"/f/", "/c/"}},
	{name: "mixed phrase", q: "5G网络", want: []string{"/f/", "/c/"}},
	{name: "character touching a word", q: "A股", want: []string{"/g/"}},
	{name: "article number", q: "第5条", want: []string{"/g/"}},
	{name: "prefix of the last word", q: "exec", want: []string{"/d/", "/e/"}},
	{name: "no prefix after a space", q: "exec ", want: nil},
	{name: "case folded", q: "EXECUTIVE", want: []string{"/d/", "/e/"}},
	{name: "quoted phrase", q: `"executive order"`, want: []string{"/d/"}},
	{name: "words in any order", q: "order executive", want: []string{"/d/", "/e/"}},
	{name: "prefix after a phrase", q: `"executive order" dat`, want: []string{"/d/"}},
	{name: "tag", q: "乡村", opt: Options{Tag: "农业"}, want: []string{"/a/", "/b/"}},
	{name: "newest first, by relevance last", q: "乡村", opt: Options{Newest: true}, want: []string{"/a/", "/b/"}},
	{name: "facet", q: "乡村", opt: Options{FacetKey: "source", FacetValue: "人民日报"}, want: []string{"/a/"}},
	{name: "year", q: "乡村", opt: Options{Year: 2024}, want: []string{"/b/"}},
	{name: "year without documents", q: "乡村", opt: Options{Year: 1999}, want: nil},
	{name: "unknown tag", q: "乡村", opt: Options{Tag: "无"}, want: nil},
	{name: "not found", q: "量子计算", want: nil},
	{name: "punctuation only", q: "，。", want: nil},
}

func TestSearchFindsWhatTheRulesSay(t *testing.T) {
	for _, cfg := range []struct {
		name string
		cfg  Config
	}{{"default", Config{}}, {"tiny", tiny}} {
		files := mustBuild(t, fixture, cfg.cfg)
		for _, c := range searchCases {
			hits, total, _, err := Search(mapFetch(files), c.q, c.opt)
			if err != nil {
				t.Fatalf("%s: Search(%q): %v", cfg.name, c.q, err)
			}
			var got []string
			for _, h := range hits {
				got = append(got, h.URL)
			}
			want := max(c.total, len(c.want))
			if !slices.Equal(got, c.want) || total != want {
				t.Errorf("%s: %s: Search(%q, %+v) = %q (total %d), want %q (total %d)", cfg.name, c.name, c.q, c.opt, got, total, c.want, want)
			}
		}
	}
}

func TestSearchRanksTitleMatchesBeforeHigherScores(t *testing.T) {
	files := mustBuild(t, fixture, Config{})
	hits, _, _, err := Search(mapFetch(files), "智能", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) < 2 || hits[0].URL != "/c/" || hits[0].Score >= hits[1].Score {
		t.Fatalf("Search(智能) = %+v; want /c/ first, the only title match, with a lower score than the next", hits)
	}
	for i := 2; i < len(hits); i++ {
		if hits[i].Score > hits[i-1].Score {
			t.Errorf("hit %d score %v > hit %d score %v; want body matches by score", i, hits[i].Score, i-1, hits[i-1].Score)
		}
	}
}

func TestSearchSnippetMarksTheMatch(t *testing.T) {
	files := mustBuild(t, fixture, Config{})
	for _, c := range []struct {
		q, url, snippet string
		marks           []string
	}{
		{"人工智能", "/f/", "经济稳定增长，全国ＧＤＰ增长５％，５Ｇ网络建设加快。发展人工智能。", []string{"人工智能"}},
		{"gdp 5g", "/f/", "经济稳定增长，全国ＧＤＰ增长５％，５Ｇ网络建设加快。发展人工智能。", []string{"ＧＤＰ", "５Ｇ"}},
		{"exec", "/e/", "An executive summary; the order was executed in 2025.", []string{"exec", "exec"}},
	} {
		hits, _, _, err := Search(mapFetch(files), c.q, Options{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(hits, func(h Hit) bool { return h.URL == c.url })
		if i < 0 {
			t.Fatalf("Search(%q): no %s", c.q, c.url)
		}
		h := hits[i]
		var marks []string
		for _, m := range h.Marks {
			marks = append(marks, h.Snippet[m[0]:m[1]])
		}
		if h.Snippet != c.snippet || !slices.Equal(marks, c.marks) {
			t.Errorf("Search(%q) %s: snippet %q marks %q, want %q marks %q", c.q, c.url, h.Snippet, marks, c.snippet, c.marks)
		}
	}
}

func TestSearchSnippetIsAroundTheMatchInALongText(t *testing.T) {
	text := strings.Repeat("这是一段很长的无关文字。\n", 400) + "这里提到乡村振兴的具体措施。" + strings.Repeat("后面还有其他内容。", 100)
	files := mustBuild(t, []Doc{{URL: "/long/", Title: "长文", Text: text}}, Config{})
	for _, q := range []string{"乡村振兴", "乡村", "振兴 措施"} {
		hits, _, fetched, err := Search(mapFetch(files), q, Options{})
		if err != nil || len(hits) != 1 {
			t.Fatalf("Search(%q) = %v, %v", q, hits, err)
		}
		if !strings.HasPrefix(hits[0].Snippet, "…这里提到乡村振兴的具体措施") || len(hits[0].Marks) == 0 {
			t.Errorf("Search(%q) snippet = %q, marks %v; want it around the match", q, hits[0].Snippet, hits[0].Marks)
		}
		if fetched > int64(len(text))/2 {
			t.Errorf("Search(%q) fetched %d bytes of a %d-byte text; want one segment", q, fetched, len(text))
		}
	}
}

func TestSearchFetchesOnlyWhatItNeeds(t *testing.T) {
	files := mustBuild(t, fixture, Config{})
	var got []string
	fetch := func(name string) ([]byte, error) {
		got = append(got, name)
		return mapFetch(files)(name)
	}
	if _, _, _, err := Search(fetch, "量子计算", Options{}); err != nil {
		t.Fatal(err)
	}
	for _, name := range got {
		if !strings.HasPrefix(name, "search/p/") && name != "search/index.json" {
			t.Errorf("a query that finds nothing fetched %s; want only the header and shards", name)
		}
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	docs := genDocs(300, 7)
	docs = append(docs, fixture...)
	docs[0].Facets = map[string][]string{"a": {"1"}, "b": {"2", "3"}, "c": {"4"}, "d": {"5"}, "e": {"6"}}
	want := mustBuild(t, docs, Config{})
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for i, procs := range []int{1, 3} {
		runtime.GOMAXPROCS(procs)
		shuffled := slices.Clone(docs)
		rand.New(rand.NewPCG(uint64(i), 1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		got := mustBuild(t, shuffled, Config{})
		if len(got) != len(want) {
			t.Fatalf("GOMAXPROCS %d, shuffled: %d files, want %d", procs, len(got), len(want))
		}
		for name, b := range want {
			if string(got[name]) != string(b) {
				t.Errorf("GOMAXPROCS %d, shuffled: %s differs", procs, name)
			}
		}
	}
}

func TestBuildReportsBadDocuments(t *testing.T) {
	_, _, err := Build([]Doc{
		{URL: "/a/", Date: "2025-04-27"},
		{URL: "/a/"},
		{URL: "b/"},
		{URL: "/c/", Date: "2025年4月"},
	}, Config{})
	if err == nil {
		t.Fatal("Build succeeded; want errors")
	}
	for _, want := range []string{`"/a/": url indexed twice`, `"b/": url must start with /`, `/c/: date "2025年4月"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Build error = %v; want it to contain %s", err, want)
		}
	}
}

func TestBuildStatsCountEveryFile(t *testing.T) {
	files, st, err := Build(fixture, Config{})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for name, b := range files {
		if !strings.HasPrefix(name, "search/") {
			t.Errorf("file %s is outside search/", name)
		}
		n += int64(len(b))
	}
	if st.Docs != len(fixture) || st.Files != len(files) || st.Bytes != n {
		t.Errorf("Stats = %+v, want {Docs:%d Files:%d Bytes:%d}", st, len(fixture), len(files), n)
	}
}

func TestBuildWithoutDocumentsGivesAnEmptyIndex(t *testing.T) {
	files := mustBuild(t, nil, Config{})
	hits, total, _, err := Search(mapFetch(files), "人工智能", Options{})
	if err != nil || total != 0 || len(hits) != 0 {
		t.Errorf("Search on an empty index = %v, %d, %v; want nothing", hits, total, err)
	}
}

func TestBuildEmitGivesTheSameFilesAndStats(t *testing.T) {
	docs := genDocs(300, 11)
	docs = append(docs, fixture...)
	// Half the texts come from TextFrom, which Emit calls twice.
	calls := make([]int, len(docs))
	for i := range docs {
		if i%2 == 0 {
			text, i := docs[i].Text, i
			docs[i].Text = ""
			docs[i].TextFrom = func() string { calls[i]++; return text }
		}
	}
	want, wantStats, err := Build(docs, Config{PartBytes: 1 << 10})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]byte{}
	var mu sync.Mutex
	files, stats, err := Build(docs, Config{PartBytes: 1 << 10, Emit: func(name string, data []byte) error {
		mu.Lock()
		defer mu.Unlock()
		if _, ok := got[name]; ok {
			t.Errorf("%s emitted twice", name)
		}
		got[name] = data
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if files != nil {
		t.Errorf("Build with Emit returned %d files, want none", len(files))
	}
	if stats != wantStats {
		t.Errorf("Stats with Emit = %+v, want %+v", stats, wantStats)
	}
	if len(got) != len(want) {
		t.Errorf("emitted %d files, want %d", len(got), len(want))
	}
	var parts int
	for name, b := range want {
		if string(got[name]) != string(b) {
			t.Errorf("%s differs when emitted", name)
		}
		if strings.HasPrefix(name, "search/x/") {
			parts++
		}
	}
	if parts == 0 {
		t.Error("no long list was cut into parts: the test covers less than it says")
	}
	for i, n := range calls {
		if i%2 == 0 && n != 3 {
			t.Errorf("TextFrom of document %d called %d times, want once for the plain build and twice with Emit", i, n)
		}
	}
	// Documents measured beforehand are read once, and give the same files.
	measured := slices.Clone(docs)
	for i := range measured {
		if i%3 != 2 {
			text := docs[i].Text
			if docs[i].TextFrom != nil {
				text = docs[i].TextFrom()
			}
			measured[i].Units = Measure(docs[i].Title, text)
		}
	}
	clear(calls)
	once := map[string][]byte{}
	if _, _, err := Build(measured, Config{PartBytes: 1 << 10, Emit: func(name string, data []byte) error {
		mu.Lock()
		defer mu.Unlock()
		once[name] = data
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	if len(once) != len(want) {
		t.Errorf("with Units: emitted %d files, want %d", len(once), len(want))
	}
	for name, b := range want {
		if string(once[name]) != string(b) {
			t.Errorf("with Units: %s differs", name)
		}
	}
	for i, n := range calls {
		if i%2 == 0 && i%3 != 2 && n != 1 {
			t.Errorf("TextFrom of measured document %d called %d times, want once", i, n)
		}
	}

	stop := errors.New("disk full")
	if _, _, err := Build(docs, Config{Emit: func(string, []byte) error { return stop }}); !errors.Is(err, stop) {
		t.Errorf("Build with a failing Emit = %v, want its error", err)
	}
}

// TestSearchRefusesABadTextKey: a document's entry names its text segments
// by a key of 32 hex digits, which a reader checks before it fetches one.
func TestSearchRefusesABadTextKey(t *testing.T) {
	files := mustBuild(t, fixture, Config{})
	if hits, _, _, err := Search(mapFetch(files), "人工智能", Options{}); err != nil || len(hits) == 0 || hits[0].Snippet == "" {
		t.Fatalf("the index as built: %v, %+v", err, hits)
	}
	var chunk [][]any
	if err := json.Unmarshal(files[chunkName(0)], &chunk); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []any{"../../../secret", "ABCDEF0123456789ABCDEF0123456789", "00", nil} {
		broken := maps.Clone(files)
		var c [][]any
		for _, d := range chunk {
			d = slices.Clone(d)
			if len(d) == 5 {
				if bad == nil {
					d = d[:4]
				} else {
					d[4] = bad
				}
			}
			c = append(c, d)
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		broken[chunkName(0)] = b
		if _, _, _, err := Search(mapFetch(broken), "人工智能", Options{}); !errors.Is(err, errCorrupt) {
			t.Errorf("text key %v: %v, want a corrupt index", bad, err)
		}
	}
}
