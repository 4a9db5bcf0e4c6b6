package watch

import (
	"context"
	"slices"
	"strings"
	"time"
)

// event is one classified file system event on its way to the batcher.
type event struct {
	Change
	dir bool // a Remove or Rename of a folder: it covers everything under Path
}

// batcher debounces events into batches. Sources send to in; complete
// batches come out of out. It never blocks a source for long: while the
// consumer is busy with one batch, the next one is collected.
type batcher struct {
	quiet time.Duration // deliver once no event arrived for this long
	limit time.Duration // or once this long has passed since a batch's first event
	in    chan event
	out   chan []Change
}

func newBatcher(quiet time.Duration) *batcher {
	return &batcher{
		quiet: quiet,
		limit: 10 * quiet,
		in:    make(chan event, 256),
		out:   make(chan []Change),
	}
}

// run batches events until ctx is cancelled.
//
// At most two batches exist at a time: ready, complete and offered on out
// until the consumer takes it, and next, collecting events. When next's
// quiet period or limit passes while ready is still waiting, next is marked
// due and becomes ready as soon as the consumer takes the current one.
func (b *batcher) run(ctx context.Context) {
	quiet := time.NewTimer(b.quiet)
	quiet.Stop()
	defer quiet.Stop()
	limit := time.NewTimer(b.limit)
	limit.Stop()
	defer limit.Stop()

	var (
		next       = make(batch)
		collecting bool     // next has received an event since it was started
		due        bool     // next is complete and waits for ready to be taken
		ready      []Change // nil when no batch is waiting for the consumer
	)
	flush := func() {
		quiet.Stop()
		limit.Stop()
		collecting, due = false, false
		ready = next.changes()
		next = make(batch)
		if len(ready) == 0 {
			ready = nil
		}
	}

	for {
		var out chan<- []Change
		if ready != nil {
			out = b.out
		}
		select {
		case <-ctx.Done():
			return
		case e := <-b.in:
			next.add(e)
			if !collecting {
				collecting = true
				limit.Reset(b.limit)
			}
			if !due {
				quiet.Reset(b.quiet)
			}
		case <-quiet.C:
			due = true
		case <-limit.C:
			due = true
		case out <- ready:
			ready = nil
		}
		if due && ready == nil {
			flush()
		}
	}
}

// entry is what a batch knows about one path.
type entry struct {
	kind    Kind
	existed bool // the path existed before the batch's first event for it
	exists  bool // the path exists after the batch's last event for it
	last    Op
}

// batch merges events per path; see "Batches" in the package documentation.
type batch map[string]entry

func (b batch) add(e event) {
	gone := e.Op == Remove || e.Op == Rename
	if gone && e.dir {
		for p := range b {
			if strings.HasPrefix(p, e.Path+"/") {
				delete(b, p)
			}
		}
	}
	en, ok := b[e.Path]
	if !ok {
		en.existed = e.Op != Create
	}
	en.kind = e.Kind
	en.exists = !gone
	en.last = e.Op
	b[e.Path] = en
}

// changes returns the batch's changes sorted by path.
func (b batch) changes() []Change {
	cs := make([]Change, 0, len(b))
	for p, en := range b {
		op := en.last
		switch {
		case en.exists && en.existed:
			op = Write
		case en.exists:
			op = Create
		}
		cs = append(cs, Change{Path: p, Kind: en.kind, Op: op})
	}
	slices.SortFunc(cs, func(a, b Change) int { return strings.Compare(a.Path, b.Path) })
	return cs
}
