package search

import (
	"context"
	"flag"
	"os"
	"testing"

	"github.com/folio-ssg/folio/internal/browsertest"
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

// testChromium is the package's one headless Chromium, started by the
// first test that needs it.
var testChromium browsertest.Shared

func sharedBrowser() (context.Context, error) { return testChromium.Start() }

func closeBrowser() { testChromium.Close() }
