package search

import (
	"crypto/sha256"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
)

// keyed gives each document a text key: the digest of its text.
func keyed(docs []Doc) []Doc {
	docs = slices.Clone(docs)
	for i := range docs {
		docs[i].TextKey = sha256.Sum256([]byte(docs[i].Text))
	}
	return docs
}

// edit changes a few documents as a curator would: their text, title,
// tags, facets or date, or removes one.
func edit(rng *rand.Rand, docs []Doc, round int) []Doc {
	docs = slices.Clone(docs)
	for range 1 + rng.IntN(4) {
		i := rng.IntN(len(docs))
		d := &docs[i]
		switch rng.IntN(10) {
		case 0, 1, 2: // a paragraph added: lengths change, so every weight may
			d.Text += fmt.Sprintf("\n第%d轮追加的一段文字：人工智能与乡村振兴 round %d", round, round)
		case 3: // a passage cut
			d.Text = d.Text[:len(d.Text)/2]
			d.Text = strings.ToValidUTF8(d.Text, "")
		case 4: // the text emptied, or given back
			if d.Text == "" {
				d.Text = "恢复的正文。"
			} else {
				d.Text = ""
			}
		case 5:
			d.Title += "（修订）"
		case 6:
			d.Tags = append(slices.Clone(d.Tags), fmt.Sprintf("新标签%d", rng.IntN(3)))
		case 7:
			d.Facets = map[string][]string{"source": {fmt.Sprintf("来源%d", rng.IntN(3))}}
		case 9: // a long text: the average length moves, and with it others' weights
			d.Text = strings.Repeat(d.Text+"\n", 4)
		case 8:
			switch rng.IntN(4) {
			case 0: // redated: those between its two dates numbered otherwise
				d.Date = fmt.Sprintf("20%02d-01-01", rng.IntN(26))
			case 1: // removed: those after it numbered otherwise
				docs = slices.Delete(docs, i, i+1)
				return docs
			default:
				d.Text = strings.Replace(d.Text, "，", "、", 1)
			}
		}
		d.TextKey = sha256.Sum256([]byte(d.Text))
	}
	return docs
}

// addNewest adds one to three documents dated after all the others, as
// an archive takes the day's articles, and returns how many.
func addNewest(rng *rand.Rand, docs []Doc, round int) ([]Doc, int) {
	n := 1 + rng.IntN(3)
	for k := range n {
		docs = append(slices.Clone(docs), Doc{
			URL:   fmt.Sprintf("/new/%d-%d/", round, k),
			Title: fmt.Sprintf("第%d轮新增的文章", round),
			Text:  fmt.Sprintf("新增的正文：人工智能与乡村振兴，第%d篇。", k),
			Date:  fmt.Sprintf("2030-%02d-01", 1+round),
			Tags:  []string{"农业"},
		})
		docs[len(docs)-1].TextKey = sha256.Sum256([]byte(docs[len(docs)-1].Text))
	}
	return docs, n
}

// backfill adds one or two documents dated before all the others, as an
// archive takes older articles it has found, and removes one, and returns
// how many it added: every other document is numbered anew.
func backfill(rng *rand.Rand, docs []Doc, round int) ([]Doc, int) {
	docs = slices.Clone(docs)
	i := rng.IntN(len(docs))
	docs = slices.Delete(docs, i, i+1)
	n := 1 + rng.IntN(2)
	for k := range n {
		d := Doc{
			URL:   fmt.Sprintf("/old/%d-%d/", round, k),
			Title: fmt.Sprintf("第%d轮补录的旧文章", round),
			Text:  fmt.Sprintf("补录的正文：乡村振兴与人工智能，第%d篇。", k),
			Date:  fmt.Sprintf("19%02d-01-01", 10+round),
			Tags:  []string{"农业"},
		}
		d.TextKey = sha256.Sum256([]byte(d.Text))
		docs = append(docs, d)
	}
	return docs, n
}

// TestUpdateGivesBuildsFiles edits documents round after round and checks
// that Update, from the prior round's index, gives the files a Build of
// the edited documents gives, and reuses what it can: in every fourth
// round documents are added with the newest date, in another every fourth
// older than all (and one removed), which must each leave every other
// document's entries to be reused.
func TestUpdateGivesBuildsFiles(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		cfg  Config
		docs int
	}{{tiny, 30}, {Config{PartBytes: 1 << 10, SegmentBytes: 1 << 10}, 150}, {Config{}, 150}} {
		cfg := c.cfg
		t.Run(fmt.Sprint(cfg.PartBytes), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(7, uint64(cfg.PartBytes)))
			docs := keyed(append(genDocs(c.docs, 5), fixture...))
			files, _, st, err := Update(docs, cfg, Prior{})
			if err != nil {
				t.Fatal(err)
			}
			for round := range 12 {
				added := 0
				switch round % 4 {
				case 3:
					docs, added = addNewest(rng, docs, round)
				case 1:
					docs, added = backfill(rng, docs, round)
				default:
					docs = edit(rng, docs, round)
				}
				want, wantStats, err := Build(docs, cfg)
				if err != nil {
					t.Fatal(err)
				}
				var mu sync.Mutex
				kept := map[string]bool{}
				keep := func(name string) (bool, error) {
					mu.Lock()
					defer mu.Unlock()
					_, ok := files[name]
					kept[name] = ok
					return ok, nil
				}
				got, stats, next, err := Update(docs, cfg, Prior{State: st, Read: mapFetch(files), Keep: keep})
				if err != nil {
					t.Fatal(err)
				}
				// Documents added, however they number the others, make
				// text segments of their own and no other.
				if added > 0 {
					made, theirs := 0, 0
					for name := range got {
						if strings.HasPrefix(name, "search/t/") {
							made++
						}
					}
					for name := range want {
						if _, ok := files[name]; !ok && strings.HasPrefix(name, "search/t/") {
							theirs++
						}
					}
					if made != theirs {
						t.Errorf("round %d: %d documents added with %d text segments; %d segments made", round, added, theirs, made)
					}
				}
				for name, ok := range kept {
					if ok {
						got[name] = files[name]
					}
				}
				sameFiles(t, fmt.Sprintf("round %d", round), got, want)
				// A round changes a few documents of many: the others'
				// entries are reused, however they are numbered now.
				if stats.Reused == 0 {
					t.Errorf("round %d: no document reused", round)
				}
				if added > 0 && stats.Reused != len(docs)-added {
					t.Errorf("round %d: %d documents added, %d of the other %d reused", round, added, stats.Reused, len(docs)-added)
				}
				stats.Reused = 0
				if stats != wantStats {
					t.Errorf("round %d: stats %+v, want %+v", round, stats, wantStats)
				}
				files, st = got, next
			}
		})
	}
}

// sameFiles reports the files that differ.
func sameFiles(t *testing.T, what string, got, want map[string][]byte) {
	t.Helper()
	bad := 0
	for _, name := range slices.Sorted(maps.Keys(want)) {
		if string(got[name]) != string(want[name]) {
			if bad++; bad <= 5 {
				t.Errorf("%s: %s differs from Build's", what, name)
			}
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: %s made, Build makes none", what, name)
		}
	}
}

// TestUpdateKeepsTextsAndEmits checks Update with Config.Emit and
// Prior.Keep, as folio build runs it: the files emitted and those kept are
// Build's files, and the texts of documents not edited are kept, not read.
func TestUpdateKeepsTextsAndEmits(t *testing.T) {
	t.Parallel()
	docs := keyed(append(genDocs(120, 9), fixture...))
	cfg := Config{PartBytes: 1 << 10, SegmentBytes: 2 << 10}
	prior, _, st, err := Update(docs, cfg, Prior{})
	if err != nil {
		t.Fatal(err)
	}
	edited := slices.Clone(docs)
	for _, i := range []int{3, 50, 121} {
		edited[i].Text += "\n追加的一段：数据安全。"
		edited[i].TextKey = sha256.Sum256([]byte(edited[i].Text))
	}
	want, wantStats, err := Build(edited, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Every text is read through TextFrom, counted.
	var mu sync.Mutex
	reads := map[int]int{}
	for i := range edited {
		text, i := edited[i].Text, i
		edited[i].Text = ""
		edited[i].TextFrom = func() string {
			mu.Lock()
			reads[i]++
			mu.Unlock()
			return text
		}
	}
	got := map[string][]byte{}
	cfg.Emit = func(name string, data []byte) error {
		mu.Lock()
		defer mu.Unlock()
		got[name] = data
		return nil
	}
	keep := func(name string) (bool, error) {
		mu.Lock()
		defer mu.Unlock()
		b, ok := prior[name]
		if ok {
			got[name] = b
		}
		return ok, nil
	}
	_, stats, _, err := Update(edited, cfg, Prior{State: st, Read: mapFetch(prior), Keep: keep})
	if err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "emitted and kept", got, want)
	if stats.Reused != len(docs)-3 {
		t.Errorf("%d documents reused, want %d", stats.Reused, len(docs)-3)
	}
	stats.Reused = 0
	if stats != wantStats {
		t.Errorf("stats %+v, want %+v", stats, wantStats)
	}
	for i := range edited {
		want := 0
		if i == 3 || i == 50 || i == 121 {
			want = 2 // measured, then indexed
		}
		if reads[i] != want {
			t.Errorf("the text of document %d read %d times, want %d", i, reads[i], want)
		}
	}
}

// TestUpdateWithoutItsPriorFilesBuildsAgain checks that a prior index
// whose files cannot be read, or made with other sizes, is not used.
func TestUpdateWithoutItsPriorFilesBuildsAgain(t *testing.T) {
	t.Parallel()
	docs := keyed(append(genDocs(60, 3), fixture...))
	prior, _, st, err := Update(docs, tiny, Prior{})
	if err != nil {
		t.Fatal(err)
	}
	edited := slices.Clone(docs)
	edited[10].Text += "追加。"
	edited[10].TextKey = sha256.Sum256([]byte(edited[10].Text))
	want := mustBuild(t, edited, tiny)
	without := func(prefix string) func(string) ([]byte, error) {
		return func(name string) ([]byte, error) {
			if strings.HasPrefix(name, prefix) {
				return nil, fmt.Errorf("%s: gone", name)
			}
			return mapFetch(prior)(name)
		}
	}
	for _, c := range []struct {
		name   string
		cfg    Config
		read   func(string) ([]byte, error)
		reused bool
	}{
		{"a shard gone", tiny, without("search/p/"), false},
		{"a part gone", tiny, without("search/x/"), false},
		{"the texts gone: documents read again", tiny, without("search/t/"), false},
		{"other sizes", Config{ShardBytes: 64, InlineBytes: 4, PartBytes: 7, SegmentBytes: 24, ChunkDocs: 3}, mapFetch(prior), false},
		{"all there", tiny, mapFetch(prior), true},
	} {
		got, stats, _, err := Update(edited, c.cfg, Prior{State: st, Read: c.read})
		if err != nil {
			t.Fatal(err)
		}
		if c.cfg.PartBytes == tiny.PartBytes {
			sameFiles(t, c.name, got, want)
		}
		if (stats.Reused > 0) != c.reused {
			t.Errorf("%s: %d documents reused", c.name, stats.Reused)
		}
	}
}

func TestStateRoundTrips(t *testing.T) {
	docs := keyed(append(genDocs(40, 1), fixture...))
	docs[2].Text = "" // a document without text
	docs[2].TextKey = sha256.Sum256(nil)
	_, _, st, err := Update(docs, tiny, Prior{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got State
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if got.sizes != st.sizes || got.shards != st.shards || len(got.docs) != len(st.docs) {
		t.Fatalf("round trip: %v %d %d, want %v %d %d", got.sizes, got.shards, len(got.docs), st.sizes, st.shards, len(st.docs))
	}
	for i := range st.docs {
		a, b := got.docs[i], st.docs[i]
		if a.key != b.key || a.place != b.place || a.dl != b.dl || a.tbytes != b.tbytes || !slices.Equal(a.starts, b.starts) || (a.starts == nil) != (b.starts == nil) {
			t.Errorf("document %d: %+v, want %+v", i, a, b)
		}
	}
	for n := range len(b) {
		var s State
		if err := s.UnmarshalBinary(b[:n]); err == nil {
			t.Errorf("a state cut to %d of %d bytes was read", n, len(b))
			break
		}
	}
}
