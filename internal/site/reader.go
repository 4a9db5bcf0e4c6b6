package site

import (
	"math"
	"time"
)

// This file holds read-only views of the model that the default theme's
// navigation uses: breadcrumbs, the archive month of a document, the
// archive timeline and numbered pagers. None of them changes the site.

// Sections are the folders of content/ that hold the document, outermost
// first, for a breadcrumb: content/laws/economic/x.md gives laws and
// laws/economic. A document at the top of content/ has none.
func (d *Doc) Sections() []*Section {
	sec := d.site.bySection[d.Dir()]
	if sec == nil || sec.Dir == "" {
		return nil
	}
	return sec.Trail()
}

// Trail is the section and the sections above it, outermost first, without
// the top of content/.
func (sec *Section) Trail() []*Section {
	var n int
	for p := sec; p != nil && p.Dir != ""; p = p.Parent {
		n++
	}
	out := make([]*Section, n)
	for p := sec; p != nil && p.Dir != ""; p = p.Parent {
		n--
		out[n] = p
	}
	return out
}

// ArchiveMonth is the archive month the document is listed in, or nil when
// it is undated.
func (d *Doc) ArchiveMonth() *Period {
	if d.Date.IsZero() {
		return nil
	}
	for _, y := range d.site.Years {
		if y.Year != d.Date.Year() {
			continue
		}
		for _, m := range y.Months {
			if m.Month == d.Date.Month() {
				return m
			}
		}
	}
	return nil
}

// MonthBar is one month of a year in the archive timeline.
type MonthBar struct {
	Month  time.Month
	Period *Period // nil when the year has no document of that month
	Count  int
	// Height is the bar's height in percent of the tallest bar of the whole
	// site (the month with the most documents). It grows with the square
	// root of the count, so a month of 1 beside a month of 400 is still
	// seen, and is at least 8 for a month with documents; 0 for none.
	Height int
}

// Timeline is the year's twelve months, January first, as bars sized
// alike across every year of the site.
func (s *Site) Timeline(y *Period) []MonthBar {
	most := 0
	for _, yy := range s.Years {
		for _, m := range yy.Months {
			most = max(most, len(m.Docs))
		}
	}
	bars := make([]MonthBar, 12)
	for i := range bars {
		bars[i].Month = time.Month(i + 1)
	}
	for _, m := range y.Months {
		b := &bars[m.Month-1]
		b.Period, b.Count = m, len(m.Docs)
		b.Height = max(8, int(math.Round(100*math.Sqrt(float64(b.Count)/float64(most)))))
	}
	return bars
}

// PageLink is one entry of a numbered pager: a page, or a gap (Number 0)
// standing for the pages left out between two entries.
type PageLink struct {
	Number  int
	Path    string
	Current bool
}

// Numbers are the pages a pager links by number: the first and the last,
// and the current page with two on either side; a gap stands for the
// others ("1 … 4 5 [6] 7 8 … 20"). A gap of a single page shows that page
// instead.
func (p *Pager) Numbers() []PageLink {
	shown := []int{1}
	for n := max(2, p.Number-2); n <= min(p.Total-1, p.Number+2); n++ {
		shown = append(shown, n)
	}
	if p.Total > 1 {
		shown = append(shown, p.Total)
	}
	var out []PageLink
	last := 0
	for _, n := range shown {
		if n-last == 2 {
			out = append(out, PageLink{Number: n - 1, Path: p.PagePath(n - 1)})
		} else if n-last > 2 {
			out = append(out, PageLink{})
		}
		out = append(out, PageLink{Number: n, Path: p.PagePath(n), Current: n == p.Number})
		last = n
	}
	return out
}
