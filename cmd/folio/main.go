// Command folio builds static sites from folders of Markdown documents.
// Run "folio help" for its commands.
//
// With FOLIO_CPUPROFILE=FILE in its environment, folio writes a CPU
// profile of the whole run to FILE, for go tool pprof (see PERFORMANCE.md).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/folio-ssg/folio/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile := profile(os.Getenv("FOLIO_CPUPROFILE"))
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
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
