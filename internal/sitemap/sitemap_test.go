package sitemap

import (
	"encoding/xml"
	"strings"
	"testing"
)

func TestXMLParsesBack(t *testing.T) {
	in := []URL{
		{Loc: "https://user.github.io/repo/", LastMod: "2025-04-27"},
		{Loc: "https://user.github.io/repo/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/?a=1&b=2"},
	}
	var got struct {
		URLs []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	out := XML(in)
	if err := xml.Unmarshal(out, &got); err != nil {
		t.Fatalf("sitemap does not parse: %v\n%s", err, out)
	}
	if len(got.URLs) != 2 || got.URLs[0].Loc != in[0].Loc || got.URLs[0].LastMod != "2025-04-27" || got.URLs[1].Loc != in[1].Loc || got.URLs[1].LastMod != "" {
		t.Errorf("round trip = %+v", got.URLs)
	}
	if !strings.Contains(string(out), `xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"`) {
		t.Error("no sitemap namespace")
	}
}

func TestLocIsPercentEncoded(t *testing.T) {
	out := string(XML([]URL{{Loc: "https://user.github.io/repo/tags/人工智能/"}}))
	if !strings.Contains(out, "<loc>https://user.github.io/repo/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/</loc>") {
		t.Errorf("sitemap = %s", out)
	}
}

func TestRobotsWithoutAbsoluteSitemapURL(t *testing.T) {
	if got := string(Robots("/sitemap.xml")); strings.Contains(got, "Sitemap") || !strings.HasPrefix(got, "User-agent: *\nAllow: /\n") {
		t.Errorf("Robots(relative) = %q", got)
	}
}

func TestRobotsNamesSitemap(t *testing.T) {
	if got := string(Robots("https://x.org/repo/sitemap.xml")); !strings.Contains(got, "\nSitemap: https://x.org/repo/sitemap.xml\n") || !strings.HasPrefix(got, "User-agent: *\n") {
		t.Errorf("Robots = %q", got)
	}
}
