// Package sitemap writes sitemap.xml (sitemaps.org protocol 0.9) and the
// robots.txt that points to it.
package sitemap

import (
	"bytes"
	"encoding/xml"
	"fmt"
)

// URL is one entry. LastMod is a W3C datetime ("2025-04-27" or RFC 3339)
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
		xml.EscapeText(&b, []byte(u.Loc))
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
// at sitemapURL.
func Robots(sitemapURL string) []byte {
	return fmt.Appendf(nil, "User-agent: *\nAllow: /\n\nSitemap: %s\n", sitemapURL)
}
