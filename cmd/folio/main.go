// Command folio builds static sites from folders of Markdown documents.
// Run "folio help" for its commands.
//
// With FOLIO_CPUPROFILE=FILE in its environment, folio writes a CPU
// profile of the whole run to FILE, for go tool pprof (see PERFORMANCE.md);
// with FOLIO_HEAPPROFILE=FILE, a heap profile of the live heap at its
// largest. Unless GOMEMLIMIT is set, folio gives the garbage collector a
// soft memory limit of three quarters of the machine's memory (see
// memlimit.go).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/folio-ssg/folio/internal/cli"
)

func main() {
	setMemoryLimit()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile := profile(os.Getenv("FOLIO_CPUPROFILE"))
	stopHeap := heapProfile(os.Getenv("FOLIO_HEAPPROFILE"))
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopHeap()
	stopProfile()
	stop()
	os.Exit(code)
}

// profile starts a CPU profile into file, if one is named, and returns
// the function that ends it.
func profile(file string) func() {
	if file == "" {
		return func() {}
	}
	f, err := os.Create(file)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "folio: FOLIO_CPUPROFILE: %v\n", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// heapProfile, if file is named, watches the live heap (as the last
// garbage collection left it) and writes a heap profile into file each
// time it is larger than ever before: at the end, file shows what the
// process held at its largest. It returns the function that stops it.
func heapProfile(file string) func() {
	if file == "" {
		return func() {}
	}
	runtime.MemProfileRate = 64 << 10
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		var peak uint64
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			metrics.Read(sample)
			if live := sample[0].Value.Uint64(); live > peak+peak/20 {
				peak = live
				if err := writeHeap(file); err != nil {
					fmt.Fprintf(os.Stderr, "folio: FOLIO_HEAPPROFILE: %v\n", err)
					return
				}
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
	}
}

func writeHeap(file string) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
