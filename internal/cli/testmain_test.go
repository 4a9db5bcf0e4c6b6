package cli_test

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/folio-ssg/folio/internal/cli"
)

// TestMain makes the test binary the folio command of the scripts in
// testdata/script, and closes what the tests share (one folio executable,
// one Chromium) once they have all run.
func TestMain(m *testing.M) {
	testscript.Main(sharing{m}, map[string]func(){
		"folio": func() { os.Exit(cli.Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// sharing runs the tests for testscript.Main, which exits the process
// itself. When they all run (no -run), it builds folio and starts Chromium
// while the first tests run, and it closes both after the last.
type sharing struct{ m *testing.M }

func (s sharing) Run() int {
	defer closeShared()
	if !flag.Parsed() {
		flag.Parse()
	}
	if flag.Lookup("test.run").Value.String() == "" {
		go shared.binOnce.Do(buildFolio)
		if _, err := os.Stat(chromiumPath); err == nil {
			go sharedBrowser()
		}
	}
	return s.m.Run()
}

// shared holds what several tests use and the first one to need it
// makes: building folio or starting Chromium once per package, not once
// per test, is most of what these tests would otherwise spend.
var shared struct {
	binOnce sync.Once
	binDir  string
	bin     string
	binErr  error

	browserOnce   sync.Once
	browser       context.Context // Chromium's first tab; tests open their own
	browserDir    string          // its user data folder
	browserErr    error
	cancelBrowser []context.CancelFunc
}

func closeShared() {
	// Wait for a build or a start still under way.
	shared.binOnce.Do(func() {})
	shared.browserOnce.Do(func() {})
	for _, cancel := range shared.cancelBrowser {
		cancel() // the allocator's waits for Chromium to exit
	}
	for _, dir := range []string{shared.browserDir, shared.binDir} {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
}

// releaseVersion is what folioBinary stamps into folio, as
// .github/workflows/release.yml stamps a tag.
const releaseVersion = "v9.8.7"

// folioBinary returns a folio executable built once for the package the
// way .github/workflows/release.yml builds one (-trimpath, the version
// stamped by -ldflags -X), so that tests run the real program, signals
// and all.
func folioBinary(t *testing.T) string {
	t.Helper()
	shared.binOnce.Do(buildFolio)
	if shared.binErr != nil {
		t.Fatalf("go build: %v", shared.binErr)
	}
	return shared.bin
}

func buildFolio() {
	shared.binDir, shared.binErr = os.MkdirTemp("", "folio-cli-test-")
	if shared.binErr != nil {
		return
	}
	shared.bin = filepath.Join(shared.binDir, "folio")
	cmd := exec.Command("go", "build", "-trimpath",
		"-ldflags", "-X github.com/folio-ssg/folio/internal/cli.version="+releaseVersion, "-o", shared.bin, "../../cmd/folio")
	if out, err := cmd.CombinedOutput(); err != nil {
		shared.binErr = &buildError{err, out}
	}
}

type buildError struct {
	err error
	out []byte
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + string(e.out) }

// sharedBrowser starts the package's headless Chromium, once, with a
// context that lives until every test has run: a browser started under a
// test's or a step's context would die with it.
func sharedBrowser() (context.Context, error) {
	shared.browserOnce.Do(func() {
		shared.browserDir, shared.browserErr = os.MkdirTemp("", "folio-chromium-")
		if shared.browserErr != nil {
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
			chromedp.UserDataDir(shared.browserDir),
		)
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(actx)
		shared.cancelBrowser = []context.CancelFunc{cancel, cancelAlloc}
		shared.browser = ctx
		shared.browserErr = chromedp.Do(ctx)
	})
	return shared.browser, shared.browserErr
}
