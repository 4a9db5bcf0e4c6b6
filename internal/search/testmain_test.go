package search

import (
	"context"
	"flag"
	"os"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestMain starts the package's Chromium while the first tests run, when
// they all run (no -run), and closes it once they have.
func TestMain(m *testing.M) {
	flag.Parse()
	if flag.Lookup("test.run").Value.String() == "" {
		if _, err := os.Stat(chromiumPath); err == nil {
			go sharedBrowser()
		}
	}
	code := m.Run()
	closeBrowser()
	os.Exit(code)
}

// testChromium is the package's one headless Chromium, started by the first
// test that needs it: starting one per test was a second or more each.
var testChromium struct {
	once    sync.Once
	browser context.Context // Chromium's first tab; tests open their own
	dir     string          // its user data folder
	err     error
	cancel  []context.CancelFunc
}

func sharedBrowser() (context.Context, error) {
	testChromium.once.Do(func() {
		testChromium.dir, testChromium.err = os.MkdirTemp("", "folio-chromium-")
		if testChromium.err != nil {
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(chromiumPath),
			chromedp.Headless,
			chromedp.NoSandbox, // CI runs as root
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			// Each window's omnibox popups are web pages of their own,
			// rendered by processes of their own; a headless test never
			// opens them.
			chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup"),
			chromedp.UserDataDir(testChromium.dir),
		)
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(actx)
		testChromium.cancel = []context.CancelFunc{cancel, cancelAlloc}
		testChromium.browser = ctx
		testChromium.err = chromedp.Do(ctx)
	})
	return testChromium.browser, testChromium.err
}

func closeBrowser() {
	testChromium.once.Do(func() {}) // wait for a start still under way
	for _, cancel := range testChromium.cancel {
		cancel() // the allocator's waits for Chromium to exit
	}
	if testChromium.dir != "" {
		os.RemoveAll(testChromium.dir)
	}
}
