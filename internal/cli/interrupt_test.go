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
//
// Each signal goes as soon as the build has begun writing its output
// (its temporary folder appears beside the destination), where it once
// went after a fixed 300 ms; the site has 100 documents, where it had
// 800 so that the build would still be running then.
func TestInterruptStopsABuildAndKeepsTheOldOutput(t *testing.T) {
	t.Parallel()
	bin := folioBinary(t)
	root := t.TempDir()
	if err := corpusgen.Write(root, 100); err != nil {
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
	tmp := filepath.Join(root, ".public.tmp-*")
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		var stderr bytes.Buffer
		cmd := exec.Command(bin, "build", "--source", root)
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()

		// Into the build: it has loaded the site and is rendering.
		started := time.Now()
		for writing := false; !writing; {
			select {
			case err := <-done:
				t.Fatalf("%v: folio build ended (%v) before it began writing its output\n%s", sig, err, stderr.String())
			case <-time.After(time.Millisecond):
			}
			left, _ := filepath.Glob(tmp)
			writing = len(left) > 0
			if !writing && time.Since(started) > eventTimeout {
				cmd.Process.Kill()
				t.Fatalf("%v: folio build wrote nothing within %v", sig, eventTimeout)
			}
		}
		sent := time.Now()
		cmd.Process.Signal(sig)
		select {
		case err := <-done:
			took := time.Since(sent)
			t.Logf("%v: stopped %v after the signal, sent %v into the build", sig, took.Round(time.Millisecond), sent.Sub(started).Round(time.Millisecond))
			if err == nil {
				t.Errorf("%v: the build finished; want it interrupted", sig)
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
		if left, _ := filepath.Glob(tmp); len(left) > 0 {
			t.Errorf("%v: temporary folders left: %v", sig, left)
		}
	}
}
