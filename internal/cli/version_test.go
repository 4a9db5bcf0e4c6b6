package cli_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestReleaseBuildPrintsStampedVersion runs folio version in the binary
// the package's tests share, which folioBinary builds the way
// .github/workflows/release.yml does.
func TestReleaseBuildPrintsStampedVersion(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(folioBinary(t), "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(string(out)), "folio "+releaseVersion; got != want {
		t.Errorf("folio version = %q, want %s", got, want)
	}
}
