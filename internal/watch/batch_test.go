package watch

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

const quiet = 100 * time.Millisecond

// startBatcher runs a batcher inside the current synctest bubble until the
// returned function is called.
func startBatcher(t *testing.T) (*batcher, func()) {
	t.Helper()
	b := newBatcher(quiet)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.run(ctx)
	}()
	return b, func() { cancel(); <-done }
}

func ev(p string, op Op) event {
	k, _ := Classify(p)
	return event{Change: Change{Path: p, Kind: k, Op: op}}
}

// noBatch fails if a batch is ready now or becomes ready within a long
// while of fake time.
func noBatch(t *testing.T, b *batcher) {
	t.Helper()
	time.Sleep(time.Minute)
	synctest.Wait()
	select {
	case got := <-b.out:
		t.Errorf("unexpected batch %v", got)
	default:
	}
}

func TestBurstBecomesOneSortedBatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, stop := startBatcher(t)
		defer stop()

		// 1,000 events on 500 files, in reverse order, each within the
		// quiet period of the one before: a git checkout lasting 5×quiet.
		start := time.Now()
		for i := range 1000 {
			if i > 0 {
				time.Sleep(quiet / 200)
			}
			op := Create
			if i >= 500 {
				op = Write
			}
			b.in <- ev(fmt.Sprintf("content/%03d.md", 499-i%500), op)
		}
		last := time.Now()

		got := <-b.out
		if d := time.Since(last); d != quiet {
			t.Errorf("batch delivered %v after the last event, want %v", d, quiet)
		}
		if len(got) != 500 {
			t.Fatalf("got %d changes, want 500", len(got))
		}
		if !slices.IsSortedFunc(got, func(a, b Change) int { return strings.Compare(a.Path, b.Path) }) {
			t.Errorf("batch not sorted by path: %v", got[:5])
		}
		for i, c := range got {
			want := Change{Path: fmt.Sprintf("content/%03d.md", i), Kind: Content, Op: Create}
			if c != want {
				t.Fatalf("change %d = %v, want %v", i, c, want)
			}
		}
		if d := last.Sub(start); d < 4*quiet {
			t.Fatalf("test setup: burst lasted %v, want about %v", d, 5*quiet)
		}
		noBatch(t, b)
	})
}

func TestEventsApartAreTwoBatches(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, stop := startBatcher(t)
		defer stop()

		b.in <- ev("content/a.md", Write)
		time.Sleep(quiet + quiet/2)
		b.in <- ev("content/b.md", Write)

		// The consumer was busy until now: the first batch waited, the
		// second was collected separately.
		time.Sleep(5 * quiet)
		if got, want := <-b.out, []Change{{"content/a.md", Content, Write}}; !slices.Equal(got, want) {
			t.Errorf("first batch = %v, want %v", got, want)
		}
		if got, want := <-b.out, []Change{{"content/b.md", Content, Write}}; !slices.Equal(got, want) {
			t.Errorf("second batch = %v, want %v", got, want)
		}
		noBatch(t, b)
	})
}

func TestQuietPeriodRestartsWithEachEvent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, stop := startBatcher(t)
		defer stop()

		for range 5 {
			b.in <- ev("content/a.md", Write)
			time.Sleep(quiet - time.Millisecond)
		}
		select {
		case got := <-b.out:
			t.Fatalf("batch %v delivered before a quiet period", got)
		default:
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		select {
		case got := <-b.out:
			if want := []Change{{"content/a.md", Content, Write}}; !slices.Equal(got, want) {
				t.Errorf("batch = %v, want %v", got, want)
			}
		default:
			t.Fatal("no batch after the quiet period")
		}
	})
}

func TestContinuousStreamIsDeliveredAfterLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, stop := startBatcher(t)
		defer stop()

		start := time.Now()
		received := make(chan time.Time)
		go func() {
			<-b.out
			received <- time.Now()
		}()
		var at time.Time
	loop:
		for i := 0; ; i++ {
			select {
			case at = <-received:
				break loop
			case b.in <- ev(fmt.Sprintf("content/%d.md", i), Create):
			}
			time.Sleep(quiet / 2)
		}
		if d := at.Sub(start); d != 10*quiet {
			t.Errorf("first batch after %v of continuous events, want %v", d, 10*quiet)
		}
	})
}

func TestMergeOps(t *testing.T) {
	dir := func(e event) event { e.dir = true; return e }
	tests := []struct {
		name   string
		events []event
		want   []Change
	}{
		{"create then write is create",
			[]event{ev("content/a.md", Create), ev("content/a.md", Write), ev("content/a.md", Write)},
			[]Change{{"content/a.md", Content, Create}}},
		{"writes are one write",
			[]event{ev("static/s.css", Write), ev("static/s.css", Write)},
			[]Change{{"static/s.css", Static, Write}}},
		{"create then remove is remove",
			[]event{ev("content/a.md", Create), ev("content/a.md", Remove)},
			[]Change{{"content/a.md", Content, Remove}}},
		{"write then remove is remove",
			[]event{ev("content/a.md", Write), ev("content/a.md", Remove)},
			[]Change{{"content/a.md", Content, Remove}}},
		{"remove then create is write",
			[]event{ev("templates/page.html", Remove), ev("templates/page.html", Create)},
			[]Change{{"templates/page.html", Template, Write}}},
		{"rename away then back is write",
			[]event{ev("content/a.md", Rename), ev("content/a.md", Create), ev("content/a.md", Write)},
			[]Change{{"content/a.md", Content, Write}}},
		{"write then rename is rename",
			[]event{ev("content/a.md", Write), ev("content/a.md", Rename)},
			[]Change{{"content/a.md", Content, Rename}}},
		{"removed folder covers its files",
			[]event{ev("content/x/a.md", Create), ev("content/x/b.md", Write), ev("content/x/b.md", Remove), dir(ev("content/x", Remove)), ev("content/xy.md", Write)},
			[]Change{{"content/x", Content, Remove}, {"content/xy.md", Content, Write}}},
		{"folder removed and created again",
			[]event{ev("content/x/a.md", Write), dir(ev("content/x", Remove)), ev("content/x/a.md", Create)},
			[]Change{{"content/x", Content, Remove}, {"content/x/a.md", Content, Create}}},
		{"sorted by path",
			[]event{ev("templates/a.html", Write), ev("content/b.md", Create), ev("folio.yaml", Write), ev("static/c.css", Remove)},
			[]Change{{"content/b.md", Content, Create}, {"folio.yaml", ConfigFile, Write}, {"static/c.css", Static, Remove}, {"templates/a.html", Template, Write}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := make(batch)
			for _, e := range tt.events {
				b.add(e)
			}
			if got := b.changes(); !slices.Equal(got, tt.want) {
				t.Errorf("changes = %v, want %v", got, tt.want)
			}
		})
	}
}
