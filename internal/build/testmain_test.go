package build

import (
	"os"
	"runtime/debug"
	"testing"
)

// TestMain runs the tests with a collector that lets the heap grow to
// five times what is live, not twice (see testGC). A hostile case's child
// process keeps the default: its memory budget is measured as a folio
// process would use memory.
func TestMain(m *testing.M) {
	if os.Getenv(hostileChildEnv) == "" {
		testGC()
	}
	os.Exit(m.Run())
}

// hostileChildEnv names the folder a child process of
// TestHostileInputsFailSafely runs its one case in.
const hostileChildEnv = "FOLIO_HOSTILE_CASE_DIR"

// testGC sets the collector of a test process that builds many small
// sites one after another, each allocating afresh: GOGC=400, unless GOGC
// is set. A sixth of this package's CPU went to the collector at the
// default of 100 (48 against 41 s of CPU for its tests without the
// hostile cases, /usr/bin/time); the heap of these tests stays in tens of
// megabytes either way. folio itself keeps the default.
func testGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}
