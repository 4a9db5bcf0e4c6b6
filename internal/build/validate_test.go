package build

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/folio-ssg/folio"
	"github.com/folio-ssg/folio/internal/config"
	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/site"
	"github.com/folio-ssg/folio/internal/sitemap"
)

// Feeds and sitemaps are checked against their published schemas, kept in
// testdata/schemas at the repository root: Atom against RFC 4287's RELAX NG
// grammar with jing, sitemaps against sitemaps.org's sitemap.xsd and
// siteindex.xsd with xmllint. What the grammars leave to prose (RFC 4287's
// Schematron rules, absolute ids, JSON Feed's required fields) is checked
// here in Go.

// requireTool returns the path of a validator. Where CI=true or
// FOLIO_REQUIRE_TOOLS=1 a missing one fails the test; elsewhere it skips.
func requireTool(t *testing.T, name, aptPackage string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" || os.Getenv("FOLIO_REQUIRE_TOOLS") == "1" {
		t.Fatalf("%s is missing and CI or FOLIO_REQUIRE_TOOLS is set (apt-get install %s): %v", name, aptPackage, err)
	}
	t.Skipf("%s not installed (apt-get install %s); set FOLIO_REQUIRE_TOOLS=1 to fail instead", name, aptPackage)
	return ""
}

func schema(name string) string { return filepath.Join("..", "..", "testdata", "schemas", name) }

// jing validates Atom documents against RFC 4287's grammar and returns
// its complaints, "" when they are valid.
func jing(t *testing.T, files ...string) string {
	t.Helper()
	bin := requireTool(t, "jing", "jing")
	out, err := exec.Command(bin, append([]string{"-c", schema("atom.rnc")}, files...)...).CombinedOutput()
	var lines []string
	for l := range strings.Lines(string(out)) {
		if !strings.HasPrefix(l, "[warning]") { // Debian's wrapper: optional jars
			lines = append(lines, l)
		}
	}
	if err == nil && len(lines) == 0 {
		return ""
	}
	return fmt.Sprintf("jing: %v\n%s", err, strings.Join(lines, ""))
}

// xmllint validates files against an XML Schema and returns its
// complaints, "" when they are valid.
func xmllint(t *testing.T, xsd string, files ...string) string {
	t.Helper()
	bin := requireTool(t, "xmllint", "libxml2-utils")
	out, err := exec.Command(bin, append([]string{"--noout", "--schema", schema(xsd)}, files...)...).CombinedOutput()
	if err == nil {
		return ""
	}
	return fmt.Sprintf("xmllint --schema %s: %v\n%s", xsd, err, out)
}

// checkURL checks a URL from a feed or sitemap: percent-encoded the one
// way (sitemap.EscapeURL leaves it as it is), and absolute when the site
// has a base URL.
func checkURL(t *testing.T, where, u string, abs bool) {
	t.Helper()
	if got := sitemap.EscapeURL(u); got != u {
		t.Errorf("%s: URL %q is not percent-encoded as RFC 3986 says (%q)", where, u, got)
	}
	if !abs {
		return
	}
	if p, err := url.Parse(u); err != nil || !p.IsAbs() || p.Host == "" {
		t.Errorf("%s: URL %q is not absolute", where, u)
	}
}

// checkDate checks a date a feed writes: RFC 3339, never the Unix epoch.
func checkDate(t *testing.T, where, d string) {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, d)
	if err != nil {
		t.Errorf("%s: date %q is not RFC 3339: %v", where, d, err)
		return
	}
	if tm.Year() == 1970 {
		t.Errorf("%s: date %q is the Unix epoch's year", where, d)
	}
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
}

type atomDoc struct {
	XMLName xml.Name   `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string     `xml:"id"`
	Updated string     `xml:"updated"`
	Icon    string     `xml:"icon"`
	Links   []atomLink `xml:"link"`
	Authors []string   `xml:"author>name"`
	Entries []struct {
		ID        string     `xml:"id"`
		Updated   []string   `xml:"updated"`
		Published string     `xml:"published"`
		Links     []atomLink `xml:"link"`
		Authors   []string   `xml:"author>name"`
		Content   *string    `xml:"content"`
	} `xml:"entry"`
}

// checkAtom checks what RFC 4287 says in prose and in the Schematron
// rules of its grammar, which jing does not run.
func checkAtom(t *testing.T, name string, data []byte, abs bool) atomDoc {
	t.Helper()
	var f atomDoc
	if err := xml.Unmarshal(data, &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	checkURL(t, name+" id", f.ID, abs)
	checkURL(t, name+" icon", f.Icon, abs)
	checkDate(t, name+" updated", f.Updated)
	for _, l := range f.Links {
		checkURL(t, name+" link", l.Href, abs)
	}
	ids := map[string]bool{}
	for i, e := range f.Entries {
		where := fmt.Sprintf("%s entry %d", name, i)
		if ids[e.ID] {
			t.Errorf("%s: id %s twice", where, e.ID)
		}
		ids[e.ID] = true
		checkURL(t, where+" id", e.ID, abs)
		alternate := e.Content != nil
		for _, l := range e.Links {
			checkURL(t, where+" link", l.Href, abs)
			alternate = alternate || l.Rel == "alternate" || l.Rel == ""
		}
		if !alternate {
			t.Errorf("%s: an atom:entry must have an alternate link or content", where)
		}
		if len(e.Authors) == 0 && len(f.Authors) == 0 {
			t.Errorf("%s: an atom:entry must have an atom:author if its feed does not", where)
		}
		if len(e.Updated) != 1 {
			t.Errorf("%s: %d <updated>, want 1", where, len(e.Updated))
		} else {
			checkDate(t, where+" updated", e.Updated[0])
		}
		if e.Published != "" {
			checkDate(t, where+" published", e.Published)
		}
	}
	return f
}

type jsonItem struct {
	ID            *string `json:"id"`
	URL           string  `json:"url"`
	ContentHTML   *string `json:"content_html"`
	ContentText   *string `json:"content_text"`
	DatePublished *string `json:"date_published"`
	DateModified  *string `json:"date_modified"`
}

// checkJSONFeed checks JSON Feed 1.1's required fields and its dates.
func checkJSONFeed(t *testing.T, name string, data []byte, abs bool) []jsonItem {
	t.Helper()
	var f struct {
		Version     *string     `json:"version"`
		Title       *string     `json:"title"`
		HomePageURL string      `json:"home_page_url"`
		FeedURL     string      `json:"feed_url"`
		Icon        string      `json:"icon"`
		Items       *[]jsonItem `json:"items"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if f.Version == nil || *f.Version != "https://jsonfeed.org/version/1.1" {
		t.Errorf("%s: version %v, want https://jsonfeed.org/version/1.1", name, f.Version)
	}
	if f.Title == nil || *f.Title == "" {
		t.Errorf("%s: no title", name)
	}
	if f.Items == nil {
		t.Fatalf("%s: no items", name)
	}
	for _, u := range []string{f.HomePageURL, f.FeedURL, f.Icon} {
		checkURL(t, name, u, abs)
	}
	ids := map[string]bool{}
	for i, it := range *f.Items {
		where := fmt.Sprintf("%s item %d", name, i)
		if it.ID == nil || *it.ID == "" {
			t.Errorf("%s: no id", where)
		} else {
			if ids[*it.ID] {
				t.Errorf("%s: id %s twice", where, *it.ID)
			}
			ids[*it.ID] = true
			checkURL(t, where+" id", *it.ID, abs)
		}
		checkURL(t, where+" url", it.URL, abs)
		if it.ContentHTML == nil && it.ContentText == nil {
			t.Errorf("%s: neither content_html nor content_text", where)
		}
		for _, d := range []*string{it.DatePublished, it.DateModified} {
			if d != nil {
				checkDate(t, where, *d)
			}
		}
	}
	return *f.Items
}

// checkSitemaps validates sitemap.xml (a urlset, or an index and the
// files it lists) and checks every <loc>.
func checkSitemaps(t *testing.T, dest string) {
	t.Helper()
	main := filepath.Join(dest, "sitemap.xml")
	data, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name
		Locs    []string `xml:"url>loc"`
		Maps    []string `xml:"sitemap>loc"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("sitemap.xml: %v", err)
	}
	urlsets := []string{main}
	if doc.XMLName.Local == "sitemapindex" {
		if msg := xmllint(t, "siteindex.xsd", main); msg != "" {
			t.Error(msg)
		}
		urlsets = nil
		for i, u := range doc.Maps {
			checkURL(t, "sitemap.xml", u, true)
			name := fmt.Sprintf("sitemap-%d.xml", i+1)
			if !strings.HasSuffix(u, "/"+name) {
				t.Errorf("sitemap index entry %d is %s, want …/%s", i, u, name)
			}
			urlsets = append(urlsets, filepath.Join(dest, name))
		}
	}
	if msg := xmllint(t, "sitemap.xsd", urlsets...); msg != "" {
		t.Error(msg)
	}
	for _, f := range urlsets {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var us struct {
			Locs []string `xml:"url>loc"`
		}
		if err := xml.Unmarshal(data, &us); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, u := range us.Locs {
			checkURL(t, filepath.Base(f), u, true)
		}
	}
}

// checkFeeds checks every feed a build wrote, and returns the paths of
// the Atom feeds for jing (one run for all, as the JVM is slow to start).
func checkFeeds(t *testing.T, dest string, abs bool) (atoms map[string]atomDoc, items []jsonItem, paths []string) {
	t.Helper()
	atoms = map[string]atomDoc{}
	err := filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == "feed.xml" {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no feed.xml written")
	}
	for _, p := range paths {
		rel, _ := filepath.Rel(dest, p)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		atoms[filepath.ToSlash(rel)] = checkAtom(t, rel, data, abs)
	}
	data, err := os.ReadFile(filepath.Join(dest, "feed.json"))
	if err != nil {
		t.Fatal(err)
	}
	return atoms, checkJSONFeed(t, "feed.json", data, abs), paths
}

// validAtom validates Atom feeds with jing.
func validAtom(t *testing.T, paths ...[]string) {
	t.Helper()
	if msg := jing(t, slices.Concat(paths...)...); msg != "" {
		t.Error(msg)
	}
}

// logTo returns a logger writing to b, for a build's warnings.
func logTo(b *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// TestBundledExampleFeedsAndSitemapAreValid builds the example with and
// without a base URL.
func TestBundledExampleFeedsAndSitemapAreValid(t *testing.T) {
	t.Parallel()
	dest := filepath.Join(t.TempDir(), "public")
	buildExample(t, dest, "https://user.github.io/repo/", 0)
	atoms, _, paths := checkFeeds(t, dest, true)
	checkSitemaps(t, dest)
	if len(atoms) < 10 {
		t.Errorf("%d Atom feeds checked; the example has a feed per tag and facet", len(atoms))
	}
	robots, _ := os.ReadFile(filepath.Join(dest, "robots.txt"))
	if !strings.Contains(string(robots), "Sitemap: https://user.github.io/repo/sitemap.xml\n") {
		t.Errorf("robots.txt = %q", robots)
	}

	// Without a base URL: a warning, relative ids and links (which the
	// grammar allows: atomUri is text), and no sitemap.
	rel := filepath.Join(t.TempDir(), "public")
	var log bytes.Buffer
	if _, err := Build(context.Background(), Config{Source: exampleRoot(t), Dest: rel, Theme: folio.Theme(), Logger: logTo(&log)}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "level=WARN") || !strings.Contains(log.String(), "no absolute base URL") {
		t.Errorf("a build without a base URL did not warn; log:\n%s", log.String())
	}
	_, _, relPaths := checkFeeds(t, rel, false)
	if _, err := os.Stat(filepath.Join(rel, "sitemap.xml")); err == nil {
		t.Error("sitemap.xml written without a base URL; the protocol allows only absolute URLs")
	}
	robots, _ = os.ReadFile(filepath.Join(rel, "robots.txt"))
	if strings.Contains(string(robots), "Sitemap") {
		t.Errorf("robots.txt names a sitemap: %q", robots)
	}
	validAtom(t, paths, relPaths)
}

const monthSite = `-- folio.yaml --
title: 月份文库
timezone: Asia/Shanghai
-- content/month.md --
---
title: 四月份的通知
date: 2025年4月
tags: [人工智能, 数据安全]
---
正文。
-- content/day.md --
---
title: 旧法
date: 1997-12-29
tags: [法律法规]
---
正文。
-- content/time.md --
---
title: 有时刻的公告
date: 2021-07-01T00:30:00+08:00
tags: [人工智能]
---
正文。
-- content/undated.md --
---
title: 无日期的说明
tags: [人工智能, 无日期]
---
正文。
`

func TestMonthDatesUndatedDocumentsAndChineseTagsAreValid(t *testing.T) {
	t.Parallel()
	s := newSite(t, monthSite).build(func(c *Config) { c.BaseURL = "https://example.org/政策/" })
	atoms, items, paths := checkFeeds(t, s.dest, true)
	checkSitemaps(t, s.dest)

	const base = "https://example.org/%E6%94%BF%E7%AD%96/"
	const tag = "tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/" // 人工智能
	s.assertFile("sitemap.xml",
		"<url><loc>"+base+"month/</loc><lastmod>2025-04-01</lastmod></url>",
		"<url><loc>"+base+"day/</loc><lastmod>1997-12-29</lastmod></url>",
		"<url><loc>"+base+"time/</loc><lastmod>2021-07-01T00:30:00+08:00</lastmod></url>",
		"<url><loc>"+base+"undated/</loc></url>",
		"<url><loc>"+base+tag+"</loc><lastmod>2025-04-01</lastmod></url>",
		"! <lastmod>2025-04<")
	s.assertFile("robots.txt", "Sitemap: "+base+"sitemap.xml\n")

	f := atoms["feed.xml"]
	if f.Updated != "2025-04-01T00:00:00+08:00" {
		t.Errorf("feed updated = %s, want the month's first day", f.Updated)
	}
	byID := map[string]int{}
	for i, e := range f.Entries {
		byID[e.ID] = i
	}
	month := f.Entries[byID[base+"month/"]]
	if month.Published != "2025-04-01T00:00:00+08:00" {
		t.Errorf("month entry published %q", month.Published)
	}
	undated := f.Entries[byID[base+"undated/"]]
	if undated.Published != "" || undated.Updated[0] != "2025-04-01T00:00:00+08:00" {
		t.Errorf("undated entry published %q updated %q; want none, and the newest document's date", undated.Published, undated.Updated)
	}
	// A tag whose only document is undated still has a real date.
	if got := atoms["tags/无日期/feed.xml"].Updated; got != "2025-04-01T00:00:00+08:00" {
		t.Errorf("undated-only tag feed updated = %q", got)
	}
	tagFeed := atoms["tags/人工智能/feed.xml"]
	if tagFeed.ID != base+tag+"feed.xml" {
		t.Errorf("tag feed id = %s", tagFeed.ID)
	}
	for _, it := range items {
		if *it.ID == base+"undated/" && (it.DatePublished != nil || it.DateModified != nil) {
			t.Errorf("JSON Feed gives the undated document dates: %v %v", it.DatePublished, it.DateModified)
		}
	}

	// A source date dates undated documents instead.
	e := newSite(t, monthSite).build(func(c *Config) {
		c.BaseURL = "https://example.org/政策/"
		c.SourceDate = time.Unix(1745712000, 0) // 2025-04-27
	})
	e.assertFile("tags/无日期/feed.xml", "<updated>2025-04-27T00:00:00Z</updated>")
	_, _, paths2 := checkFeeds(t, e.dest, true)
	validAtom(t, paths, paths2)
}

func TestUndatedSiteFeedsAreValidAndNeverSay1970(t *testing.T) {
	t.Parallel()
	const undatedSite = "-- content/a.md --\n# 甲\n正文。\n-- content/b.md --\n---\ntitle: 乙\ntags: [法律法规]\n---\n正文。\n"
	var log bytes.Buffer
	s := newSite(t, undatedSite).build(func(c *Config) {
		c.BaseURL = "https://example.org/"
		c.Logger = logTo(&log)
	})
	atoms, items, paths := checkFeeds(t, s.dest, true)
	checkSitemaps(t, s.dest)
	for name, f := range atoms {
		if f.Updated != "2000-01-01T00:00:00Z" {
			t.Errorf("%s updated = %s, want the placeholder", name, f.Updated)
		}
	}
	for _, it := range items {
		if it.DatePublished != nil || it.DateModified != nil {
			t.Errorf("JSON Feed item %s has dates", *it.ID)
		}
	}
	if !strings.Contains(log.String(), "no document is dated") {
		t.Errorf("no warning about the placeholder date; log:\n%s", log.String())
	}
	s.assertFile("sitemap.xml", "! <lastmod>")

	log.Reset()
	e := newSite(t, undatedSite).build(func(c *Config) {
		c.BaseURL = "https://example.org/"
		c.SourceDate = time.Unix(1745712000, 0)
		c.Logger = logTo(&log)
	})
	atoms, _, paths2 := checkFeeds(t, e.dest, true)
	for name, f := range atoms {
		if f.Updated != "2025-04-27T00:00:00Z" {
			t.Errorf("%s updated = %s, want the source date", name, f.Updated)
		}
	}
	validAtom(t, paths, paths2)
	if log.Len() > 0 {
		t.Errorf("a dated build warned:\n%s", log.String())
	}
}

func TestSitemapSplitsIntoAnIndex(t *testing.T) {
	t.Parallel()
	var docs []*site.Doc
	for i := range 12 {
		src := fmt.Sprintf("---\ntitle: 文件%d\ndate: 2025-04-%02d\ntags: [人工智能]\n---\n正文。\n", i, i+1)
		d, errs := content.Parse(fmt.Sprintf("content/文件%02d.md", i), []byte(src), content.Config{})
		if errs != nil {
			t.Fatal(errs)
		}
		docs = append(docs, &site.Doc{Doc: d})
	}
	s, err := site.New(site.Config{Title: "分卷", BaseURL: "https://example.org/repo/"}, docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	sc := &config.Site{}
	sc.Feed.Entries = 20
	files, warned, err := publishFiles(s, sc, publishConfig{sitemap: sitemap.Config{MaxURLs: 5}})
	if err != nil {
		t.Fatal(err)
	}
	if len(warned) > 0 {
		t.Errorf("warnings: %v", warned)
	}
	pages := 0
	for _, p := range s.Pages() {
		if p.Kind != site.KindNotFound && p.Kind != site.KindAlias {
			pages++
		}
	}
	var names []string
	for name := range files {
		if strings.HasPrefix(name, "sitemap") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	if want := (pages+4)/5 + 1; len(names) != want || names[0] != "sitemap-1.xml" || names[len(names)-1] != "sitemap.xml" {
		t.Fatalf("%d pages in files of 5 URLs: %v", pages, names)
	}
	if !bytes.Contains(files["robots.txt"], []byte("Sitemap: https://example.org/repo/sitemap.xml\n")) {
		t.Errorf("robots.txt = %q", files["robots.txt"])
	}
	dest := t.TempDir()
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dest, name), files[name], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	checkSitemaps(t, dest)
	if !bytes.Contains(files["sitemap.xml"], []byte("<sitemap><loc>https://example.org/repo/sitemap-1.xml</loc><lastmod>2025-04-")) {
		t.Errorf("index:\n%s", files["sitemap.xml"])
	}
}

// TestValidatorsRejectWhatFolioUsedToWrite keeps the checks honest: the
// output folio wrote before they existed fails them.
func TestValidatorsRejectWhatFolioUsedToWrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	month := write("month.xml", `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://example.org/note/</loc><lastmod>2025-04</lastmod></url>
</urlset>
`)
	if msg := xmllint(t, "sitemap.xsd", month); !strings.Contains(msg, "'2025-04' is not a valid value") {
		t.Errorf("xmllint passed a month-precision lastmod: %q", msg)
	}
	relative := write("relative.xml", `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>/tags/</loc></url>
</urlset>
`)
	if msg := xmllint(t, "sitemap.xsd", relative); !strings.Contains(msg, "minLength") {
		t.Errorf("xmllint passed a relative loc: %q", msg)
	}
	atom := write("feed.xml", `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>https://example.org/feed.xml</id><title>t</title><updated>2025-04</updated></feed>
`)
	if msg := jing(t, atom); !strings.Contains(msg, "updated") {
		t.Errorf("jing passed a month as an Atom date: %q", msg)
	}
}

func TestSitemapLeavesOutOverlongURLs(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("长", 240) // 2,160 bytes percent-encoded
	src := "---\ntitle: 长\nurl: /" + long + "/\ndate: 2025-04-27\n---\n正文。\n"
	d, errs := content.Parse("content/long.md", []byte(src), content.Config{})
	if errs != nil {
		t.Fatal(errs)
	}
	s, err := site.New(site.Config{BaseURL: "https://example.org/"}, []*site.Doc{{Doc: d}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sc := &config.Site{}
	sc.Feed.Entries = 20
	files, warned, err := publishFiles(s, sc, publishConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "longer than the 2048 characters") {
		t.Errorf("warnings = %q", warned)
	}
	if bytes.Contains(files["sitemap.xml"], []byte("%E9%95%BF%E9%95%BF")) {
		t.Error("the overlong URL is in the sitemap")
	}
	dest := t.TempDir()
	if err := os.WriteFile(filepath.Join(dest, "sitemap.xml"), files["sitemap.xml"], 0o644); err != nil {
		t.Fatal(err)
	}
	checkSitemaps(t, dest)
}
