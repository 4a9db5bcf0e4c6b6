package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/folio-ssg/folio/internal/corpusgen"
)

// TestInterruptStopsABuildAndKeepsTheOldOutput sends SIGINT and SIGTERM to
// folio build in the middle of its work, in the process as a user's Ctrl-C
// would: it must stop promptly, say so, and leave the previous output as
// it was.
func TestInterruptStopsABuildAndKeepsTheOldOutput(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "folio")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/folio").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	root := t.TempDir()
	if err := corpusgen.Write(root, 800); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "build", "--source", root).CombinedOutput(); err != nil {
		t.Fatalf("first build: %v\n%s", err, out)
	}
	index := filepath.Join(root, "public", "index.html")
	before, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	// A change, so an uninterrupted build would write something else.
	os.WriteFile(filepath.Join(root, "folio.yaml"), []byte("title: 改过的标题\n"), 0o644)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		var stderr bytes.Buffer
		cmd := exec.Command(bin, "build", "--source", root)
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond) // into the build: loading and rendering
		sent := time.Now()
		cmd.Process.Signal(sig)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			took := time.Since(sent)
			t.Logf("%v: stopped %v after the signal", sig, took.Round(time.Millisecond))
			if err == nil {
				t.Logf("%v: the build had already finished", sig)
				continue
			}
			if !strings.Contains(stderr.String(), "interrupted; nothing was written") {
				t.Errorf("%v: stderr %q", sig, stderr.String())
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%v: folio build still running 10s after the signal", sig)
		}
		after, err := os.ReadFile(index)
		if err != nil || !bytes.Equal(after, before) {
			t.Errorf("%v: the previous output changed or went: %v", sig, err)
		}
		if left, _ := filepath.Glob(filepath.Join(root, ".public.tmp-*")); len(left) > 0 {
			t.Errorf("%v: temporary folders left: %v", sig, left)
		}
	}
}
