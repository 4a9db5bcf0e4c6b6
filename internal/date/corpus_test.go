package date

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// lawsCorpus is the laws-zh corpus (LawRefBook/Laws) beside the checkout.
const lawsCorpus = "../../../shared/corpus/laws-zh"

// lawNameDate is the date in a law's file name: 法名(YYYY-MM-DD).md.
var lawNameDate = regexp.MustCompile(`[(（](\d{4}-\d{2}-\d{2})[)）]\.md$`)

// textDay is the test's own reading of a written date, used only to tell
// whether a file's opening lines mention its file-name date at all.
var textDay = regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日`)

// opening returns a law's body up to "<!-- INFO END -->", the first "## "
// heading, or 30 lines, as a caller of FromText would pass it.
func opening(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 0; n < 30 && sc.Scan(); n++ {
		line := sc.Text()
		if strings.Contains(line, "INFO END") || strings.HasPrefix(line, "## ") {
			break
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// mentions reports whether text writes the date want (YYYY-MM-DD).
func mentions(text, want string) bool {
	text = normalize(text)
	for _, m := range textDay.FindAllStringSubmatch(text, -1) {
		d := fields{year: atoi(m[1]), month: atoi(m[2]), day: atoi(m[3])}
		if got, reason := d.date(nil); reason == "" && got.String() == want {
			return true
		}
	}
	return false
}

// TestFromTextAgreesWithLawFileNames measures FromText on every law whose
// file name carries its date. Many file names give a date that the text
// never states (a later publication or amendment not recorded in the
// opening lines); no reading of the text can find those, so the bar is set
// on the files whose opening lines do write the file-name date.
func TestFromTextAgreesWithLawFileNames(t *testing.T) {
	if _, err := os.Stat(lawsCorpus); err != nil {
		if os.Getenv("FOLIO_REQUIRE_CORPUS") != "" {
			t.Fatalf("laws-zh corpus is required here (FOLIO_REQUIRE_CORPUS): %v", err)
		}
		t.Skipf("laws-zh corpus not found at %s (CI provides it beside the checkout): %v", lawsCorpus, err)
	}
	var total, stated, agree, agreeStated, found int
	var misses []string
	err := filepath.WalkDir(lawsCorpus, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		m := lawNameDate.FindStringSubmatch(e.Name())
		if e.IsDir() || m == nil {
			return nil
		}
		want := m[1]
		text := opening(t, path)
		total++
		d, ok := FromText(text, time.UTC)
		if ok {
			found++
		}
		isStated := mentions(text, want)
		if isStated {
			stated++
		}
		if d.String() == want {
			agree++
			if isStated {
				agreeStated++
			}
		} else if isStated {
			rel, _ := filepath.Rel(lawsCorpus, path)
			misses = append(misses, rel+": "+d.String()+", want "+want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total == 0 {
		t.Fatalf("no dated file names under %s", lawsCorpus)
	}
	ratio := float64(agreeStated) / float64(max(stated, 1))
	t.Logf("laws-zh: %d files with a file-name date; FromText found a date in %d", total, found)
	t.Logf("laws-zh: FromText = file-name date in %d of %d files whose opening lines state that date (%.1f%%)", agreeStated, stated, 100*ratio)
	t.Logf("laws-zh: FromText = file-name date in %d of all %d files (%.1f%%); %d file names give a date the opening lines never state",
		agree, total, 100*float64(agree)/float64(total), total-stated)
	if ratio < 0.95 {
		t.Errorf("agreement %.1f%%, want >= 95%%; misses:\n%s", 100*ratio, strings.Join(misses, "\n"))
	} else if len(misses) > 0 {
		t.Logf("misses:\n%s", strings.Join(misses, "\n"))
	}
}
