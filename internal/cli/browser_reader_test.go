package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/folio-ssg/folio/internal/cli"
)

// readerPages are the pages of the bundled example a reader meets first;
// ready, when set, is true once the page has finished its own work.
var readerPages = []struct{ name, path, ready string }{
	{"home", "", ""},
	{"law", "laws/constitutional/全国人民代表大会组织法/", ""},
	{"seed", "news/000_0cc289df36280051/", ""},
	{"tag", "tags/人工智能/", ""},
	{"tags", "tags/", ""},
	{"archive", "archive/", ""},
	{"search", "search/?q=" + url.QueryEscape("人工智能"), `document.querySelectorAll(".search-results li").length > 0`},
}

// TestBrowserReader reads the bundled example as a reader would, in one
// Chromium: every first page at 1280 and 375 px wide, light and dark, fits
// the window, loads nothing from another host, fails no request, logs no
// error and has no serious or critical axe-core violation (in dark, of
// axe's colour rules: the dark scheme changes colours only); then a long law
// is read through its table of contents, the seed article is found again
// through the timeline and its tag and printed with its source and URL, the
// dark-mode choice is remembered, the pages work without JavaScript, and an
// English document reads as English. Screenshots and the printout go to
// $FOLIO_SCREENSHOTS, else to a folder the test logs.
//
// The first pages are read in two tabs at once, one for each width: most
// of the time goes to Chromium laying out, checking and picturing them,
// which a second tab overlaps on a second core. Each page is opened once
// and read in light, then in dark.
func TestBrowserReader(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	site, host := publish(t, bundledSite(t))
	shots := screenshotDir(t)
	axe, err := os.ReadFile(filepath.Join("..", "..", "testdata", "reader", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("pages", func(t *testing.T) {
		var mu sync.Mutex
		var reported []string // moderate and minor violations, once each
		var wg sync.WaitGroup
		for _, width := range []int64{1280, 375} {
			ctx := newTab(t, ctx)
			rec := record(t, ctx, host)
			wg.Go(func() {
				t.Run(fmt.Sprint(width), func(t *testing.T) {
					for _, p := range readerPages {
						rec.take()
						setWindow(t, ctx, width, "light", "")
						step(t, ctx, fmt.Sprintf("open %s-%d", p.name, width), chromedp.Navigate(site+p.path))
						if p.ready != "" {
							poll(t, ctx, p.name+" is ready", p.ready)
						}
						// Then dark, on the same page: the theme follows
						// a change of the system's scheme as it happens.
						for _, scheme := range []string{"light", "dark"} {
							name := fmt.Sprintf("%s-%d-%s", p.name, width, scheme)
							var rules []string
							if scheme == "dark" {
								setWindow(t, ctx, width, scheme, "")
								rules = axeColorRules
							}
							if over := eval[[]string](t, ctx, overflowJS); len(over) > 0 {
								t.Errorf("%s: wider than the window (%d px): %s", name, width, strings.Join(over, "; "))
							}
							for _, v := range runAxe(t, ctx, axe, rules...) {
								switch v.Impact {
								case "serious", "critical":
									t.Errorf("%s: axe %s (%s): %s: %s", name, v.ID, v.Impact, v.Help, v.nodes())
								default:
									mu.Lock()
									if !slices.Contains(reported, v.ID) {
										reported = append(reported, v.ID)
										t.Logf("%s: axe %s (%s): %s: %s", name, v.ID, v.Impact, v.Help, v.nodes())
									}
									mu.Unlock()
								}
							}
							screenshot(t, ctx, shots, name)
						}
						for _, problem := range rec.take() {
							t.Errorf("%s-%d: %s", p.name, width, problem)
						}
					}
				})
			})
		}
		wg.Wait()
	})

	law := site + readerPages[1].path
	t.Run("a long law has a table of contents and a way back up", func(t *testing.T) {
		setWindow(t, ctx, 1280, "light", "")
		step(t, ctx, "open the law", chromedp.Navigate(law))
		if n := eval[int](t, ctx, `document.querySelectorAll(".toc a").length`); n < 4 {
			t.Fatalf("table of contents has %d entries, want one per chapter", n)
		}
		// Wide: beside the text, and still in view far down the page.
		poll(t, ctx, "the contents are open beside the text", `document.querySelector(".toc ol").checkVisibility() && document.querySelector(".toc").getBoundingClientRect().right <= document.querySelector(".doc-body").getBoundingClientRect().left`)
		eval[int](t, ctx, `window.scrollTo(0, document.body.scrollHeight / 2), 0`)
		if top := eval[float64](t, ctx, `document.querySelector(".toc").getBoundingClientRect().top`); top < 0 || top > 40 {
			t.Errorf("half way down, the contents are at %.0f px from the top, want them stuck near the top", top)
		}
		// An entry leads to its chapter.
		target := eval[string](t, ctx, `(() => { const a = document.querySelectorAll(".toc a")[3]; a.click(); return decodeURIComponent(a.hash.slice(1)); })()`)
		poll(t, ctx, "the chapter is at the top", `Math.abs(document.getElementById(`+jsString(target)+`).getBoundingClientRect().top) < 40`)

		// Phone: collapsed above the text, opened by a tap; the way back up
		// follows the reader.
		setWindow(t, ctx, 375, "light", "")
		step(t, ctx, "open the law on a phone", chromedp.Navigate(law))
		if eval[bool](t, ctx, `document.querySelector(".toc ol").checkVisibility()`) {
			t.Error("on a phone the contents are open; want them collapsed")
		}
		step(t, ctx, "open the contents", chromedp.Click(chromedp.CSS(".toc summary")))
		poll(t, ctx, "the contents open", `document.querySelector(".toc ol").checkVisibility()`)
		eval[int](t, ctx, `window.scrollTo(0, document.body.scrollHeight * 0.6), 0`)
		if bottom := eval[float64](t, ctx, `innerHeight - document.querySelector(".to-top").getBoundingClientRect().bottom`); bottom < 0 || bottom > 60 {
			t.Errorf("back-to-top is %.0f px above the window's bottom, want it in view", bottom)
		}
		step(t, ctx, "go back to the top", chromedp.Click(chromedp.CSS(".to-top")))
		poll(t, ctx, "the top is in view", `scrollY < 5`)
	})

	t.Run("the timeline and a tag lead back to the seed article", func(t *testing.T) {
		setWindow(t, ctx, 375, "light", "")
		step(t, ctx, "open the archive", chromedp.Navigate(site+"archive/"))
		bar := `a[href$="/archive/2025/04/"]`
		if h := eval[float64](t, ctx, `document.querySelector('.bars `+bar+` .bar').getBoundingClientRect().height`); h < 3 {
			t.Errorf("the bar of April 2025 is %.1f px tall", h)
		}
		step(t, ctx, "follow April 2025", chromedp.Click(chromedp.CSS(".bars "+bar)))
		pollNavigating(t, ctx, "the month lists the seed", `document.querySelector("h1")?.textContent === "2025年4月" && document.title.startsWith("2025年4月") && [...document.querySelectorAll(".doc-title")].some(a => a.textContent === "`+seedTitle+`")`)
		step(t, ctx, "open the seed", chromedp.Click(`//a[@class="doc-title"][text()="`+seedTitle+`"]`))
		pollNavigating(t, ctx, "the seed article", `document.querySelector("h1")?.textContent === "`+seedTitle+`"`)
		crumbs := eval[[]string](t, ctx, `[...document.querySelectorAll(".crumbs li")].map(li => li.textContent.trim())`)
		if want := []string{"首页", "新闻报道"}; !slices.Equal(crumbs, want) {
			t.Errorf("breadcrumb = %q, want %q", crumbs, want)
		}
		if d := eval[string](t, ctx, `(() => { const a = document.querySelector(".doc-info time").closest("a"); return a ? decodeURI(new URL(a.href).pathname) + " " + a.textContent : "" })()`); d != "/repo/archive/2025/04/ 2025年4月27日" {
			t.Errorf("the date links %q, want its month in the archive", d)
		}
		// Chinese is never slanted: emphasis is marked with dots, the
		// newspaper's name in the APA citation stays upright.
		if fs := eval[string](t, ctx, `(() => { const e = document.createElement("em"); e.textContent = "着重"; document.querySelector(".doc-body p").append(e); const s = getComputedStyle(e); return s.fontStyle + " " + s.textEmphasisStyle; })()`); fs != "normal dot" {
			t.Errorf("Chinese emphasis is %q, want upright with emphasis dots", fs)
		}
		if fs := eval[string](t, ctx, `getComputedStyle(document.querySelector("#cite-apa i")).fontStyle`); fs != "normal" {
			t.Errorf("the Chinese title in the APA citation is %s, want upright", fs)
		}
		step(t, ctx, "follow its tag", chromedp.Click(`//dd[@class="tags"]/a[text()="人工智能"]`))
		pollNavigating(t, ctx, "the tag lists the seed", `document.querySelector("h1")?.textContent === "人工智能" && [...document.querySelectorAll(".doc-title")].some(a => a.textContent === "`+seedTitle+`")`)
	})

	t.Run("the seed article prints with its source, its URL and its citation", func(t *testing.T) {
		setWindow(t, ctx, 1280, "dark", "print")
		step(t, ctx, "open the seed", chromedp.Navigate(site+readerPages[2].path))
		for _, sel := range []string{".site-header", ".crumbs", ".prevnext", ".doc-related"} {
			if eval[bool](t, ctx, `document.querySelector("`+sel+`").checkVisibility()`) {
				t.Errorf("%s is printed", sel)
			}
		}
		printed := eval[string](t, ctx, `document.querySelector("article").innerText`)
		for _, want := range []string{
			"http://paper.people.com.cn/rmrb/pc/content/202504/27/content_30070122.html",
			"本页网址",
			"/repo/news/000_0cc289df36280051/",
			"人民日报. 习近平在中共中央政治局第二十次集体学习时强调[N]. 人民日报, 2025-04-27(1).",
		} {
			if !strings.Contains(printed, want) {
				t.Errorf("the printed article lacks %q", want)
			}
		}
		if bg := eval[string](t, ctx, `getComputedStyle(document.body).backgroundColor`); bg != "rgb(255, 255, 255)" {
			t.Errorf("printed background = %s, want white even in dark mode", bg)
		}
		pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF())
		if err != nil {
			t.Fatalf("print: %v", err)
		}
		save(t, shots, "seed-print.pdf", pdf)
	})

	t.Run("the dark-mode choice is remembered", func(t *testing.T) {
		setWindow(t, ctx, 1280, "light", "")
		step(t, ctx, "open the home page", chromedp.Navigate(site))
		poll(t, ctx, "the toggle shows", `!document.querySelector(".theme-toggle").hidden && document.querySelector(".theme-toggle").getAttribute("aria-pressed") === "false"`)
		light := eval[string](t, ctx, `getComputedStyle(document.body).backgroundColor`)
		step(t, ctx, "choose dark", chromedp.Click(chromedp.CSS(".theme-toggle")))
		step(t, ctx, "open another page", chromedp.Navigate(site+"tags/"))
		poll(t, ctx, "the other page is dark", `document.documentElement.dataset.theme === "dark" && document.querySelector(".theme-toggle").getAttribute("aria-pressed") === "true" && getComputedStyle(document.body).backgroundColor !== "`+light+`"`)
		step(t, ctx, "choose light", chromedp.Click(chromedp.CSS(".theme-toggle")))
		poll(t, ctx, "light again", `getComputedStyle(document.body).backgroundColor === "`+light+`" && localStorage.getItem("folio-theme") === "light"`)
		eval[int](t, ctx, `localStorage.clear(), 0`)
	})

	t.Run("everything but search works without JavaScript", func(t *testing.T) {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
		setWindow(t, ctx, 1280, "light", "")
		step(t, ctx, "open the law", chromedp.Navigate(law))
		if !eval[bool](t, ctx, `document.querySelector(".toc ol").checkVisibility()`) {
			t.Error("without JavaScript the contents are not shown beside the text")
		}
		if !eval[bool](t, ctx, `document.querySelector(".theme-toggle").hidden`) {
			t.Error("the dark-mode toggle shows without the script that works it")
		}
		// The tag cloud sorts by name (pinyin) through the address alone.
		step(t, ctx, "sort tags by name", chromedp.Navigate(site+"tags/#by-name"))
		names := eval[[]string](t, ctx, `document.querySelector("#by-count").checkVisibility() ? [] : [...document.querySelectorAll("#by-name a")].map(a => a.textContent)`)
		sorted := eval[[]string](t, ctx, `[...document.querySelectorAll("#by-name a")].map(a => a.textContent).sort(new Intl.Collator("zh-CN").compare)`)
		if len(names) < 10 || !slices.Equal(names, sorted) {
			t.Errorf("tags by name = %q, want them visible alone and in pinyin order %q", names, sorted)
		}
		if size := eval[[]string](t, ctx, `[...new Set([...document.querySelectorAll("#by-name li")].map(li => getComputedStyle(li).fontSize))]`); len(size) < 2 {
			t.Errorf("the tag cloud has one size, %q; want sizes by frequency", size)
		}
	})

	t.Run("an English document reads as English in a Chinese site", func(t *testing.T) {
		setWindow(t, ctx, 375, "light", "")
		step(t, ctx, "open the order", chromedp.Navigate(site+"nyc/2024-EEO-569/"))
		var got struct {
			Lang, Align, Hyphens, Font, Date, Label, Title string
			Meta                                           []string
		}
		raw := eval[string](t, ctx, `JSON.stringify((() => {
			const a = document.querySelector("article"), b = a.querySelector(".doc-body"), s = getComputedStyle(b);
			return {Lang: a.lang, Align: s.textAlign, Hyphens: s.hyphens, Font: s.fontFamily, Date: a.querySelector(".doc-info time").textContent,
				Label: a.querySelector(".doc-info dt").textContent, Title: getComputedStyle(a.querySelector("#cite-apa i")).fontStyle,
				Meta: [...a.querySelectorAll(".meta > div")].map(d => d.querySelector("dt").textContent + "=" + (d.querySelector("a") ? "link:" : "") + d.querySelector("dd").textContent)};
		})())`)
		if err := json.Unmarshal([]byte(raw), &got); err != nil {
			t.Fatal(err)
		}
		if got.Lang != "en" || got.Align != "start" || got.Hyphens != "auto" || got.Date != "March 15, 2024" || got.Label != "Date" || got.Title != "italic" || strings.Contains(got.Font, "CJK") || strings.HasPrefix(got.Font, `"Songti`) {
			t.Errorf("English order: %+v; want lang en, left-aligned, hyphenated, Latin fonts first, English labels and dates, an italic title in the citation", got)
		}
		for _, want := range []string{"Emergency order=Yes", "Source PDF=link:https://www.nyc.gov/content/dam/nycgov/mayors-office/downloads/pdf/executive-orders/2024/eeo-569.pdf", "Pages=1"} {
			if !slices.Contains(got.Meta, want) {
				t.Errorf("details = %q, want %q among them", got.Meta, want)
			}
		}
	})
}

// publish builds the site under the base URL http://127.0.0.1:PORT/repo/
// and serves the output there as a static host such as GitHub Pages
// would: what readers get, without the preview server's live reload. It
// returns the site's URL and its host.
func publish(t *testing.T, root string) (site, host string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	files := http.StripPrefix("/repo", http.FileServer(http.Dir(out)))
	srv := httptest.NewServer(files)
	t.Cleanup(srv.Close)
	site = srv.URL + "/repo/"
	var stdout, stderr strings.Builder
	if code := cli.Main(context.Background(), []string{"build", "--source", root, "--dest", out, "--base-url", site}, &stdout, &stderr); code != 0 {
		t.Fatalf("folio build exited %d:\n%s%s", code, stdout.String(), stderr.String())
	}
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return site, u.Host
}

// screenshotDir is where the test writes its pictures: $FOLIO_SCREENSHOTS,
// else a folder in the system's temporary folder, emptied at each run.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("FOLIO_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "folio-reader-screenshots")
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

func save(t *testing.T, dir, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// screenshot saves the page from its top, 4,000 px at most.
func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	size := eval[[]float64](t, ctx, `[document.documentElement.clientWidth, Math.min(4000, document.documentElement.scrollHeight)]`)
	r, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format:                page.CaptureScreenshotFormatPng,
		CaptureBeyondViewport: ptr(true),
		OptimizeForSpeed:      ptr(true), // a larger PNG, encoded in a fraction of the time
		Clip:                  &page.Viewport{Width: size[0], Height: size[1], Scale: 1},
	})
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	save(t, dir, name+".png", r.Data)
}

func ptr[T any](v T) *T { return &v }

// setWindow sets the window's width (a phone below 600 px), the preferred
// colour scheme and the media type ("print", or "" for the screen).
func setWindow(t *testing.T, ctx context.Context, width int64, scheme, media string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: width, Height: 900, DeviceScaleFactor: 1, Mobile: width < 600}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media, Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
		t.Fatal(err)
	}
}

// overflowJS lists the elements that stick out of the window when the page
// is wider than it.
const overflowJS = `(() => {
	const w = document.documentElement.clientWidth;
	if (document.documentElement.scrollWidth <= w) return [];
	return [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > w + 1).slice(0, 5)
		.map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : "") + " to " + Math.round(e.getBoundingClientRect().right) + " px");
})()`

type axeViolation struct {
	ID, Impact, Help string
	Nodes            []struct {
		Target []any
		HTML   string
	}
}

func (v axeViolation) nodes() string {
	var s []string
	for i, n := range v.Nodes {
		if i == 3 {
			s = append(s, fmt.Sprintf("and %d more", len(v.Nodes)-3))
			break
		}
		s = append(s, fmt.Sprint(n.Target)+" "+n.HTML)
	}
	return strings.Join(s, "; ")
}

// axeColorRules are the rules axe runs by default that read colours: all
// a change of colour scheme can change, since the dark scheme of
// static/style.css sets colours and nothing else.
var axeColorRules = []string{"color-contrast", "link-in-text-block"}

// runAxe runs axe-core in the page and returns its violations: of every
// rule axe runs by default, or of the rules named.
func runAxe(t *testing.T, ctx context.Context, src []byte, rules ...string) []axeViolation {
	t.Helper()
	if !eval[bool](t, ctx, `typeof axe === "object"`) {
		eval[int](t, ctx, string(src)+"\n;0")
	}
	sctx, cancel := context.WithTimeout(ctx, 4*eventTimeout)
	defer cancel()
	opts := map[string]any{"resultTypes": []string{"violations"}}
	if len(rules) > 0 {
		opts["runOnly"] = map[string]any{"type": "rule", "values": rules}
	}
	o, _ := json.Marshal(opts)
	raw, err := chromedp.Run(sctx, chromedp.Evaluate[string](`axe.run(document, `+string(o)+`).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe: %v", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		t.Fatalf("axe: %v", err)
	}
	return vs
}

// recorder collects what a reader should never meet: requests to another
// host, failed requests, console errors and uncaught exceptions.
type recorder struct {
	mu       sync.Mutex
	host     string
	urls     map[network.RequestID]string
	problems []string
}

func record(t *testing.T, ctx context.Context, host string) *recorder {
	t.Helper()
	r := &recorder{host: host, urls: map[network.RequestID]string{}}
	err := chromedp.Listen(ctx, func(ev any) {
		r.mu.Lock()
		defer r.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			r.urls[ev.RequestID] = ev.Request.URL
			if u, err := url.Parse(ev.Request.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "ws" || u.Scheme == "wss") && u.Host != r.host {
				r.problems = append(r.problems, "request to another host: "+ev.Request.URL)
			}
		case *network.EventLoadingFailed:
			if !ev.Canceled {
				r.problems = append(r.problems, fmt.Sprintf("request failed: %s: %s", r.urls[ev.RequestID], ev.ErrorText))
			}
		case *network.EventResponseReceived:
			if ev.Response.Status >= 400 {
				r.problems = append(r.problems, fmt.Sprintf("%s: status %d", ev.Response.URL, ev.Response.Status))
			}
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				r.problems = append(r.problems, "console error: "+strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			r.problems = append(r.problems, "uncaught exception: "+msg)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				r.problems = append(r.problems, "browser error: "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// take returns the problems recorded since the last call.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.problems
	r.problems = nil
	return p
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
