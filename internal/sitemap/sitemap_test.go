package sitemap

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// one returns the single sitemap.xml that Files writes for urls.
func one(t *testing.T, urls []URL) []byte {
	t.Helper()
	files, err := Files(Config{Dir: "https://user.github.io/repo/"}, urls)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 {
		t.Fatalf("Files wrote %d files, want sitemap.xml alone", len(files))
	}
	return files["sitemap.xml"]
}

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
	out := one(t, in)
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
	out := string(one(t, []URL{{Loc: "https://user.github.io/repo/tags/人工智能/"}}))
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
	if got := string(Robots("https://x.org/政策/sitemap.xml")); !strings.Contains(got, "\nSitemap: https://x.org/%E6%94%BF%E7%AD%96/sitemap.xml\n") {
		t.Errorf("Robots(non-ASCII) = %q", got)
	}
}

func TestEscapeURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://x.org/tags/人工智能/", "https://x.org/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/"},
		{"/tags/人工智能/", "/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/"},
		{"https://x.org/tags/%e4%ba%ba/", "https://x.org/tags/%E4%BA%BA/"},                   // one case of hex
		{"https://x.org/tags/%E4%BA%BA/", "https://x.org/tags/%E4%BA%BA/"},                   // never twice
		{"https://x.org/a b/\"<>{}|\\^`", "https://x.org/a%20b/%22%3C%3E%7B%7D%7C%5C%5E%60"}, // RFC 3986 excludes these
		{"https://x.org/50%/", "https://x.org/50%25/"},
		{"https://x.org/a/?q=1&r=a+b;c=(x)*!$',@:~", "https://x.org/a/?q=1&r=a+b;c=(x)*!$',@:~"}, // delimiters stay
		{"https://x.org/a#b#c", "https://x.org/a#b%23c"},
		{"https://[::1]:8080/a[1]/", "https://[::1]:8080/a%5B1%5D/"},
		{"https://x.org/民法典-第一编-总则/", "https://x.org/%E6%B0%91%E6%B3%95%E5%85%B8-%E7%AC%AC%E4%B8%80%E7%BC%96-%E6%80%BB%E5%88%99/"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := EscapeURL(tt.in); got != tt.want {
			t.Errorf("EscapeURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzEscapeURL(f *testing.F) {
	for _, s := range []string{"https://x.org/tags/人工智能/", "/a b/%zz/%e4", "https://[::1]/[x]#a#b", "\x00\xff%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := EscapeURL(in)
		if again := EscapeURL(got); again != got {
			t.Fatalf("EscapeURL(%q) = %q, and again %q", in, got, again)
		}
		for i := 0; i < len(got); i++ {
			c := got[i]
			if c >= utf8.RuneSelf || !allowed(c) && c != '%' {
				t.Fatalf("EscapeURL(%q) = %q holds %q", in, got, c)
			}
			if c == '%' && (i+2 >= len(got) || strings.ToUpper(got[i+1:i+3]) != got[i+1:i+3]) {
				t.Fatalf("EscapeURL(%q) = %q: %% not followed by two upper-case hex digits", in, got)
			}
		}
		if _, err := url.Parse(got); err != nil && !strings.Contains(got, "[") && !strings.Contains(got, ":") {
			t.Fatalf("EscapeURL(%q) = %q does not parse: %v", in, got, err)
		}
	})
}

// genURLs makes n absolute URLs with Chinese paths and mixed dates.
func genURLs(n int) []URL {
	urls := make([]URL, n)
	for i := range urls {
		urls[i] = URL{Loc: fmt.Sprintf("https://user.github.io/repo/文件/%06d/", i)}
		switch i % 3 {
		case 0:
			urls[i].LastMod = fmt.Sprintf("%04d-%02d-%02d", 1990+i%30, 1+i%12, 1+i%28)
		case 1:
			urls[i].LastMod = fmt.Sprintf("%04d-%02d-%02dT08:30:00+08:00", 1990+i%30, 1+i%12, 1+i%28)
		}
	}
	return urls
}

type index struct {
	XMLName  xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"sitemap"`
}

// entries reads the <loc> and <lastmod> of each <url> in a urlset; a
// scan, since encoding/xml takes seconds over 50 MB.
func entries(t *testing.T, name string, data []byte) []URL {
	t.Helper()
	if !bytes.Contains(data, []byte(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)) {
		t.Fatalf("%s is not a urlset", name)
	}
	var urls []URL
	for _, line := range bytes.Split(data, []byte("\n")) {
		rest, ok := bytes.CutPrefix(line, []byte("<url><loc>"))
		if !ok {
			continue
		}
		loc, rest, _ := bytes.Cut(rest, []byte("</loc>"))
		u := URL{Loc: string(loc)}
		if lm, ok := bytes.CutPrefix(rest, []byte("<lastmod>")); ok {
			lm, _, _ = bytes.Cut(lm, []byte("</lastmod>"))
			u.LastMod = string(lm)
		}
		urls = append(urls, u)
	}
	return urls
}

// checkSplit checks that files is an index of sitemap-1.xml … whose
// urlsets hold urls in order, each within the limits.
func checkSplit(t *testing.T, files map[string][]byte, urls []URL, maxURLs, maxBytes int) {
	t.Helper()
	var idx index
	if err := xml.Unmarshal(files["sitemap.xml"], &idx); err != nil {
		t.Fatalf("sitemap.xml is not an index: %v", err)
	}
	if len(files) != len(idx.Sitemaps)+1 {
		t.Errorf("%d files for an index of %d", len(files), len(idx.Sitemaps))
	}
	next := 0
	for i, s := range idx.Sitemaps {
		name := fmt.Sprintf("sitemap-%d.xml", i+1)
		if want := "https://user.github.io/repo/" + name; s.Loc != want {
			t.Errorf("index entry %d = %s, want %s", i, s.Loc, want)
		}
		data := files[name]
		if len(data) > maxBytes {
			t.Errorf("%s is %d bytes, over %d", name, len(data), maxBytes)
		}
		us := entries(t, name, data)
		if len(us) > maxURLs || len(us) == 0 {
			t.Errorf("%s holds %d URLs; want 1 to %d", name, len(us), maxURLs)
		}
		newest := ""
		for _, u := range us {
			if want := EscapeURL(urls[next].Loc); u.Loc != want || u.LastMod != urls[next].LastMod {
				t.Fatalf("%s: URL %d is %+v, want %s %s", name, next, u, want, urls[next].LastMod)
			}
			if newer(u.LastMod, newest) {
				newest = u.LastMod
			}
			next++
		}
		if s.LastMod != newest {
			t.Errorf("index lastmod for %s = %q, want the newest in it, %q", name, s.LastMod, newest)
		}
	}
	if next != len(urls) {
		t.Errorf("the files hold %d URLs, want %d", next, len(urls))
	}
}

func TestFilesSplitsOverFiftyThousandURLs(t *testing.T) {
	t.Parallel()
	const dir = "https://user.github.io/repo/"
	urls := genURLs(MaxURLs)
	files, err := Files(Config{Dir: dir}, urls)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || !bytes.Contains(files["sitemap.xml"], []byte("<urlset")) {
		t.Fatalf("50,000 URLs: files %d, want one urlset", len(files))
	}

	urls = genURLs(2*MaxURLs + 1)
	files, err = Files(Config{Dir: dir}, urls)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 4 {
		t.Fatalf("100,001 URLs gave %d files, want an index and 3 sitemaps", len(files))
	}
	checkSplit(t, files, urls, MaxURLs, MaxBytes)
	validate(t, files)
}

func TestFilesSplitsByBytes(t *testing.T) {
	t.Parallel()
	urls := genURLs(40)
	const maxBytes = 1000
	files, err := Files(Config{Dir: "https://user.github.io/repo/", MaxBytes: maxBytes}, urls)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Fatalf("%d files for 40 URLs in 1000-byte files", len(files))
	}
	checkSplit(t, files, urls, MaxURLs, maxBytes)
	validate(t, files)

	// At the real limit: URLs of 2,000 characters fill 50 MiB before
	// 50,000 of them.
	long := make([]URL, 27_000)
	pad := strings.Repeat("a", 1960)
	for i := range long {
		long[i] = URL{Loc: fmt.Sprintf("https://user.github.io/repo/%s/%06d/", pad, i)}
	}
	files, err = Files(Config{Dir: "https://user.github.io/repo/"}, long)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 {
		t.Fatalf("27,000 URLs of 2,000 bytes gave %d files, want an index and two sitemaps", len(files))
	}
	checkSplit(t, files, long, MaxURLs, MaxBytes)
}

func TestFilesRefusesWhatCannotFit(t *testing.T) {
	urls := genURLs(10)
	if _, err := Files(Config{Dir: "https://x.org/", MaxBytes: 100}, urls); err == nil || !strings.Contains(err.Error(), "larger than 100 bytes") {
		t.Errorf("an entry over MaxBytes: error %v", err)
	}
	if _, err := Files(Config{Dir: "https://x.org/", MaxURLs: 3}, urls); err == nil || !strings.Contains(err.Error(), "an index lists at most 3") {
		t.Errorf("more files than an index may list: error %v", err)
	}
}

// validate checks every file against the sitemaps.org schemas with
// xmllint.
func validate(t *testing.T, files map[string][]byte) {
	t.Helper()
	xmllint := requireTool(t, "xmllint", "libxml2-utils")
	dir := t.TempDir()
	var sitemaps []string
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if name != "sitemap.xml" {
			sitemaps = append(sitemaps, p)
		}
	}
	schemas := filepath.Join("..", "..", "testdata", "schemas")
	for _, run := range []struct {
		xsd   string
		files []string
	}{
		{"siteindex.xsd", []string{filepath.Join(dir, "sitemap.xml")}},
		{"sitemap.xsd", sitemaps},
	} {
		args := append([]string{"--noout", "--schema", filepath.Join(schemas, run.xsd)}, run.files...)
		if out, err := exec.Command(xmllint, args...).CombinedOutput(); err != nil {
			t.Errorf("xmllint --schema %s: %v\n%s", run.xsd, err, excerpt(out))
		}
	}
}

func excerpt(b []byte) string {
	if len(b) > 3000 {
		return string(b[:3000]) + "\n…"
	}
	return string(b)
}

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
