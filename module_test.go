package folio

import (
	"io/fs"
	"os"
	"strings"
	"testing"

	"golang.org/x/mod/module"
)

// TestModuleFilePathsAreValid guards "go install …/cmd/folio@version": the
// module zip refuses the whole module if one file name has characters Go
// does not allow, such as 《》 or full-width brackets.
func TestModuleFilePathsAreValid(t *testing.T) {
	err := fs.WalkDir(os.DirFS("."), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p == ".git" || p == "public" || strings.HasPrefix(p, "public/") {
				return fs.SkipDir
			}
			return nil
		}
		if err := module.CheckFilePath(p); err != nil {
			t.Errorf("%v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
