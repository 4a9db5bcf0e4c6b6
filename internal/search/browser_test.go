package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/folio-ssg/folio/internal/browsertest"
)

// chromiumPath is Debian's Chromium, which .ci/run installs.
const chromiumPath = browsertest.Path

const browserTimeout = 20 * time.Second

// newBrowser opens a tab for the test in the package's headless Chromium,
// in a browser context of its own (storage and cache apart from the other
// tests'), and returns the tab's context. Without Chromium the test fails
// where CI=true or FOLIO_REQUIRE_BROWSER=1 is set, and skips elsewhere.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" || os.Getenv("FOLIO_REQUIRE_BROWSER") == "1" {
			t.Fatalf("%s is missing and CI or FOLIO_REQUIRE_BROWSER is set (apt-get install chromium): %v", chromiumPath, err)
		}
		t.Skipf("%s is missing; apt-get install chromium to run this test (CI never skips it)", chromiumPath)
	}
	browser, err := sharedBrowser()
	if err != nil {
		t.Fatalf("start %s: %v", chromiumPath, err)
	}
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel) // closes the tab and its browser context
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab in %s: %v", chromiumPath, err)
	}
	return ctx
}

// eval evaluates a JavaScript expression in the page, awaiting a promise.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, browserTimeout)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// step runs browser actions within browserTimeout.
func step(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, browserTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s: not within %v", what, browserTimeout)
		}
		t.Fatalf("%s: %v", what, err)
	}
}

func poll(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	step(t, ctx, what, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(0)))
}

// searchPage renders the main block of templates/search.html for a site
// under base, the way internal/render gives it $.URL and T.
func searchPage(t *testing.T, base string) []byte {
	t.Helper()
	src, err := os.ReadFile("../../templates/search.html")
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := template.New("templates/search.html").Funcs(template.FuncMap{
		"T": func(key string, args ...any) string { return key },
	}).Parse(`{{define "base"}}{{end}}` + string(src))
	if err != nil {
		t.Fatalf("parse templates/search.html: %v", err)
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html lang=zh><head><meta charset=utf-8><title>search</title></head><body>")
	if err := tmpl.ExecuteTemplate(&b, "main", pageData{base}); err != nil {
		t.Fatalf("execute templates/search.html: %v", err)
	}
	b.WriteString("</body></html>")
	return []byte(b.String())
}

type pageData struct{ base string }

func (d pageData) URL(p string) string { return strings.TrimSuffix(d.base, "/") + p }

// serveSite serves an index, static/search.js and the search page under
// base ("/repo/").
func serveSite(t *testing.T, files map[string][]byte, base string) string {
	t.Helper()
	js, err := os.ReadFile("../../static/search.js")
	if err != nil {
		t.Fatal(err)
	}
	page := searchPage(t, base)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutPrefix(r.URL.Path, base)
		switch {
		case !ok:
			http.NotFound(w, r)
		case name == "search/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(page)
		case name == "search.js":
			w.Header().Set("Content-Type", "text/javascript")
			w.Write(js)
		case files[name] != nil:
			switch path.Ext(name) {
			case ".json":
				w.Header().Set("Content-Type", "application/json")
			case ".txt":
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			default:
				w.Header().Set("Content-Type", "application/octet-stream")
			}
			w.Write(files[name])
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL + base
}

// jsResult is what the test page returns for a query.
type jsResult struct {
	URLs     []string   `json:"urls"`
	Total    int        `json:"total"`
	Fetched  int64      `json:"fetched"`
	Snippets []string   `json:"snippets"`
	Marks    [][]string `json:"marks"`
}

// browserQuery is a query of the consistency test. Fresh ones run on an
// index the page has not read yet, so that what they fetch can be compared.
type browserQuery struct {
	q     string
	opt   Options
	fresh bool
}

// TestBrowserSearchMatchesGo runs the same queries through static/search.js
// in Chromium and through Search, on a default index and on one cut into
// small parts. The two indexes are built and queried at the same time, each
// in a tab of its own: most of the time goes to the page fetching and
// reading the index, which a second tab overlaps on a second core.
func TestBrowserSearchMatchesGo(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	docs := slices.Concat(fixture, genDocs(300, 3))
	var queries []browserQuery
	for _, c := range searchCases {
		queries = append(queries, browserQuery{q: c.q, opt: c.opt})
	}
	for i, q := range []string{"发展", "经济 发展", "人工智能 2025", "乡村振兴", "国内生产总值", "发展中", "网络安全", "人民日报", "的", "2025年", "社会主义", "IPO", "ipo 融资", `"数字经济"`, "A股 基金", "5G", "５Ｇ"} {
		queries = append(queries, browserQuery{q: q, fresh: true})
		if i%3 == 0 {
			for _, opt := range []Options{{Newest: true, Limit: 5}, {Year: 2003}, {Tag: "科技"}, {FacetKey: "source", FacetValue: "新华社", Limit: 30}} {
				queries = append(queries, browserQuery{q: q, opt: opt})
			}
		}
	}
	var wg sync.WaitGroup
	for _, cfg := range []struct {
		name string
		cfg  Config
	}{{"default", Config{}}, {"small parts", Config{ShardBytes: 2048, InlineBytes: 64, PartBytes: 400, SegmentBytes: 400, ChunkDocs: 4}}} {
		tab, cancel := chromedp.NewContext(ctx)
		t.Cleanup(cancel)
		if err := chromedp.Do(tab); err != nil {
			t.Fatalf("open a tab: %v", err)
		}
		wg.Go(func() {
			t.Run(cfg.name, func(t *testing.T) {
				ctx := tab
				files := mustBuild(t, docs, cfg.cfg)
				site := serveSite(t, files, "/repo/")
				step(t, ctx, "open the search page", chromedp.Navigate(site+"search/"))
				poll(t, ctx, "search.js loads", `typeof window.folioSearch === "object"`)
				for i, c := range queries {
					index := "index.json"
					c.fresh = c.fresh && cfg.name == "default"
					if c.fresh {
						index = fmt.Sprintf("index.json?fresh=%d", i)
					}
					opt, _ := json.Marshal(map[string]any{
						"tag": c.opt.Tag, "facetKey": c.opt.FacetKey, "facetValue": c.opt.FacetValue,
						"year": c.opt.Year, "newest": c.opt.Newest, "limit": c.opt.Limit,
						"index": site + "search/" + index,
					})
					qj, _ := json.Marshal(c.q)
					got := eval[jsResult](t, ctx, fmt.Sprintf(`folioSearch.query(%s, %s).then(r => ({
						urls: r.hits.map(h => h.url), total: r.total, fetched: r.fetched,
						snippets: r.hits.map(h => h.snippet),
						marks: r.hits.map(h => h.marks.map(([a, b]) => h.snippet.slice(a, b))),
					}))`, qj, opt))

					hits, total, fetched, err := Search(mapFetch(files), c.q, c.opt)
					if err != nil {
						t.Fatal(err)
					}
					want := jsResult{Total: total, Fetched: fetched}
					for _, h := range hits {
						want.URLs = append(want.URLs, h.URL)
						want.Snippets = append(want.Snippets, h.Snippet)
						var ms []string
						for _, m := range h.Marks {
							ms = append(ms, h.Snippet[m[0]:m[1]])
						}
						want.Marks = append(want.Marks, ms)
					}
					norm := func(r jsResult) string {
						for i := range r.Marks {
							if len(r.Marks[i]) == 0 {
								r.Marks[i] = nil
							}
						}
						if len(r.URLs) == 0 {
							r.URLs, r.Snippets, r.Marks = nil, nil, nil
						}
						if !c.fresh || total == 0 {
							r.Fetched = 0 // cached, or all shards fetched at once
						}
						b, _ := json.MarshalIndent(r, "", " ")
						return string(b)
					}
					if g, w := norm(got), norm(want); g != w {
						t.Errorf("%s: query %q %+v:\nJavaScript %s\nGo %s", cfg.name, c.q, c.opt, g, w)
					}
				}
			})
		})
	}
	wg.Wait()
}

func TestBrowserFoldsAndScansAsGo(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	site := serveSite(t, mustBuild(t, fixture, Config{}), "/repo/")
	step(t, ctx, "open the search page", chromedp.Navigate(site+"search/"))
	poll(t, ctx, "search.js loads", `typeof window.folioSearch === "object"`)

	// Every code point of the blocks whose folding or class has rules,
	// between a word and a Han character, so that its class shows.
	var b strings.Builder
	for _, r := range [][2]rune{{0x20, 0x530}, {0x1E00, 0x2070}, {0x2E80, 0x3100}, {0xFE00, 0xFE10}, {0xFF00, 0xFFF0}, {0x20000, 0x20010}} {
		for c := r[0]; c < r[1]; c++ {
			if c >= 0xD800 && c < 0xE000 {
				continue
			}
			fmt.Fprintf(&b, "a%c人。", c)
		}
	}
	s := b.String()
	qs, _ := json.Marshal(s)
	if got, want := eval[string](t, ctx, `folioSearch.normalize(`+string(qs)+`)`), normalize(s); got != want {
		g, w := []rune(got), []rune(want)
		for i := range min(len(g), len(w)) {
			if g[i] != w[i] {
				t.Fatalf("normalize differs at %d: JavaScript %U, Go %U (near %q)", i, g[i], w[i], string(w[max(0, i-3):i+1]))
			}
		}
		t.Fatalf("normalize: JavaScript %d characters, Go %d", len(g), len(w))
	}
	// Highlighting follows the classes: a piece starting with a word
	// character only marks at the start of a word.
	for _, c := range []struct{ text, q string }{{s, "a人"}, {"Executive orders; EXEC ordered", "exec order"}, {"ＧＤＰ增长５％，gdp", "gdp 增长"}} {
		tj, _ := json.Marshal(c.text)
		qj, _ := json.Marshal(c.q)
		got := eval[[][2]int](t, ctx, `folioSearch.highlight(`+string(tj)+`, `+string(qj)+`).map(([a, b]) => [Array.from(`+string(tj)+`.slice(0, a)).length, Array.from(`+string(tj)+`.slice(0, b)).length])`)
		_, pieces := parseQuery(c.q)
		want := highlight([]rune(c.text), pieces)
		if fmt.Sprint(got) != fmt.Sprint(want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("highlight(%.40q, %q): JavaScript %v, Go %v", c.text, c.q, got, want)
		}
	}
}

func TestBrowserSearchPage(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	docs := slices.Concat(fixture, []Doc{{URL: "/x/", Title: `<img src=x onerror="window.pwned=1">人工智能`, Text: `<script>window.pwned=2</script> 人工智能 & <b>`, Date: "2020-01-01", Tags: []string{"<i>tag</i>"}}})
	site := serveSite(t, mustBuild(t, docs, Config{}), "/repo/")

	// The query in the URL runs on load; results are links under the base.
	step(t, ctx, "open the search page with a query", chromedp.Navigate(site+"search/?q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD"))
	poll(t, ctx, "results appear", `document.querySelectorAll(".search-results li").length === 4`)
	hrefs := eval[[]string](t, ctx, `Array.from(document.querySelectorAll(".search-results a")).map(a => a.getAttribute("href"))`)
	if len(hrefs) != 4 || !slices.ContainsFunc(hrefs, func(h string) bool { return strings.HasSuffix(h, "/repo/c/") }) || !strings.Contains(hrefs[0], "/repo/") {
		t.Errorf("result links = %q, want four under /repo/, one …/repo/c/", hrefs)
	}
	if n := eval[int](t, ctx, `Number(document.querySelector(".search-count").dataset.total)`); n != 4 {
		t.Errorf("result count = %d, want 4", n)
	}
	if marks := eval[int](t, ctx, `document.querySelectorAll(".search-results mark").length`); marks == 0 {
		t.Error("no <mark> in the results")
	}
	// Document text is text, never markup.
	if eval[bool](t, ctx, `window.pwned !== undefined || document.querySelector(".search-results img, .search-results script, .search-results b") !== null`) {
		t.Error("document text became markup in the results")
	}
	if !eval[bool](t, ctx, `document.querySelector(".search-results").textContent.includes("<img src=x")`) {
		t.Error("the title with markup characters is not shown as text")
	}

	// Typing keeps the URL in step; filters come from filters.json.
	eval[bool](t, ctx, `(() => { const i = document.querySelector("input[name=q]"); i.value = ""; i.focus(); return true })()`)
	step(t, ctx, "type a query", chromedp.SendKeys(`input[name=q]`, "乡村"))
	poll(t, ctx, "the URL follows the query", `new URLSearchParams(location.search).get("q") === "乡村" && document.querySelectorAll(".search-results li").length === 2`)
	poll(t, ctx, "the filters are filled in", `Array.from(document.querySelector("select[name=tag]").options).some(o => o.value === "农业") && Array.from(document.querySelector("select[name=year]").options).some(o => o.value === "2024")`)
	step(t, ctx, "filter by year", chromedp.SetValue(`select[name=year]`, "2024"))
	eval[bool](t, ctx, `document.querySelector("select[name=year]").dispatchEvent(new Event("change", {bubbles: true}))`)
	poll(t, ctx, "the year filter applies", `new URLSearchParams(location.search).get("year") === "2024" && document.querySelectorAll(".search-results li").length === 1`)

	// A linked search with filters and order restores them.
	step(t, ctx, "open a linked search", chromedp.Navigate(site+"search/?q=%E4%B9%A1%E6%9D%91&tag=%E5%86%9C%E4%B8%9A&sort=newest"))
	poll(t, ctx, "the linked search runs", `document.querySelector("select[name=sort]").value === "newest" && document.querySelector("select[name=tag]").value === "农业" && document.querySelectorAll(".search-results li").length === 2`)
	if got := eval[[]string](t, ctx, `Array.from(document.querySelectorAll(".search-results a")).map(a => new URL(a.href).pathname)`); !slices.Equal(got, []string{"/repo/a/", "/repo/b/"}) {
		t.Errorf("newest first = %q, want /repo/a/ then /repo/b/", got)
	}
}
