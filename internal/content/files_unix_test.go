//go:build unix

package content

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// FIFOs, devices and symbolic links as Unix has them.

func TestScanReadsOnlyRegularFilesInsideTheSite(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	write := func(p, s string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, "content", "a.md"), "# 甲\n")
	write(filepath.Join(root, "shared", "b.md"), "# 乙\n")
	write(filepath.Join(outside, "id_rsa"), "secret")
	write(filepath.Join(root, "content", "big.md"), strings.Repeat("大", 1<<19))
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink(filepath.Join(root, "shared", "b.md"), filepath.Join(root, "content", "inside.md")))
	must(os.Symlink(filepath.Join(outside, "id_rsa"), filepath.Join(root, "content", "report.pdf")))
	must(os.Symlink("/dev/zero", filepath.Join(root, "content", "zero.md")))
	must(syscall.Mkfifo(filepath.Join(root, "content", "pipe.md"), 0o644))

	f := Files{Root: root, MaxBytes: 1 << 20}
	files, warnings, err := f.Scan(os.DirFS(root), "content")
	if got := strings.Join(files, " "); got != "a.md inside.md" {
		t.Errorf("files = %s, want a.md inside.md", got)
	}
	msg := fmt.Sprint(err)
	for _, want := range []string{
		"content/big.md: 1.5 MB, over the limit of 1 MB a file (max_file_mb in folio.yaml)",
		"content/pipe.md: a FIFO, not a regular file",
		"content/report.pdf: a symlink to " + filepath.Join(outside, "id_rsa") + ", outside the site root: folio follows it only with follow_symlinks: true",
		"content/zero.md: a symlink to /dev/zero, outside the site root",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("Scan errors lack %q:\n%s", want, msg)
		}
	}
	if len(warnings) != 0 {
		t.Errorf("warnings = %v", warnings)
	}
	// Opted in, a link outside is followed with a warning; a device never is.
	f.FollowOutside = true
	files, warnings, err = f.Scan(os.DirFS(root), "content")
	if !slices.Contains(files, "report.pdf") || len(warnings) == 0 || !strings.Contains(fmt.Sprint(err), "content/zero.md: a device, not a regular file") {
		t.Errorf("follow_symlinks: files %v, warnings %v, err %v", files, warnings, err)
	}
}
