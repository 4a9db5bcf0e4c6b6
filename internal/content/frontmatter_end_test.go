package content

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// splitBoth splits src with frontmatter.Parse given the front matter only
// and given the whole file, and reports how the two differ.
func splitBoth(src []byte) string {
	defer func() { wholeFile = false }()
	wholeFile = false
	a, errA := split("content/f.md", src)
	wholeFile = true
	b, errB := split("content/f.md", src)
	switch {
	case fmt.Sprint(errA) != fmt.Sprint(errB):
		return fmt.Sprintf("error %v, whole file %v", errA, errB)
	case a == nil || b == nil:
		if (a == nil) != (b == nil) {
			return fmt.Sprintf("meta %v, whole file %v", a, b)
		}
	case !reflect.DeepEqual(a.fm, b.fm):
		return fmt.Sprintf("front matter %#v, whole file %#v", a.fm, b.fm)
	case !reflect.DeepEqual(a.pos, b.pos):
		return fmt.Sprintf("positions %v, whole file %v", a.pos, b.pos)
	case string(a.body) != string(b.body):
		return fmt.Sprintf("body %q, whole file %q", a.body, b.body)
	case a.bodyLine != b.bodyLine:
		return fmt.Sprintf("body line %d, whole file %d", a.bodyLine, b.bodyLine)
	}
	return ""
}

var frontMatterCases = []string{
	"---\ntitle: x\n---\nbody",
	"---\ntitle: x\n---",
	"---\ntitle: x\n---\n",
	"\n\n  \n---\ntitle: x\n  ---  \nbody\n---\nmore",
	"---yaml\ntitle: x\n---\nbody",
	"+++\ntitle = \"x\"\n+++\nbody",
	";;;\n{\"title\": \"x\"}\n;;;\nbody",
	"---\ntitle: x\n+++\n---\nbody",
	"---\ntitle: x\nbody without end",
	"title: x\n---\n---\n",
	"---\n---\nbody",
	"---\ntitle: [unclosed\n---\nbody",
	"---\ntitle: x\n---\n---\nnot: front matter\n---\n",
	"---\r\ntitle: x\r\n---\r\nbody\r\n",
	"\ufeff---\ntitle: 法\n---\n正文",
	"--- \ntitle: x\n---\t\nbody",
	"----\ntitle: x\n----\nbody",
	"{\n\"title\": \"x\"\n}\nbody",
	"",
	"---",
	"---\n",
	"---\n---",
	"+++\ntitle = 1\n---\n+++\n",
	"---\ntitle: x\n...\n---\nbody",
}

func TestSplitReadsOnlyTheFrontMatterAlike(t *testing.T) {
	for _, c := range frontMatterCases {
		if d := splitBoth([]byte(c)); d != "" {
			t.Errorf("%q: %s", c, d)
		}
	}
	// The documents the tests and the bundled site hold.
	n := 0
	for _, root := range []string{"../../content", "../../testdata", "testdata"} {
		filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
			if err != nil || e.IsDir() || !(strings.HasSuffix(p, ".md") || strings.HasSuffix(p, ".txt")) {
				return nil
			}
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			n++
			if d := splitBoth(src); d != "" {
				t.Errorf("%s: %s", p, d)
			}
			return nil
		})
	}
	if n < 20 {
		t.Errorf("compared %d files, want the bundled site's and the test corpora's", n)
	}
}

func FuzzSplitReadsOnlyTheFrontMatterAlike(f *testing.F) {
	for _, c := range frontMatterCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if d := splitBoth(src); d != "" {
			t.Fatal(d)
		}
	})
}
