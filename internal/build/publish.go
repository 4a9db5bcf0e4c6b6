package build

import (
	"fmt"
	"strings"
	"time"

	"github.com/folio-ssg/folio/internal/feed"
	"github.com/folio-ssg/folio/internal/site"
	"github.com/folio-ssg/folio/internal/sitemap"
)

// GitHub Pages limits (docs.github.com: "GitHub Pages limits").
const (
	pagesSiteLimit = 1 << 30   // published sites may be no larger than 1 GB
	pagesFileLimit = 100 << 20 // files over 100 MB are refused by git pushes
)

// publishFiles are the files that make a site work when published: feeds,
// the sitemap, robots.txt, .nojekyll and CNAME.
func publishFiles(s *site.Site, sc *SiteConfig, sourceDate time.Time) (map[string][]byte, error) {
	files := map[string][]byte{
		".nojekyll":  {},
		"robots.txt": sitemap.Robots(s.AbsURL("/sitemap.xml")),
	}
	if d := strings.TrimSpace(sc.Domain); d != "" {
		files["CNAME"] = []byte(d + "\n")
	}

	var urls []sitemap.URL
	for _, p := range s.Pages() {
		if p.Kind == site.KindNotFound || p.Kind == site.KindAlias {
			continue
		}
		u := sitemap.URL{Loc: s.AbsURL(p.Path)}
		switch {
		case p.Doc != nil:
			u.LastMod = lastMod(p.Doc)
		case len(p.Docs) > 0:
			u.LastMod = lastMod(p.Docs[0])
		case len(s.Docs) > 0:
			u.LastMod = lastMod(s.Docs[0])
		}
		urls = append(urls, u)
	}
	files["sitemap.xml"] = sitemap.XML(urls)

	full := sc.Feed.Content == "full"
	main := siteFeed(s, s.Config.Title, "/", "/feed.xml", s.Docs, sc.Feed.Entries, full, sourceDate)
	atom, err := feed.Atom(main)
	if err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	files["feed.xml"] = atom
	main.FeedURL = s.AbsURL("/feed.json")
	js, err := feed.JSON(main)
	if err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	files["feed.json"] = js
	for _, t := range s.Tags {
		f := siteFeed(s, s.Config.Title+" · "+t.Name, t.Path, t.Path+"feed.xml", t.Docs, sc.Feed.Entries, full, sourceDate)
		b, err := feed.Atom(f)
		if err != nil {
			return nil, fmt.Errorf("feed %s: %w", t.Name, err)
		}
		files[strings.TrimPrefix(t.Path, "/")+"feed.xml"] = b
	}
	return files, nil
}

// lastMod is a document's date as a W3C datetime, or "".
func lastMod(d *site.Doc) string {
	if d.Date.IsZero() {
		return ""
	}
	if d.Date.Day() == 0 {
		return d.Date.Format("2006-01") // month precision
	}
	return d.Date.String()
}

func siteFeed(s *site.Site, title, home, self string, docs []*site.Doc, n int, full bool, sourceDate time.Time) *feed.Feed {
	f := &feed.Feed{
		Title:    title,
		Language: s.Config.Language,
		HomeURL:  s.AbsURL(home),
		FeedURL:  s.AbsURL(self),
		Icon:     s.AbsURL("/favicon.svg"),
	}
	for _, d := range docs[:min(n, len(docs))] {
		e := feed.Entry{
			ID:      s.AbsURL(d.Path),
			Title:   d.Title,
			URL:     s.AbsURL(d.Path),
			Summary: d.Summary,
			Tags:    d.Tags,
			Lang:    d.Lang,
		}
		if !d.Date.IsZero() {
			e.Published = d.Date.Time(s.Config.Location)
		}
		if d.Author != "" {
			e.Authors = []string{d.Author}
		}
		if full {
			e.ContentHTML = string(d.AbsHTML()) // read away from the site: absolute links
		}
		if e.Published.After(f.Updated) {
			f.Updated = e.Published
		}
		f.Entries = append(f.Entries, e)
	}
	if f.Updated.IsZero() {
		f.Updated = sourceDate.UTC()
	}
	if f.Updated.IsZero() {
		f.Updated = time.Unix(0, 0).UTC()
	}
	return f
}

// pagesWarnings reports what GitHub Pages would refuse.
func pagesWarnings(total int64, largest string, largestSize int64) []string {
	var w []string
	if total > pagesSiteLimit {
		w = append(w, fmt.Sprintf("the output is %.2f GB; GitHub Pages publishes at most 1 GB", float64(total)/(1<<30)))
	}
	if largestSize > pagesFileLimit {
		w = append(w, fmt.Sprintf("%s is %.1f MB; GitHub refuses files over 100 MB", largest, float64(largestSize)/(1<<20)))
	}
	return w
}
