package search

import (
	"context"
	"flag"
	"os"
	"runtime/debug"
	"testing"

	"github.com/folio-ssg/folio/internal/browsertest"
)

// TestMain starts the package's Chromium while the first tests run, when
// they all run (no -run), and closes it once they have. The collector
// lets the heap grow to five times what is live, not twice, unless GOGC
// is set: these tests build many indexes one after another, and a tenth
// of their CPU went to collecting at the default (20.6 against 18.2 s of
// user time, /usr/bin/time); folio itself keeps the default.
func TestMain(m *testing.M) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
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

// testChromium is the package's one headless Chromium, started by the
// first test that needs it.
var testChromium browsertest.Shared

func sharedBrowser() (context.Context, error) { return testChromium.Start() }

func closeBrowser() { testChromium.Close() }
