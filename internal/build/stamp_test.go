package build

import (
	"fmt"
	"sync"
	"testing"

	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/render"
	"github.com/folio-ssg/folio/internal/site"
)

// The keys a build numbers itself (every key of a cold build) get their
// values from slots made as they come, on every core: each must have the
// value of its own key, however the numbers fall across the chunks.
func TestKeyValuesOfKeysNumberedDuringTheBuild(t *testing.T) {
	t.Parallel()
	var docs []*site.Doc
	for i := range 5 {
		d, errs := content.Parse(fmt.Sprintf("content/%d.md", i), fmt.Appendf(nil, "---\ntitle: 文件%d\ndate: 2025-04-%02d\n---\n正文%d。\n", i, i+1, i), content.Config{})
		if errs != nil {
			t.Fatal(errs)
		}
		docs = append(docs, &site.Doc{Doc: d})
	}
	s, err := site.New(site.Config{BaseURL: "https://example.org/"}, docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	vals := render.NewValues(s, nil)
	docKey := func(i int) string { return "dcontent/" + fmt.Sprint(i) + ".md" }
	if vals.Digest(docKey(0)) == vals.Digest(docKey(1)) || vals.Digest(docKey(0)) == vals.Digest("dcontent/gone.md") {
		t.Fatal("the test's keys do not have values of their own")
	}
	table := newKeyTable([]string{docKey(0), "S\x00count\x00"}) // from the cache
	kv := newKeyValues(table, vals)
	// Numbered during the build: fillers (all "gone"), and the documents
	// at numbers on both sides of the chunks' bounds.
	var keys []string
	for i := range 3*slotChunk + 7 {
		keys = append(keys, fmt.Sprintf("dcontent/filler%d.md", i))
	}
	for k, at := range []int{0, slotChunk - 3, slotChunk - 2, 2*slotChunk - 2, 3*slotChunk + 6} {
		keys[at] = docKey(k)
	}
	ids := table.number(keys)
	want := map[uint32][32]byte{}
	for i, id := range ids {
		want[id] = vals.Digest(keys[i])
	}
	want[0] = vals.Digest(docKey(0))
	ids = append(ids, 0)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for k := range ids {
				id := ids[(k*(w+1)+w*977)%len(ids)] // each worker in its own order
				if got, v := kv.value(id), want[id]; got != v {
					t.Errorf("value of %q = %x, want %x", table.key(id), got[:4], v[:4])
					return
				}
			}
		})
	}
	wg.Wait()
}
