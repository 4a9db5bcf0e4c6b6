// Command gencorpus writes a generated corpus of n documents into
// DIR/content, for measuring folio on sites of any size:
//
//	go run ./cmd/gencorpus -n 10000 /tmp/site && go run ./cmd/folio build --source /tmp/site
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/folio-ssg/folio/internal/corpusgen"
)

func main() {
	n := flag.Int("n", 1000, "number of documents")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: gencorpus [-n N] DIR")
		os.Exit(2)
	}
	if err := corpusgen.Write(flag.Arg(0), *n); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}
