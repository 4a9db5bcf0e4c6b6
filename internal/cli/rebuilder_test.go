package cli

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/folio-ssg/folio/internal/build"
	"github.com/folio-ssg/folio/internal/watch"
)

// slowBuilder's builds block until released or cancelled.
type slowBuilder struct {
	mu      sync.Mutex
	told    [][]string
	started chan int
	release chan struct{}
	n       int
}

func (b *slowBuilder) Changed(paths []string) {
	b.mu.Lock()
	b.told = append(b.told, paths)
	b.mu.Unlock()
}

func (b *slowBuilder) Build(ctx context.Context) (*build.Result, error) {
	b.mu.Lock()
	b.n++
	n := b.n
	b.mu.Unlock()
	b.started <- n
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-b.release:
		return &build.Result{Docs: n}, nil
	}
}

func TestNewerBatchCancelsTheBuildInFlight(t *testing.T) {
	b := &slowBuilder{started: make(chan int, 10), release: make(chan struct{})}
	var mu sync.Mutex
	var reported []int
	r := newRebuilder(b, func(res *build.Result, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			t.Errorf("reported error %v", err)
			return
		}
		reported = append(reported, res.Docs)
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.run(ctx)

	r.kick()
	if n := <-b.started; n != 1 {
		t.Fatalf("first build is %d", n)
	}
	// A batch arrives while build 1 runs: build 1 is cancelled, and build 2
	// starts at once, having been told the batch.
	r.batch([]watch.Change{{Path: "content/a.md", Kind: watch.Content, Op: watch.Write}})
	select {
	case n := <-b.started:
		if n != 2 {
			t.Fatalf("second build is %d", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the newer batch did not start a build")
	}
	b.release <- struct{}{}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		got := slices.Clone(reported)
		mu.Unlock()
		if len(got) > 0 {
			if !slices.Equal(got, []int{2}) {
				t.Errorf("reported builds %v, want only the second (the first was cancelled)", got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the second build was not reported")
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.told) != 1 || !slices.Equal(b.told[0], []string{"content/a.md"}) {
		t.Errorf("builder was told %v", b.told)
	}
}
