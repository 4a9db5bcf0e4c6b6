// Package linkcheck finds broken internal links in a built site: the output
// folder, as it will be published to GitHub Pages.
//
// # Where links come from
//
// Every *.html and *.htm file is read, and a URL is taken from each of
// a[href], area[href], link[href], script[src], img[src], img[srcset],
// source[src], source[srcset], iframe[src], embed[src], track[src],
// audio[src], video[src], video[poster], object[data], form[action] and
// <meta http-equiv="refresh" content="0; url=…">. Links inside <noscript>
// count (they are what a reader without scripts follows). A <base href>
// changes what relative links resolve against, as it does in a browser.
//
// Every *.xml file that is a sitemap (<urlset>, <sitemapindex>: each <loc>),
// an Atom feed (<feed>: each <link href>, <icon>, <logo>) or an RSS feed
// (<rss>: each <link>) is read too; other XML files are left alone. Atom
// content is not searched for links.
//
// # Which links are internal
//
// A link is resolved against the URL of the page that holds it: the base
// path of Config.BaseURL followed by the file's path, where "index.html"
// stands for its folder ("tags/人工智能/index.html" is
// "/repo/tags/人工智能/"). A link is external, and not checked, when it
// resolves to another scheme or host than BaseURL's, or to a scheme other
// than http and https (mailto:, tel:, javascript:, data:). With an empty
// BaseURL the site may be served from any host, so only links without a
// host are internal. Empty links are skipped.
//
// # What is checked
//
// An internal link must
//
//   - stay under the base path ("/other/" is outside "/repo/");
//   - reach a file, the way GitHub Pages serves it: a path ending in "/"
//     needs index.html in that folder; another path may name a file, a
//     folder holding index.html, or, without an extension, a file with
//     ".html" added. Paths are percent-decoded first, so
//     "/repo/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/" and
//     "/repo/tags/人工智能/" are the same link;
//   - when it has a #fragment and reaches an HTML file, find an element of
//     that id, or an <a name>, in it. The fragment is matched decoded and as
//     written. An empty fragment ("#"), "#top" and text fragments
//     ("#:~:text=…") always pass. A query string is ignored.
//
// GitHub Pages serves the root 404.html at every missing URL, so a relative
// link there would resolve differently at each depth: in 404.html every link
// with a relative path is a problem of its own.
//
// # Output
//
// Check returns the problems sorted by file, line and URL; a line is that of
// the tag holding the link. Unreadable files are errors; a page that is
// malformed XML is a problem.
package linkcheck

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// Config says where the site will be published. Its zero value checks a site
// served from "/" on any host.
type Config struct {
	// BaseURL is the URL of the site's home page, such as
	// "https://user.github.io/repo/"; its path is the site's base path.
	// A bare path ("/repo/") or "" (meaning "/") leaves the host open.
	BaseURL string
}

// Problem is one broken link.
type Problem struct {
	File   string // slash path of the page relative to the folder
	Line   int    // 1-based
	URL    string // the link as written
	Reason string // such as "target not found"
}

// String formats p as "file:line: url: reason".
func (p Problem) String() string {
	if p.URL == "" {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Reason)
	}
	return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.URL, p.Reason)
}

// Check reports the broken internal links of the site in fsys.
func Check(fsys fs.FS, cfg Config) ([]Problem, error) {
	r, err := Run(fsys, cfg)
	if err != nil {
		return nil, err
	}
	return r.Problems, nil
}

// Report is what one check found.
type Report struct {
	Problems []Problem // sorted by file, line and URL
	Pages    int       // HTML files read
	Feeds    int       // XML files read (feeds, the sitemap)
	Links    int       // internal links and asset references checked
}

// Run checks the site in fsys and reports what it checked as well as what
// is broken.
func Run(fsys fs.FS, cfg Config) (*Report, error) {
	c, err := newChecker(fsys, cfg)
	if err != nil {
		return nil, err
	}
	var pages, feeds []string
	err = fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		c.files[name] = true
		switch strings.ToLower(path.Ext(name)) {
		case ".html", ".htm":
			pages = append(pages, name)
		case ".xml":
			feeds = append(feeds, name)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("linkcheck: %w", err)
	}

	var problems []Problem
	for _, name := range pages {
		doc, err := c.parse(name)
		if err != nil {
			return nil, err
		}
		ps, err := c.checkLinks(name, doc)
		if err != nil {
			return nil, err
		}
		problems = append(problems, ps...)
	}
	for _, name := range feeds {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("linkcheck: %w", err)
		}
		links, err := xmlLinks(b)
		if err != nil {
			p := Problem{File: name, Reason: "malformed XML: " + err.Error()}
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				p.Line, p.Reason = se.Line, "malformed XML: "+se.Msg
			}
			problems = append(problems, p)
		}
		ps, err := c.checkLinks(name, &document{links: links})
		if err != nil {
			return nil, err
		}
		problems = append(problems, ps...)
	}

	slices.SortFunc(problems, func(a, b Problem) int {
		if a.File != b.File {
			return strings.Compare(a.File, b.File)
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		if a.URL != b.URL {
			return strings.Compare(a.URL, b.URL)
		}
		return strings.Compare(a.Reason, b.Reason)
	})
	return &Report{Problems: slices.Compact(problems), Pages: len(pages), Feeds: len(feeds), Links: c.checked}, nil
}

// checker holds what one Check call knows about the site.
type checker struct {
	fsys     fs.FS
	scheme   string // "" when BaseURL has no host
	host     string
	basePath string                     // begins and ends with "/"
	files    map[string]bool            // every file in fsys
	ids      map[string]map[string]bool // fragment targets by HTML file
	checked  int                        // internal links checked
}

func newChecker(fsys fs.FS, cfg Config) (*checker, error) {
	base, err := url.Parse(strings.TrimSpace(cfg.BaseURL))
	if err != nil {
		return nil, fmt.Errorf("linkcheck: base URL: %w", err)
	}
	if base.Scheme != "" && base.Scheme != "http" && base.Scheme != "https" || base.Scheme != "" && base.Host == "" {
		return nil, fmt.Errorf("linkcheck: base URL %q: want an http(s) URL or a path", cfg.BaseURL)
	}
	c := &checker{
		fsys:     fsys,
		scheme:   base.Scheme,
		host:     strings.ToLower(base.Host),
		basePath: base.Path,
		files:    map[string]bool{},
		ids:      map[string]map[string]bool{},
	}
	if !strings.HasPrefix(c.basePath, "/") {
		c.basePath = "/" + c.basePath
	}
	if !strings.HasSuffix(c.basePath, "/") {
		c.basePath += "/"
	}
	return c, nil
}

// document is what a page holds: its links, the ids it defines and its
// <base href>, if any.
type document struct {
	links []link
	ids   map[string]bool
	base  string
}

type link struct {
	line int
	url  string
}

// parse reads the HTML file name and caches its ids.
func (c *checker) parse(name string) (*document, error) {
	f, err := c.fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("linkcheck: %w", err)
	}
	defer f.Close()
	doc, err := parseHTML(f)
	if err != nil {
		return nil, fmt.Errorf("linkcheck: read %s: %w", name, err)
	}
	c.ids[name] = doc.ids
	return doc, nil
}

// idsOf returns the ids defined in the HTML file name, parsing it once.
func (c *checker) idsOf(name string) (map[string]bool, error) {
	if ids, ok := c.ids[name]; ok {
		return ids, nil
	}
	doc, err := c.parse(name)
	if err != nil {
		return nil, err
	}
	return doc.ids, nil
}

// pageURL is the URL at which the file name is served.
func (c *checker) pageURL(name string) *url.URL {
	p := c.basePath + name
	if dir, file := path.Split(name); file == "index.html" {
		p = c.basePath + dir
	}
	return &url.URL{Scheme: c.scheme, Host: c.host, Path: p}
}

func (c *checker) checkLinks(name string, doc *document) ([]Problem, error) {
	var problems []Problem
	base := c.pageURL(name)
	if doc.base != "" {
		if b, err := url.Parse(strings.TrimSpace(doc.base)); err == nil {
			base = base.ResolveReference(b)
		}
	}
	for _, l := range doc.links {
		reason, err := c.checkLink(name, base, l.url)
		if err != nil {
			return nil, err
		}
		if reason != "" {
			problems = append(problems, Problem{File: name, Line: l.line, URL: strings.TrimSpace(l.url), Reason: reason})
		}
	}
	return problems, nil
}

// checkLink returns why the link raw in the file name is broken, or "".
func (c *checker) checkLink(name string, base *url.URL, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "invalid URL: " + err.Error(), nil
	}
	if name == "404.html" && u.Scheme == "" && u.Host == "" && u.Path != "" && !strings.HasPrefix(u.Path, "/") {
		return "relative link in 404.html, which is served at every missing URL; use an absolute path", nil
	}
	abs := base.ResolveReference(u)
	if abs.Scheme != c.scheme || !strings.EqualFold(abs.Host, c.host) {
		return "", nil // external, or mailto:, javascript: and the like
	}
	c.checked++

	p := abs.Path
	if p == "" {
		p = "/"
	}
	var rel string
	switch {
	case p+"/" == c.basePath:
		rel = ""
	case strings.HasPrefix(p, c.basePath):
		rel = p[len(c.basePath):]
	default:
		return "points outside the base path " + c.basePath, nil
	}
	target, ok := c.lookup(rel)
	if !ok {
		return "target not found", nil
	}

	frag := abs.Fragment
	if frag == "" || strings.HasPrefix(frag, ":~:") || strings.EqualFold(frag, "top") {
		return "", nil
	}
	if ext := strings.ToLower(path.Ext(target)); ext != ".html" && ext != ".htm" {
		return "", nil
	}
	ids, err := c.idsOf(target)
	if err != nil {
		return "", err
	}
	if ids[frag] || ids[abs.EscapedFragment()] {
		return "", nil
	}
	return "fragment #" + frag + " not found", nil
}

// lookup finds the file that GitHub Pages serves for rel, a decoded path
// relative to the base path.
func (c *checker) lookup(rel string) (string, bool) {
	if rel == "" || strings.HasSuffix(rel, "/") {
		f := rel + "index.html"
		return f, c.files[f]
	}
	candidates := []string{rel, rel + "/index.html"}
	if path.Ext(rel) == "" {
		candidates = append(candidates, rel+".html")
	}
	for _, f := range candidates {
		if c.files[f] {
			return f, true
		}
	}
	return "", false
}

// linkAttrs lists, by element, the attributes that hold a URL.
func linkAttrs(tag string) []string {
	switch tag {
	case "a", "area", "link":
		return []string{"href"}
	case "script", "iframe", "embed", "track", "audio":
		return []string{"src"}
	case "img", "source":
		return []string{"src", "srcset"}
	case "video":
		return []string{"src", "poster"}
	case "object":
		return []string{"data"}
	case "form":
		return []string{"action"}
	}
	return nil
}

// parseHTML collects the links and ids of one HTML page, with lines.
func parseHTML(r io.Reader) (*document, error) {
	doc := &document{ids: map[string]bool{}}
	z := html.NewTokenizer(r)
	line := 1
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if err := z.Err(); err != io.EOF {
				return nil, err
			}
			return doc, nil
		}
		at := line
		line += bytes.Count(z.Raw(), []byte("\n"))
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		attr := func(key string) (string, bool) {
			for _, a := range tok.Attr {
				if a.Namespace == "" && a.Key == key {
					return a.Val, true
				}
			}
			return "", false
		}
		if id, ok := attr("id"); ok && id != "" {
			doc.ids[id] = true
		}
		switch tok.Data {
		case "noscript":
			if tt == html.StartTagToken {
				z.NextIsNotRawText()
			}
		case "a":
			if n, ok := attr("name"); ok && n != "" {
				doc.ids[n] = true
			}
		case "base":
			if h, ok := attr("href"); ok && doc.base == "" {
				doc.base = h
			}
		case "meta":
			if v, _ := attr("http-equiv"); strings.EqualFold(strings.TrimSpace(v), "refresh") {
				content, _ := attr("content")
				if u := refreshURL(content); u != "" {
					doc.links = append(doc.links, link{at, u})
				}
			}
		}
		for _, key := range linkAttrs(tok.Data) {
			v, ok := attr(key)
			if !ok {
				continue
			}
			if key == "srcset" {
				for _, u := range srcsetURLs(v) {
					doc.links = append(doc.links, link{at, u})
				}
				continue
			}
			doc.links = append(doc.links, link{at, v})
		}
	}
}

// refreshURL returns the URL in a meta refresh's content ("5; url=/x/"),
// or "" for a plain reload.
func refreshURL(content string) string {
	i := strings.IndexAny(content, ";,")
	if i < 0 {
		return ""
	}
	s := strings.TrimSpace(content[i+1:])
	if len(s) >= 3 && strings.EqualFold(s[:3], "url") {
		if rest := strings.TrimLeft(s[3:], " \t\n\f\r"); strings.HasPrefix(rest, "=") {
			s = strings.TrimSpace(rest[1:])
		}
	}
	if len(s) > 0 && (s[0] == '\'' || s[0] == '"') {
		q := s[0]
		s = s[1:]
		if j := strings.IndexByte(s, q); j >= 0 {
			s = s[:j]
		}
	}
	return strings.TrimSpace(s)
}

// srcsetURLs returns the URLs of a srcset ("a.png 1x, b.png 2x"), following
// the HTML parsing rules: a URL runs to white space, and a comma ends a
// candidate only outside parentheses.
func srcsetURLs(s string) []string {
	const space = " \t\n\f\r"
	var urls []string
	for {
		s = strings.TrimLeft(s, space+",")
		if s == "" {
			return urls
		}
		end := strings.IndexAny(s, space)
		if end < 0 {
			end = len(s)
		}
		u := s[:end]
		s = s[end:]
		if trimmed := strings.TrimRight(u, ","); trimmed != u {
			urls = append(urls, trimmed)
			continue // the comma ended the candidate
		}
		urls = append(urls, u)
		s = s[descriptorsEnd(s):]
	}
}

// descriptorsEnd returns the index of the comma that ends a srcset
// candidate's descriptors, or len(s).
func descriptorsEnd(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth = max(depth-1, 0)
		case ',':
			if depth == 0 {
				return i
			}
		}
	}
	return len(s)
}

// xmlLinks returns the links of a sitemap or feed, or nothing for any other
// XML. After a syntax error in a sitemap or feed it returns the links so far
// and the error.
func xmlLinks(b []byte) ([]link, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	var links []link
	var root string
	var stack []string // local names of the open elements
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return links, nil
		}
		if err != nil {
			if root == "" {
				return nil, nil // not a sitemap or feed we know
			}
			return links, err
		}
		line, _ := d.InputPos()
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			if root == "" {
				switch name {
				case "urlset", "sitemapindex", "feed", "rss":
					root = name
				default:
					return nil, nil
				}
			}
			stack = append(stack, name)
			text.Reset()
			if root == "feed" && name == "link" {
				for _, a := range t.Attr {
					if a.Name.Space == "" && a.Name.Local == "href" {
						links = append(links, link{line, a.Value})
					}
				}
			}
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			name := t.Name.Local
			stack = stack[:len(stack)-1]
			var want bool
			switch root {
			case "urlset", "sitemapindex":
				want = name == "loc"
			case "feed":
				want = (name == "icon" || name == "logo") && len(stack) == 1
			case "rss":
				want = name == "link" && t.Name.Space == ""
			}
			if want {
				if u := strings.TrimSpace(text.String()); u != "" {
					links = append(links, link{line, u})
				}
			}
			text.Reset()
		}
	}
}
