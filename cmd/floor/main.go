// Command floor is the goldmark-only floor for folio's measurements: the
// least work any generator does with a site's Markdown. It walks
// SITE/content, drops each document's front matter (a first line "---" up
// to the next line "---", not decoded), converts the rest with a plain
// goldmark.New() on GOMAXPROCS workers, and writes one HTML file per
// document under OUT, at the document's path with ".html" for its
// extension:
//
//	go run ./cmd/floor SITE OUT
//
// Nothing else: no templates, no metadata, no lists or links between
// pages. cmd/perf runs it beside folio build on the same corpus.
package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/yuin/goldmark"
)

// exts are the document extensions, as folio's content.DefaultExts.
var exts = map[string]bool{".md": true, ".markdown": true, ".txt": true}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: floor SITE OUT")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	workers := runtime.GOMAXPROCS(0)
	docs, size, err := run(ctx, os.Args[1], os.Args[2], workers)
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	fmt.Printf("floor: %d documents, %d bytes of HTML, %d workers, %s\n",
		docs, size, workers, time.Since(start).Round(time.Millisecond))
}

// run converts every document under site/content into out and returns how
// many it wrote and their total size.
func run(ctx context.Context, site, out string, workers int) (docs int, size int64, err error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	src := filepath.Join(site, "content")
	paths := make(chan string, 256)
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			md := goldmark.New()
			var buf bytes.Buffer
			n, total := 0, int64(0)
			for rel := range paths {
				if ctx.Err() != nil {
					continue // drain, so the walk never blocks
				}
				b, err := os.ReadFile(filepath.Join(src, rel))
				if err == nil {
					buf.Reset()
					err = md.Convert(body(b), &buf)
				}
				if err == nil {
					name := rel[:len(rel)-len(filepath.Ext(rel))] + ".html"
					err = os.WriteFile(filepath.Join(out, name), buf.Bytes(), 0o644)
				}
				if err != nil {
					cancel(fmt.Errorf("%s: %w", filepath.ToSlash(rel), err))
					continue
				}
				n++
				total += int64(buf.Len())
			}
			mu.Lock()
			docs += n
			size += total
			mu.Unlock()
		})
	}
	walkErr := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(out, rel), 0o755)
		}
		if d.Type().IsRegular() && exts[filepath.Ext(p)] {
			paths <- rel
		}
		return nil
	})
	close(paths)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return docs, size, err // a worker's error, or the caller's
	}
	return docs, size, walkErr
}

// body returns src without its front matter: a first line "---" up to and
// including the next line "---". A block that is never closed is not front
// matter.
func body(src []byte) []byte {
	line, rest, _ := bytes.Cut(src, []byte("\n"))
	if string(bytes.TrimSuffix(line, []byte("\r"))) != "---" {
		return src
	}
	for len(rest) > 0 {
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		if string(bytes.TrimSuffix(line, []byte("\r"))) == "---" {
			return rest
		}
	}
	return src
}
