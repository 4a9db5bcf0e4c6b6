package site

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/folio-ssg/folio/internal/content"
)

func readerSite(t *testing.T, pageSize int, docs ...*content.Doc) *Site {
	t.Helper()
	var ds []*Doc
	for _, c := range docs {
		ds = append(ds, &Doc{Doc: c})
	}
	s, err := New(Config{PageSize: pageSize}, ds, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDocSectionsAreOutermostFirst(t *testing.T) {
	s := readerSite(t, 0,
		&content.Doc{Rel: "laws/economic/价格法.md", Title: "价格法"},
		&content.Doc{Rel: "about.md", Title: "关于"},
	)
	for _, d := range s.Docs {
		var got []string
		for _, sec := range d.Sections() {
			got = append(got, sec.Dir)
		}
		want := map[string][]string{"价格法": {"laws", "laws/economic"}, "关于": nil}[d.Title]
		if !slices.Equal(got, want) {
			t.Errorf("Sections() of %s = %q, want %q", d.Rel, got, want)
		}
	}
}

func TestArchiveMonthOfDocument(t *testing.T) {
	s := readerSite(t, 0,
		&content.Doc{Rel: "a.md", Title: "甲", Date: mustDate(t, "2025-04-27")},
		&content.Doc{Rel: "b.md", Title: "乙", Date: mustDate(t, "2025年3月")},
		&content.Doc{Rel: "c.md", Title: "丙"},
	)
	for _, d := range s.Docs {
		got := ""
		if m := d.ArchiveMonth(); m != nil {
			got = m.Path
		}
		want := map[string]string{"甲": "/archive/2025/04/", "乙": "/archive/2025/03/", "丙": ""}[d.Title]
		if got != want {
			t.Errorf("ArchiveMonth() of %s = %q, want %q", d.Title, got, want)
		}
	}
}

func TestTimelineBarsShareOneScale(t *testing.T) {
	var docs []*content.Doc
	for i := range 16 {
		docs = append(docs, &content.Doc{Rel: fmt.Sprintf("a%02d.md", i), Title: "x", Date: mustDate(t, "2025-04-01")})
	}
	docs = append(docs,
		&content.Doc{Rel: "b.md", Title: "y", Date: mustDate(t, "2025-01-09")},
		&content.Doc{Rel: "c.md", Title: "z", Date: mustDate(t, "1997-12-29")},
		&content.Doc{Rel: "d.md", Title: "z", Date: mustDate(t, "1997-12-30")},
		&content.Doc{Rel: "e.md", Title: "z", Date: mustDate(t, "1997-12-31")},
		&content.Doc{Rel: "f.md", Title: "z", Date: mustDate(t, "1997-11-01")},
	)
	s := readerSite(t, 0, docs...)
	heights := func(y int) string {
		var parts []string
		for _, p := range s.Years {
			if p.Year != y {
				continue
			}
			for i, b := range s.Timeline(p) {
				if int(b.Month) != i+1 || (b.Period == nil) != (b.Count == 0) {
					t.Errorf("%d: bar %d = %+v", y, i, b)
				}
				parts = append(parts, fmt.Sprint(b.Height))
			}
		}
		return strings.Join(parts, " ")
	}
	// 16 documents are the tallest bar; 4 is half as tall (square root),
	// 1 a quarter.
	if got, want := heights(2025), "25 0 0 100 0 0 0 0 0 0 0 0"; got != want {
		t.Errorf("2025 bars = %s, want %s", got, want)
	}
	if got, want := heights(1997), "0 0 0 0 0 0 0 0 0 0 25 43"; got != want {
		t.Errorf("1997 bars = %s, want %s", got, want)
	}
}

func TestPagerNumbers(t *testing.T) {
	tests := []struct {
		total, number int
		want          string
	}{
		{1, 1, "[1]"},
		{3, 2, "1 [2] 3"},
		{7, 1, "[1] 2 3 … 7"},
		{7, 4, "1 2 3 [4] 5 6 7"},
		{20, 6, "1 … 4 5 [6] 7 8 … 20"},
		{20, 5, "1 2 3 4 [5] 6 7 … 20"},
		{20, 20, "1 … 18 19 [20]"},
	}
	for _, tt := range tests {
		var docs []*content.Doc
		for i := range tt.total {
			docs = append(docs, &content.Doc{Rel: fmt.Sprintf("d%03d.md", i), Title: "文档", Tags: []string{"分页"}})
		}
		s := readerSite(t, 1, docs...)
		var pager *Pager
		for _, p := range s.Pages() {
			if p.Kind == KindTag && p.Pager.Number == tt.number {
				pager = p.Pager
			}
		}
		var parts []string
		for _, l := range pager.Numbers() {
			switch {
			case l.Number == 0:
				parts = append(parts, "…")
			case l.Current:
				parts = append(parts, fmt.Sprintf("[%d]", l.Number))
			default:
				parts = append(parts, fmt.Sprint(l.Number))
			}
			if l.Number > 0 && l.Path != pager.PagePath(l.Number) {
				t.Errorf("page %d links %s, want %s", l.Number, l.Path, pager.PagePath(l.Number))
			}
		}
		if got := strings.Join(parts, " "); got != tt.want {
			t.Errorf("Numbers() of page %d of %d = %s, want %s", tt.number, tt.total, got, tt.want)
		}
	}
}
