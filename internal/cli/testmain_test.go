package cli_test

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/folio-ssg/folio/internal/browsertest"
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

	chromium browsertest.Shared
}

func closeShared() {
	shared.chromium.Close()
	shared.binOnce.Do(func() {}) // wait for a build still under way
	if shared.binDir != "" {
		os.RemoveAll(shared.binDir)
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

// sharedBrowser starts the package's headless Chromium, once.
func sharedBrowser() (context.Context, error) { return shared.chromium.Start() }
