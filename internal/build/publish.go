package build

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/folio-ssg/folio/internal/config"
	"github.com/folio-ssg/folio/internal/date"
	"github.com/folio-ssg/folio/internal/feed"
	"github.com/folio-ssg/folio/internal/site"
	"github.com/folio-ssg/folio/internal/sitemap"
)

// GitHub Pages limits (docs.github.com: "GitHub Pages limits").
const (
	pagesSiteLimit = 1 << 30   // published sites may be no larger than 1 GB
	pagesFileLimit = 100 << 20 // files over 100 MB are refused by git pushes
)

// publishConfig tunes publishFiles. A build sets only sourceDate; the
// sitemap limits are zero, the protocol's, except in tests.
type publishConfig struct {
	sourceDate time.Time      // Config.SourceDate
	sitemap    sitemap.Config // MaxURLs and MaxBytes; Dir is set here
}

// publishFiles are the files that make a site work when published: feeds,
// the sitemap, robots.txt, .nojekyll and CNAME; and what the build should
// warn about them.
//
// Every URL in a feed or sitemap is the site path made absolute with the
// base URL and percent-encoded by sitemap.EscapeURL ("/tags/人工智能/" is
// written ".../tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/"). Feeds and
// sitemaps need an absolute base URL: without one (a build for opening
// from disk), the feeds are still written, since pages link to them, but
// their ids and links are relative, so a warning says so; and no sitemap
// is written at all, since the protocol allows only absolute URLs and
// robots.txt could not name it anyway.
//
// Dates follow what each format accepts. A sitemap <lastmod> is a full
// date, so a month-precision date (2025年4月) is written as its first day,
// 2025-04-01; a time keeps its offset. Atom requires an <updated> on every
// entry: an undated document gets the build's SourceDate, else the date of
// the site's newest dated document, else (nothing in the site is dated)
// package feed's fixed placeholder, 2000-01-01T00:00:00Z, and a warning;
// never the Unix epoch. JSON Feed and the sitemap leave an undated
// document's dates out.
func publishFiles(s *site.Site, sc *config.Site, pc publishConfig) (map[string][]byte, []string, error) {
	var warnings []string
	loc := func(p string) string { return sitemap.EscapeURL(s.AbsURL(p)) }
	files := map[string][]byte{
		".nojekyll":  {},
		"robots.txt": sitemap.Robots(s.AbsURL("/sitemap.xml")),
	}
	if d := strings.TrimSpace(sc.Domain); d != "" {
		files["CNAME"] = []byte(d + "\n")
	}

	if u, err := url.Parse(s.AbsURL("/")); err == nil && u.IsAbs() && u.Host != "" {
		var urls []sitemap.URL
		for _, p := range s.Pages() {
			if p.Kind == site.KindNotFound || p.Kind == site.KindAlias {
				continue
			}
			u := sitemap.URL{Loc: loc(p.Path)}
			if len(u.Loc) > sitemap.MaxLoc {
				warnings = append(warnings, fmt.Sprintf("%s is left out of the sitemap: its URL is longer than the %d characters a sitemap allows", p.Path, sitemap.MaxLoc))
				continue
			}
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
		smc := pc.sitemap
		smc.Dir = loc("/")
		maps, err := sitemap.Files(smc, urls)
		if err != nil {
			return nil, nil, err
		}
		for name, data := range maps {
			files[name] = data
		}
	} else {
		warnings = append(warnings, "no absolute base URL (base_url in folio.yaml, or --base-url): the feeds' ids and links are relative, which feed readers cannot follow, and sitemap.xml is left out")
	}

	undated := pc.sourceDate.UTC()
	if undated.IsZero() && s.Dated() > 0 {
		undated = s.Docs[0].Date.Time(s.Config.Location) // newest first
	}
	if undated.IsZero() && len(s.Docs) > 0 {
		warnings = append(warnings, "no document is dated and no source date is set (SOURCE_DATE_EPOCH): the Atom feeds give every entry the placeholder date 2000-01-01")
	}

	full := sc.Feed.Content == "full"
	main := siteFeed(s, loc, s.Config.Title, "/", "/feed.xml", s.Docs, sc.Feed.Entries, full, undated)
	atom, err := feed.Atom(main)
	if err != nil {
		return nil, nil, fmt.Errorf("feed: %w", err)
	}
	files["feed.xml"] = atom
	main.FeedURL = loc("/feed.json")
	js, err := feed.JSON(main)
	if err != nil {
		return nil, nil, fmt.Errorf("feed: %w", err)
	}
	files["feed.json"] = js
	// A feed for every term a page shows, tags and facets alike: the
	// theme links a term's pages to <term path>feed.xml.
	written := map[string]bool{}
	for _, p := range s.Pages() {
		t := p.Term
		if t == nil || written[t.Path] {
			continue
		}
		written[t.Path] = true
		f := siteFeed(s, loc, s.Config.Title+" · "+t.Name, t.Path, t.Path+"feed.xml", t.Docs, sc.Feed.Entries, full, undated)
		b, err := feed.Atom(f)
		if err != nil {
			return nil, nil, fmt.Errorf("feed %s: %w", t.Name, err)
		}
		files[strings.TrimPrefix(t.Path, "/")+"feed.xml"] = b
	}
	return files, warnings, nil
}

// lastMod is a document's date as a sitemap <lastmod>, or "": a full date
// (a month is its first day) or an RFC 3339 time in its own offset.
func lastMod(d *site.Doc) string {
	switch d.Date.Precision() {
	case date.None:
		return ""
	case date.Time:
		return d.Date.Time(nil).Format(time.RFC3339)
	}
	return d.Date.Format(time.DateOnly)
}

// siteFeed is the feed of docs at the site path home, itself at self; loc
// makes a site path a feed URL, and undated is Atom's date for an undated
// entry.
func siteFeed(s *site.Site, loc func(string) string, title, home, self string, docs []*site.Doc, n int, full bool, undated time.Time) *feed.Feed {
	f := &feed.Feed{
		Title:    title,
		Language: s.Config.Language,
		HomeURL:  loc(home),
		FeedURL:  loc(self),
		Icon:     loc("/favicon.svg"),
		Undated:  undated,
	}
	for _, d := range docs[:min(n, len(docs))] {
		e := feed.Entry{
			ID:      loc(d.Path),
			Title:   d.Title,
			URL:     loc(d.Path),
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
		f.Entries = append(f.Entries, e)
	}
	return f
}

// pagesNearing says how close an output of total bytes and files for docs
// documents is to GitHub Pages' limits, once it is past 80% of one: a
// growing archive hears of the limit before a push is refused.
func pagesNearing(total int64, files, docs int, largest string, largestSize int64) []string {
	var w []string
	if total > pagesSiteLimit*8/10 && total <= pagesSiteLimit {
		msg := fmt.Sprintf("the output is %.2f GB, %.0f%% of the 1 GB GitHub Pages publishes", float64(total)/(1<<30), 100*float64(total)/pagesSiteLimit)
		if docs > 0 {
			per := total / int64(docs)
			msg += fmt.Sprintf(" (%.1f KB and %.1f files a document: about %d more documents fit)", float64(per)/1024, float64(files)/float64(docs), (pagesSiteLimit-total)/max(per, 1))
		}
		w = append(w, msg)
	}
	if largestSize > pagesFileLimit/2 && largestSize <= pagesFileLimit {
		w = append(w, fmt.Sprintf("%s is %.1f MB; GitHub warns about files over 50 MB and refuses them over 100 MB", largest, float64(largestSize)/(1<<20)))
	}
	return w
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
