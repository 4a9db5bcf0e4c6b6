package build

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/site"
)

// appendJSONString must write what encoding/json writes, byte for byte:
// catalog.json was json.MarshalIndent's before.
func TestCatalogJSONStringsAsEncodingJSON(t *testing.T) {
	t.Parallel()
	cases := []string{"", "人民日报", "a\"b\\c", "<script>&</script>", "\u2028\u2029", "\x7f", "\xff\xfe", "a\xe4\xb8", "\U0001F600", "\ufeff"}
	for c := range 256 {
		cases = append(cases, string([]byte{byte(c)}), "x"+string([]byte{byte(c)})+"字")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "字", "\"", "\\", "<", "\n", "\t", "\x00", "\x1f", "\xe2\x80\xa8", "\xff", "\xe4\xb8", "é", "𝄞"}
	for range 2000 {
		var b []byte
		for range rng.IntN(12) {
			b = append(b, alphabet[rng.IntN(len(alphabet))]...)
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}

// appendIndentedRow gives an element of json.MarshalIndent(rows, "", "  "): the
// same values, laid out as json.Indent lays them out.
func TestCatalogRowIndentedAsMarshalIndent(t *testing.T) {
	t.Parallel()
	row := make([]catalogCell, len(catalogColumns))
	for i, c := range catalogColumns {
		switch i % 4 {
		case 0:
			row[i] = catalogCell{s: "值<" + c + ">"}
		case 1:
			row[i] = catalogCell{list: []string{}, isList: true}
		case 2:
			row[i] = catalogCell{list: []string{"甲", "乙\n"}, isList: true}
		case 3:
			row[i] = catalogCell{isList: true} // a nil list
		}
	}
	js := appendIndentedRow([]byte("["), "\n  ", row)
	js = append(js, "\n]"...)
	var got []map[string]any
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, js)
	}
	for i, c := range catalogColumns {
		var v any = row[i].s
		if row[i].isList {
			v = append([]string{}, row[i].list...)
		}
		want, _ := json.Marshal(v)
		have, _ := json.Marshal(got[0][c])
		if !bytes.Equal(want, have) {
			t.Errorf("%s: %s, want %s", c, have, want)
		}
	}
	var compact, indented bytes.Buffer
	if err := json.Compact(&compact, js); err != nil {
		t.Fatal(err)
	}
	if err := json.Indent(&indented, compact.Bytes(), "", "  "); err != nil {
		t.Fatal(err)
	}
	if indented.String() != string(js) {
		t.Errorf("layout differs from json.Indent's:\n%s\nwant\n%s", js, indented.String())
	}
}

// writeCatalog keeps or writes the files named in catalogNames: they must
// be the files catalogFiles makes, or one would be left stale or out.
func TestCatalogNamesAreTheFilesMade(t *testing.T) {
	t.Parallel()
	d, errs := content.Parse("content/a.md", []byte("---\ntitle: 甲\ndate: 2025-04-27\n---\n正文。\n"), content.Config{})
	if errs != nil {
		t.Fatal(errs)
	}
	s, err := site.New(site.Config{BaseURL: "https://example.org/"}, []*site.Doc{{Doc: d}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	files, err := catalogFiles(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := sortedKeys(files); !slices.Equal(got, catalogNames) {
		t.Errorf("catalogFiles makes %q, catalogNames are %q", got, catalogNames)
	}
}

// The catalog is written from its parts, never joined (output.putParts):
// whichever way the output writes it — into a new tree, held in memory
// and written in place, staged in place, into the spare tree — the file
// is the parts joined, and the same bytes as a cold build's.
func TestCatalogPartsAreWrittenWhole(t *testing.T) {
	t.Parallel()
	s := rebuildSite(t) // in place, held
	edit := func(i int) {
		s.write(fmt.Sprintf("content/d%02d.md", i), fmt.Sprintf("---\ntitle: 改过的文档%02d\ndate: 2024-03-%02d\nauthor: 作者%d\n---\n正文。\n", i, 1+i, i))
	}
	check := func(how string, dest string) {
		t.Helper()
		cold := newSite(t, "")
		cold.root = s.root
		cold.dest = t.TempDir()
		cold.build(func(c *Config) { c.BaseURL = "http://127.0.0.1/" })
		for _, name := range catalogNames {
			got, err := os.ReadFile(filepath.Join(dest, name))
			if err != nil {
				t.Fatalf("%s: %v", how, err)
			}
			if want := cold.file(name); string(got) != want {
				t.Errorf("%s: %s differs from a cold build's:\n%s\n---\n%s", how, name, got, want)
			}
			if name == "catalog.json" {
				var rows []map[string]any
				if err := json.Unmarshal(got, &rows); err != nil || len(rows) != 30 {
					t.Errorf("%s: catalog.json holds %d rows (%v), want 30", how, len(rows), err)
				}
			}
		}
	}
	check("in place", s.dest)
	edit(3)
	s.b.hold = 0 // every changed file staged
	s.build()
	check("in place, staged", s.dest)

	// A new tree, then the spare it leaves, as folio build writes them.
	out := newSite(t, "")
	out.root, out.dest = s.root, t.TempDir()
	cache := t.TempDir()
	out.build(func(c *Config) { c.BaseURL = "http://127.0.0.1/"; c.CacheDir = cache })
	check("a new tree", out.dest)
	for _, i := range []int{5, 7} {
		edit(i)
		out.b = nil
		out.build(func(c *Config) { c.BaseURL = "http://127.0.0.1/"; c.CacheDir = cache })
		check(fmt.Sprintf("after editing d%02d, from the cache", i), out.dest)
	}
	if out.b.spare == nil {
		t.Error("the last build left no spare tree: the spare's writes were not tested")
	}
}
