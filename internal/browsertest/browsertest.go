// Package browsertest starts the headless Chromium that folio's browser
// tests drive with chromedp: one per test binary, shared by its tests.
// Only tests import it.
package browsertest

import (
	"context"
	"os"
	"sync"

	"github.com/chromedp/chromedp"
)

// Path is where Debian's chromium package, which .ci/run installs, puts
// the browser.
const Path = "/usr/bin/chromium"

// Shared is one Chromium that a package's tests share, started by the
// first that needs it (starting one per test was a second or more each)
// and closed after the last. Its zero value is ready to use.
type Shared struct {
	once    sync.Once
	browser context.Context // Chromium's first tab; tests open their own
	dir     string          // its user data folder
	err     error
	cancel  []context.CancelFunc
}

// Start starts Chromium, once, with a context that lives until Close: a
// browser started under a test's or a step's context would die with it.
func (s *Shared) Start() (context.Context, error) {
	s.once.Do(func() {
		s.dir, s.err = os.MkdirTemp("", "folio-chromium-")
		if s.err != nil {
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(Path),
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
			chromedp.UserDataDir(s.dir),
		)
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(actx)
		s.cancel = []context.CancelFunc{cancel, cancelAlloc}
		s.browser = ctx
		s.err = chromedp.Do(ctx)
	})
	return s.browser, s.err
}

// Close stops Chromium, waiting for a start still under way, and removes
// its user data folder.
func (s *Shared) Close() {
	s.once.Do(func() {})
	if s.browser != nil {
		// Closed as a user would close it, Chromium removes the lock
		// folder it made in TMPDIR (org.chromium.Chromium.*); killed, it
		// leaves one behind at every run.
		chromedp.Cancel(s.browser)
	}
	for _, cancel := range s.cancel {
		cancel() // the allocator's waits for Chromium to exit
	}
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}
