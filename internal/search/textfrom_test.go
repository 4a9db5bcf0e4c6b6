package search

import (
	"maps"
	"slices"
	"sync/atomic"
	"testing"
)

// A text given by TextFrom indexes as the same text given in Text.
func TestTextFromIndexesAsText(t *testing.T) {
	var lazy []Doc
	var calls atomic.Int64
	for _, d := range fixture {
		text := d.Text
		d.Text = ""
		d.TextFrom = func() string { calls.Add(1); return text }
		lazy = append(lazy, d)
	}
	want := mustBuild(t, fixture, Config{})
	got := mustBuild(t, lazy, Config{})
	if calls.Load() != int64(len(fixture)) {
		t.Errorf("TextFrom called %d times for %d documents, want once each", calls.Load(), len(fixture))
	}
	if !slices.Equal(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want))) {
		t.Fatalf("files differ: %v\n%v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
	for name, b := range want {
		if string(got[name]) != string(b) {
			t.Errorf("%s differs", name)
		}
	}
}
