// Package sitemap writes sitemap.xml (sitemaps.org protocol 0.9) and the
// robots.txt that points to it.
package sitemap

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
)

// URL is one entry. Loc may hold non-ASCII characters (/tags/人工智能/);
// it is written percent-encoded, as the protocol requires. LastMod is a W3C datetime ("2025-04-27" or RFC 3339)
// or "" to leave it out.
type URL struct {
	Loc     string
	LastMod string
}

// XML returns the sitemap for urls, in the order given.
func XML(urls []URL) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, u := range urls {
		b.WriteString("<url><loc>")
		xml.EscapeText(&b, []byte(escape(u.Loc)))
		b.WriteString("</loc>")
		if u.LastMod != "" {
			b.WriteString("<lastmod>")
			xml.EscapeText(&b, []byte(u.LastMod))
			b.WriteString("</lastmod>")
		}
		b.WriteString("</url>\n")
	}
	b.WriteString("</urlset>\n")
	return b.Bytes()
}

// Robots returns a robots.txt that allows everything and names the sitemap
// at sitemapURL. robots.txt needs an absolute sitemap URL: a relative one
// (a site built without a base URL) is left out.
func Robots(sitemapURL string) []byte {
	b := []byte("User-agent: *\nAllow: /\n")
	if u, err := url.Parse(sitemapURL); err == nil && u.IsAbs() && u.Host != "" {
		b = fmt.Appendf(b, "\nSitemap: %s\n", escape(sitemapURL))
	}
	return b
}

// escape percent-encodes what a URL must not hold as it is; an
// already-encoded URL stays as it is.
func escape(loc string) string {
	u, err := url.Parse(loc)
	if err != nil {
		return loc
	}
	return u.String()
}
