package cli_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/folio-ssg/folio/internal/browsertest"
)

// chromiumPath is Debian's Chromium, which .ci/run installs.
const chromiumPath = browsertest.Path

// newBrowser opens a tab for the test in the package's headless Chromium,
// in a browser context of its own (cookies, storage and cache apart from
// the other tests'), and returns the tab's context. Without Chromium the
// test fails where CI is set, and skips elsewhere.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set and %s is missing (.ci/run installs Debian's chromium): %v", chromiumPath, err)
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

// newTab opens another tab beside the one of ctx, in its browser context.
func newTab(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return tab
}

// pageEvents returns the Server-Sent Events that the page's EventSource
// receives, as Chromium reports them.
func pageEvents(ctx context.Context) <-chan sseEvent {
	ch := make(chan sseEvent, 64)
	events := chromedp.Events(ctx, network.EventSourceMessageReceived)
	go func() {
		defer close(ch)
		for ev, err := range events {
			if err != nil {
				return
			}
			select {
			case ch <- sseEvent{ev.EventName, ev.Data}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}

// step runs one browser step under eventTimeout.
func step(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, eventTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s: not within %v", what, eventTimeout)
		}
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, eventTimeout)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// poll waits until a JavaScript expression is true in the page, which must
// not navigate meanwhile.
func poll(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	step(t, ctx, what, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(0)))
}

// pollNavigating waits until a JavaScript expression is true in the page
// while the page may navigate: each navigation ends one poll, and polling
// starts again in the new document, until eventTimeout.
func pollNavigating(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, eventTimeout)
	defer cancel()
	for {
		err := chromedp.Do(sctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(0)))
		switch {
		case err == nil:
			return
		case sctx.Err() != nil:
			t.Fatalf("%s: not within %v", what, eventTimeout)
		case !strings.Contains(err.Error(), "navigated") && !strings.Contains(err.Error(), "context"):
			t.Fatalf("%s: %v", what, err)
		}
	}
}

func TestBrowserReloadsAndShowsOverlay(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	root := writeSite(t, liveSite)
	p, site := startServe(t, root)

	// The document's page, with its percent-encoded Chinese path, connected
	// to the event stream.
	inPage := pageEvents(ctx)
	step(t, ctx, "open the document", chromedp.Navigate(site+"news/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD%E5%81%A5%E5%BA%B7%E6%9C%89%E5%BA%8F%E5%8F%91%E5%B1%95/"))
	p.waitEvent(t, inPage, "hello event in the page", func(ev sseEvent) bool { return ev.name == "hello" })
	if title := eval[string](t, ctx, `document.title`); !strings.Contains(title, oldTitle) {
		t.Fatalf("document.title = %q, want it to contain %q", title, oldTitle)
	}
	if h1 := eval[string](t, ctx, `document.querySelector("h1").textContent`); h1 != oldTitle {
		t.Fatalf("h1 = %q, want %q", h1, oldTitle)
	}

	// A title edit reloads the page by itself: the marker is gone.
	eval[int](t, ctx, `window.__folioMarker = 1`)
	editFile(t, root, docFile, "title: "+oldTitle, "title: "+newTitle)
	p.waitEvent(t, inPage, "hello event from the reloaded page", func(ev sseEvent) bool { return ev.name == "hello" })
	poll(t, ctx, "the reloaded page shows the new title",
		`document.querySelector("h1")?.textContent === "`+newTitle+`" && window.__folioMarker === undefined && document.title.includes("`+newTitle+`")`)

	// A broken document shows the overlay, and fixing it removes it, both
	// without a reload.
	eval[int](t, ctx, `window.__folioMarker = 2`)
	editFile(t, root, docFile, goodAuthor, badAuthor)
	step(t, ctx, "the error overlay appears", chromedp.WaitVisible(chromedp.ID("folio-error-overlay")))
	text := eval[string](t, ctx, `document.getElementById("folio-error-overlay").textContent`)
	if !strings.Contains(text, "content/") || !strings.Contains(text, badDiag) {
		t.Fatalf("overlay text = %q, want it to contain %q", text, badDiag)
	}
	editFile(t, root, docFile, badAuthor, goodAuthor)
	step(t, ctx, "the error overlay goes away", chromedp.WaitNotPresent(chromedp.ID("folio-error-overlay")))
	if !eval[bool](t, ctx, `window.__folioMarker === 2`) {
		t.Fatal("the page reloaded for the overlay; want it updated in place")
	}

	// A stylesheet edit re-fetches the stylesheet with a new ?v= and keeps
	// the page.
	eval[int](t, ctx, `window.__folioMarker = 3`)
	const link = `document.querySelector('link[rel~="stylesheet"]')`
	href := eval[string](t, ctx, link+`.href`)
	if !strings.HasSuffix(href, "/repo/style.css") {
		t.Fatalf("stylesheet href = %q, want …/repo/style.css", href)
	}
	editFile(t, root, "static/style.css", "body { margin: 0 }", "body { margin: 0 }\nh1 { color: rgb(1, 2, 3) }")
	poll(t, ctx, "the stylesheet is re-fetched in place",
		link+`.href !== "`+href+`" && `+link+`.href.startsWith("`+href+`?v=") && window.__folioMarker === 3 && getComputedStyle(document.querySelector("h1")).color === "rgb(1, 2, 3)"`)

	// A document that moves (its slug changed) takes the open page with
	// it, instead of leaving it on a 404.
	editFile(t, root, docFile, "slug: 人工智能健康有序发展", "slug: 人工智能发展")
	pollNavigating(t, ctx, "the open page follows its document to the new URL",
		`decodeURIComponent(location.pathname) === "/repo/news/人工智能发展/" && document.querySelector("h1")?.textContent === "`+newTitle+`"`)
}

// TestBrowserVisitsManyPagesInOneTab: pages left for another close their
// live-reload stream, so a reader moving through a dozen pages of folio
// serve in one tab never waits for a stream slot (browsers keep left pages
// alive for the back button, and allow six connections a host).
func TestBrowserVisitsManyPagesInOneTab(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	root := writeSite(t, liveSite)
	_, site := startServe(t, root)
	paths := []string{"", "tags/", "archive/", "news/", "laws/", "notes/", "archive/2025/", "archive/2023/", "tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/", "search/", "", "tags/"}
	for i, p := range paths {
		// Each load must finish well within the 60 s a stalled one takes.
		step(t, ctx, "open page "+strconv.Itoa(i)+" "+p, chromedp.Navigate(site+p))
	}
}
