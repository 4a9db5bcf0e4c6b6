// Package sitemap writes a site's sitemap (sitemaps.org protocol 0.9) and
// the robots.txt that points to it.
//
// # Files
//
// Files writes "sitemap.xml", a <urlset>, while the URLs fit in one file:
// at most 50,000 URLs and 50 MiB (52,428,800 bytes) uncompressed, the
// protocol's limits. A larger site gets "sitemap-1.xml", "sitemap-2.xml", …
// each within both limits, in the order given, and "sitemap.xml" becomes
// the <sitemapindex> listing them, so robots.txt and search consoles keep
// one address. An index entry's <lastmod> is the newest <lastmod> in its
// file. The output is valid against the published sitemap.xsd and
// siteindex.xsd (testdata/schemas at the repository root).
//
// # URLs
//
// The protocol wants absolute URLs, at most 2,048 characters (MaxLoc; the
// caller leaves out longer ones), percent-encoded as RFC 3986 says. EscapeURL is that encoding and the only one folio
// uses for URLs in feeds and sitemaps: a site path arrives raw
// ("/tags/人工智能/") and is written as
// "/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/". Loc is always passed
// through it, so an already-encoded URL is kept (with its hex digits made
// upper case) and a raw one is encoded.
//
// # Dates
//
// LastMod is a W3C datetime that XML Schema can read: a full date
// ("2025-04-27") or an RFC 3339 time. A month alone ("2025-04") is not
// valid; the caller writes the first of the month.
package sitemap

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The protocol's limits: URLs in one sitemap file (or files in an index),
// its size uncompressed, and the length of one <loc>.
const (
	MaxURLs  = 50_000
	MaxBytes = 50 << 20
	MaxLoc   = 2048
)

const ns = "http://www.sitemaps.org/schemas/sitemap/0.9"

// URL is one entry. Loc may hold non-ASCII characters (/tags/人工智能/);
// it is written by EscapeURL. LastMod is a full date ("2025-04-27") or an
// RFC 3339 time, or "" to leave it out.
type URL struct {
	Loc     string
	LastMod string
}

// Config says where the sitemap files are published and how large one may
// grow. The zero limits are the protocol's, MaxURLs and MaxBytes; smaller
// ones are for tests.
type Config struct {
	// Dir is the absolute URL of the folder holding the files, ending in
	// "/": "https://user.github.io/repo/". An index's <loc>s are made
	// from it.
	Dir      string
	MaxURLs  int
	MaxBytes int
}

// Files returns the sitemap files for urls, by name: "sitemap.xml" alone,
// or an index at "sitemap.xml" and the files it lists (see the package
// doc). It fails when one entry is larger than MaxBytes allows, or when
// the index would list more files than the limits allow.
func Files(cfg Config, urls []URL) (map[string][]byte, error) {
	maxURLs, maxBytes := cfg.MaxURLs, cfg.MaxBytes
	if maxURLs <= 0 {
		maxURLs = MaxURLs
	}
	if maxBytes <= 0 {
		maxBytes = MaxBytes
	}
	head := xml.Header + `<urlset xmlns="` + ns + `">` + "\n"
	const foot = "</urlset>\n"

	var parts []*bytes.Buffer
	var newest []string // per part, the newest LastMod
	var cur *bytes.Buffer
	n := 0
	var entry bytes.Buffer
	for _, u := range urls {
		entry.Reset()
		writeEntry(&entry, "url", u)
		if len(head)+entry.Len()+len(foot) > maxBytes {
			return nil, fmt.Errorf("sitemap: the entry for %s is larger than %d bytes", u.Loc, maxBytes)
		}
		if cur == nil || n == maxURLs || cur.Len()+entry.Len()+len(foot) > maxBytes {
			if cur != nil {
				cur.WriteString(foot)
			}
			cur = bytes.NewBufferString(head)
			parts = append(parts, cur)
			newest = append(newest, "")
			n = 0
		}
		cur.Write(entry.Bytes())
		n++
		if newer(u.LastMod, newest[len(newest)-1]) {
			newest[len(newest)-1] = u.LastMod
		}
	}
	if cur == nil { // no URLs: an empty urlset, which the schema (wanting one <url>) refuses
		return map[string][]byte{"sitemap.xml": []byte(head + foot)}, nil
	}
	cur.WriteString(foot)
	if len(parts) == 1 {
		return map[string][]byte{"sitemap.xml": parts[0].Bytes()}, nil
	}

	files := make(map[string][]byte, len(parts)+1)
	sitemaps := make([]URL, len(parts))
	for i, p := range parts {
		name := "sitemap-" + strconv.Itoa(i+1) + ".xml"
		files[name] = p.Bytes()
		sitemaps[i] = URL{Loc: cfg.Dir + name, LastMod: newest[i]}
	}
	if len(sitemaps) > maxURLs {
		return nil, fmt.Errorf("sitemap: %d URLs need %d files; an index lists at most %d", len(urls), len(sitemaps), maxURLs)
	}
	var idx bytes.Buffer
	idx.WriteString(xml.Header)
	idx.WriteString(`<sitemapindex xmlns="` + ns + `">` + "\n")
	for _, s := range sitemaps {
		writeEntry(&idx, "sitemap", s)
	}
	idx.WriteString("</sitemapindex>\n")
	if idx.Len() > maxBytes {
		return nil, fmt.Errorf("sitemap: the index of %d files is larger than %d bytes", len(sitemaps), maxBytes)
	}
	files["sitemap.xml"] = idx.Bytes()
	return files, nil
}

// writeEntry writes one <url> or <sitemap> element on a line.
func writeEntry(b *bytes.Buffer, elem string, u URL) {
	b.WriteString("<" + elem + "><loc>")
	xml.EscapeText(b, []byte(EscapeURL(u.Loc)))
	b.WriteString("</loc>")
	if u.LastMod != "" {
		b.WriteString("<lastmod>")
		xml.EscapeText(b, []byte(u.LastMod))
		b.WriteString("</lastmod>")
	}
	b.WriteString("</" + elem + ">\n")
}

// newer reports whether LastMod a is after b; "" is before everything.
func newer(a, b string) bool {
	if a == "" {
		return false
	}
	if b == "" {
		return true
	}
	return lastModTime(a).After(lastModTime(b))
}

// lastModTime reads a LastMod; a date is its midnight UTC.
func lastModTime(s string) time.Time {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t
	}
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

// Robots returns a robots.txt that allows everything and names the sitemap
// at sitemapURL. robots.txt needs an absolute sitemap URL: a relative one
// (a site built without a base URL) is left out.
func Robots(sitemapURL string) []byte {
	b := []byte("User-agent: *\nAllow: /\n")
	if u, err := url.Parse(sitemapURL); err == nil && u.IsAbs() && u.Host != "" {
		b = fmt.Appendf(b, "\nSitemap: %s\n", EscapeURL(sitemapURL))
	}
	return b
}

// EscapeURL percent-encodes u as RFC 3986 says, one way: every byte that
// may not appear in a URL as it is (non-ASCII, spaces, <, >, ", {, }, |, \,
// ^, `, and [ or ] outside the host) becomes %XX with upper-case hex, and
// an existing %XX is kept with its hex made upper case. Delimiters (: / ? #
// @ and ! $ & ' ( ) * + , ; =) are kept, so a URL's structure never
// changes, and EscapeURL(EscapeURL(u)) == EscapeURL(u). A "%" not followed
// by two hex digits is written as %25.
func EscapeURL(u string) string {
	if !needsEscape(u) {
		return u
	}
	// The authority, where [ and ] enclose an IPv6 address, runs from
	// after "//" to the next /, ? or #.
	hostStart, hostEnd := -1, -1
	if i := strings.Index(u, "://"); i > 0 && !strings.ContainsAny(u[:i], "/?#") {
		hostStart = i + 3
		hostEnd = len(u)
		if j := strings.IndexAny(u[hostStart:], "/?#"); j >= 0 {
			hostEnd = hostStart + j
		}
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(u))
	fragment := false
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case c == '%' && i+2 < len(u) && isHex(u[i+1]) && isHex(u[i+2]):
			b.WriteByte('%')
			b.WriteByte(upper(u[i+1]))
			b.WriteByte(upper(u[i+2]))
			i += 2
		case c == '#' && !fragment:
			fragment = true
			b.WriteByte(c)
		case (c == '[' || c == ']') && hostStart <= i && i < hostEnd,
			c != '%' && c != '#' && c != '[' && c != ']' && allowed(c):
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// needsEscape reports whether EscapeURL might change u.
func needsEscape(u string) bool {
	for i := 0; i < len(u); i++ {
		if c := u[i]; !allowed(c) || c == '%' || c == '#' || c == '[' || c == ']' {
			return true
		}
	}
	return false
}

// allowed reports whether c is unreserved or reserved in RFC 3986.
func allowed(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~:/?#[]@!$&'()*+,;=", c) >= 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'f' {
		return c - 'a' + 'A'
	}
	return c
}
