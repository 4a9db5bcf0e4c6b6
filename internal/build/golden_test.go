package build

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/folio-ssg/folio"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/output.txtar")

// TestGoldenSite builds testdata/golden/site and compares its whole output
// tree with testdata/golden/output.txtar. Refresh it with
// go test ./internal/build -run Golden -update, and review the diff.
func TestGoldenSite(t *testing.T) {
	t.Parallel()
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := Build(t.Context(), Config{Source: "testdata/golden/site", Dest: dest, Theme: folio.Theme()}); err != nil {
		t.Fatal(err)
	}
	files := readTree(t, dest)
	// Binary files (the search index's postings) are kept as digests.
	for name, data := range files {
		if strings.HasSuffix(name, ".bin") {
			files[name] = fmt.Sprintf("sha256 %x\n", sha256.Sum256([]byte(data)))
		}
	}
	var ar txtar.Archive
	ar.Comment = []byte("Output of testdata/golden/site; refresh with go test ./internal/build -run Golden -update\n")
	for name, data := range files {
		ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(data)})
	}
	slices.SortFunc(ar.Files, func(a, b txtar.File) int { return bytes.Compare([]byte(a.Name), []byte(b.Name)) })
	got := txtar.Format(&ar)
	const golden = "testdata/golden/output.txtar"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	wantAr := txtar.Parse(want)
	wantFiles := map[string]string{}
	for _, f := range wantAr.Files {
		wantFiles[f.Name] = string(f.Data)
		if _, ok := files[f.Name]; !ok {
			t.Errorf("%s: missing from the output", f.Name)
		}
	}
	for name, data := range files {
		w, ok := wantFiles[name]
		switch {
		case !ok:
			t.Errorf("%s: not in the golden tree", name)
		case w != data:
			t.Errorf("%s differs from the golden tree:\n--- got ---\n%s\n--- want ---\n%s", name, excerpt(data), excerpt(w))
		}
	}
}
