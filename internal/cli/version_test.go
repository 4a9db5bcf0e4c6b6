package cli

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReleaseBuildPrintsStampedVersion builds folio the way
// .github/workflows/release.yml does and runs folio version.
func TestReleaseBuildPrintsStampedVersion(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "folio")
	build := exec.Command("go", "build", "-trimpath",
		"-ldflags", "-X github.com/folio-ssg/folio/internal/cli.version=v9.8.7", "-o", bin, "../../cmd/folio")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != "folio v9.8.7" {
		t.Errorf("folio version = %q, want folio v9.8.7", got)
	}
}
