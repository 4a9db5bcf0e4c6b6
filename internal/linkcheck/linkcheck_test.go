package linkcheck

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

const base = "https://user.github.io/repo/"

// goodSite is a small built site with no broken links.
func goodSite() map[string]string {
	return map[string]string{
		"index.html": `<!doctype html>
<html lang="zh-CN"><head>
<meta charset="utf-8">
<link rel="stylesheet" href="/repo/style.css">
<link rel="alternate" type="application/atom+xml" href="feed.xml">
<link rel="preconnect" href="https://fonts.example.com">
<script src="static/app.js"></script>
</head><body>
<a href="#main">跳到正文</a>
<main id="main">
<a href="tags/人工智能/">人工智能</a>
<a href="/repo/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/#%E7%AC%AC%E4%B8%80%E6%9D%A1">第一条</a>
<a href="2025/04/ai/#第一条">意见</a>
<a href="2025/04/ai">folder without slash</a>
<a href="about">about.html without extension</a>
<a href="https://user.github.io/repo/about.html?x=1">absolute</a>
<a href="https://example.com/missing/">external</a>
<a href="http://user.github.io/repo/missing/">other scheme</a>
<a href="//cdn.example.com/x.js">scheme-relative external</a>
<a href="mailto:editor@example.com">mail</a>
<a href="tel:+86-10-1234">tel</a>
<a href="javascript:void(0)">js</a>
<a href="">empty</a>
<a href="#">top</a>
<a href="#top">top</a>
<a href="2025/04/ai/#:~:text=人工智能">text fragment</a>
<img src="img/logo.png" srcset="img/logo.png 1x, img/logo@2x.png 2x" alt="">
<picture><source srcset="img/a.webp 480w,img/logo.png 800w" type="image/webp"></picture>
<form action="/repo/search/"><input name="q"></form>
<noscript><img src="img/logo.png"></noscript>
</main></body></html>
`,
		"style.css":                 "body{}",
		"static/app.js":             "",
		"img/logo.png":              "",
		"img/logo@2x.png":           "",
		"img/a.webp":                "",
		"about.html":                `<a href="./">home</a><a href="index.html">home</a><a href="/repo">home</a>`,
		"search/index.html":         `<a href="../">home</a>`,
		"tags/人工智能/index.html":      `<h1 id="第一条">人工智能</h1><a href="../../2025/04/ai/">意见</a><a href="../../">home</a>`,
		"2025/04/ai/index.html":     `<h2 id="第一条">第一条</h2><a name="old-anchor"></a><a href="../../../tags/人工智能/#第一条">tag</a><a href="#old-anchor">old</a>`,
		"old/index.html":            `<meta http-equiv="refresh" content="0; url=/repo/2025/04/ai/">`,
		"404.html":                  `<link rel="stylesheet" href="/repo/style.css"><a href="/repo/">首页</a><a href="#x">x</a><p id="x"></p>`,
		"feed.xml":                  atomFeed("https://user.github.io/repo/2025/04/ai/"),
		"sitemap.xml":               sitemap("https://user.github.io/repo/", "https://user.github.io/repo/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/"),
		"data/法规.xml":               `<laws><link>not a feed, not checked</link></laws>`,
		"data/broken.xml":           `<laws><link>`,
		"tags/人工智能/feed.xml":        atomFeed("https://user.github.io/repo/2025/04/ai/"),
		"static/vendor/readme.html": `<a href="https://github.com/">upstream</a>`,
	}
}

func atomFeed(entry string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">
  <id>https://user.github.io/repo/feed.xml</id>
  <link rel="alternate" href="https://user.github.io/repo/"></link>
  <link rel="self" href="https://user.github.io/repo/feed.xml"></link>
  <icon>https://user.github.io/repo/img/logo.png</icon>
  <entry>
    <id>` + entry + `</id>
    <link rel="alternate" href="` + entry + `"></link>
    <content type="html">&lt;a href="/repo/nowhere/"&gt;not checked&lt;/a&gt;</content>
  </entry>
</feed>
`
}

func sitemap(locs ...string) string {
	s := `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
`
	for _, l := range locs {
		s += "<url><loc>" + l + "</loc></url>\n"
	}
	return s + "</urlset>\n"
}

func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

func check(t *testing.T, files map[string]string, cfg Config) []string {
	t.Helper()
	problems, err := Check(mapFS(files), cfg)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	return got
}

func TestGoodSiteHasNoProblems(t *testing.T) {
	if got := check(t, goodSite(), Config{BaseURL: base}); len(got) != 0 {
		t.Errorf("Check(good site) =\n%s\nwant no problems", strings.Join(got, "\n"))
	}
}

func TestCheckFindsBrokenLinks(t *testing.T) {
	tests := []struct {
		name  string
		base  string            // "" means base
		edit  map[string]string // files added to (or replacing) the good site; "" content removes
		want  []string
		extra bool // the good site produces problems of its own under this base
	}{
		{
			name: "missing page",
			edit: map[string]string{"about.html": `<p>
<a href="2025/05/missing/">gone</a></p>`},
			want: []string{"about.html:2: 2025/05/missing/: target not found"},
		},
		{
			name: "missing page after its file was removed",
			edit: map[string]string{"search/index.html": ""},
			want: []string{"index.html:29: /repo/search/: target not found"},
		},
		{
			name: "missing asset",
			edit: map[string]string{"img/logo@2x.png": ""},
			want: []string{"index.html:27: img/logo@2x.png: target not found"},
		},
		{
			name: "folder without index.html",
			edit: map[string]string{"img/index.html": "", "about.html": `<a href="/repo/img/">images</a>`},
			want: []string{"about.html:1: /repo/img/: target not found"},
		},
		{
			name: "link escaping the base path",
			edit: map[string]string{"about.html": `<a href="/other/">other</a><a href="https://user.github.io/other/x.css">x</a><a href="../../../x/">x</a>`},
			want: []string{
				"about.html:1: ../../../x/: points outside the base path /repo/",
				"about.html:1: /other/: points outside the base path /repo/",
				"about.html:1: https://user.github.io/other/x.css: points outside the base path /repo/",
			},
		},
		{
			name: "relative link resolved against the page's folder",
			edit: map[string]string{"search/index.html": `<a href="../x/">x</a><a href="x/">x</a><a href="../about.html">ok</a>`},
			want: []string{
				"search/index.html:1: ../x/: target not found",
				"search/index.html:1: x/: target not found",
			},
		},
		{
			name: "relative link from a page that is not an index",
			edit: map[string]string{"2025/04/note.html": `<a href="ai/">ok</a><a href="../04/ai/index.html">ok</a><a href="note/">missing</a>`},
			want: []string{"2025/04/note.html:1: note/: target not found"},
		},
		{
			name: "Chinese paths percent-encoded and raw",
			edit: map[string]string{"about.html": `<a href="/repo/tags/%E6%95%B0%E6%8D%AE/">数据</a>
<a href="/repo/tags/数据/">数据</a>
<a href="tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD">人工智能</a>`},
			want: []string{
				"about.html:1: /repo/tags/%E6%95%B0%E6%8D%AE/: target not found",
				"about.html:2: /repo/tags/数据/: target not found",
			},
		},
		{
			name: "missing fragment",
			edit: map[string]string{"about.html": `<a href="2025/04/ai/#第二条">x</a>
<a href="/repo/2025/04/ai/#%E7%AC%AC%E4%B8%89%E6%9D%A1">x</a>
<a href="#nowhere">x</a>
<a href="style.css#x">not HTML, not checked</a>`},
			want: []string{
				"about.html:1: 2025/04/ai/#第二条: fragment #第二条 not found",
				"about.html:2: /repo/2025/04/ai/#%E7%AC%AC%E4%B8%89%E6%9D%A1: fragment #第三条 not found",
				"about.html:3: #nowhere: fragment #nowhere not found",
			},
		},
		{
			name: "404 page needs absolute links",
			edit: map[string]string{"404.html": `<link rel="stylesheet" href="style.css">
<a href="/repo/">首页</a>
<img src="/repo/img/missing.png">`},
			want: []string{
				"404.html:1: style.css: relative link in 404.html, which is served at every missing URL; use an absolute path",
				"404.html:3: /repo/img/missing.png: target not found",
			},
		},
		{
			name: "sitemap loc",
			edit: map[string]string{"sitemap.xml": sitemap(
				"https://user.github.io/repo/",
				"https://user.github.io/repo/tags/%E6%95%B0%E6%8D%AE/",
				"https://user.github.io/elsewhere/",
				"https://example.com/",
			)},
			want: []string{
				"sitemap.xml:4: https://user.github.io/repo/tags/%E6%95%B0%E6%8D%AE/: target not found",
				"sitemap.xml:5: https://user.github.io/elsewhere/: points outside the base path /repo/",
			},
		},
		{
			name: "atom feed link",
			edit: map[string]string{"feed.xml": atomFeed("https://user.github.io/repo/2024/gone/")},
			want: []string{"feed.xml:9: https://user.github.io/repo/2024/gone/: target not found"},
		},
		{
			name: "malformed sitemap",
			edit: map[string]string{"sitemap.xml": "<urlset>\n<url><loc>https://user.github.io/repo/</url>\n</urlset>"},
			want: []string{"sitemap.xml:2: malformed XML: element <loc> closed by </url>"},
		},
		{
			name: "meta refresh",
			edit: map[string]string{"old/index.html": `<meta http-equiv="Refresh" content="0;URL='/repo/2025/04/gone/'">`},
			want: []string{"old/index.html:1: /repo/2025/04/gone/: target not found"},
		},
		{
			name: "base element",
			edit: map[string]string{"about.html": `<base href="/repo/2025/04/"><a href="ai/">ok</a><a href="bi/">missing</a>`},
			want: []string{"about.html:1: bi/: target not found"},
		},
		{
			name: "invalid URL",
			edit: map[string]string{"about.html": `<a href="/repo/%zz">x</a>`},
			want: []string{`about.html:1: /repo/%zz: invalid URL: invalid URL escape "%zz"`},
		},
		{
			name: "line numbers count lines inside tags, comments and scripts",
			edit: map[string]string{"about.html": "<!--\n\n-->\n<script>\nlet a = '<a href=\"/repo/nope/\">';\n</script>\n<a\n  class=\"x\"\n  href=\"/repo/nope/\">x</a>\n<img src=\"/repo/nope.png\">"},
			want: []string{
				"about.html:7: /repo/nope/: target not found",
				"about.html:10: /repo/nope.png: target not found",
			},
		},
		{
			name:  "empty base URL serves from / on any host",
			base:  "-",
			extra: true,
			edit:  map[string]string{"about.html": `<a href="/tags/人工智能/">ok</a><a href="/repo/">missing</a><a href="https://user.github.io/repo/nowhere/">external now</a>`},
			want:  []string{"about.html:1: /repo/: target not found"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := goodSite()
			for name, data := range tt.edit {
				if data == "" {
					delete(files, name)
				} else {
					files[name] = data
				}
			}
			cfg := Config{BaseURL: base}
			if tt.base == "-" {
				cfg.BaseURL = ""
			}
			got := check(t, files, cfg)
			if tt.extra {
				got = slices.DeleteFunc(got, func(s string) bool { return !strings.HasPrefix(s, "about.html:") })
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Check =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestBasePathWithoutTrailingSlashOrHost(t *testing.T) {
	for _, b := range []string{"https://user.github.io/repo", "/repo/", "/repo", "https://USER.github.io/repo/"} {
		if got := check(t, goodSite(), Config{BaseURL: b}); len(got) != 0 {
			t.Errorf("Check(BaseURL %q) =\n%s\nwant no problems", b, strings.Join(got, "\n"))
		}
	}
}

func TestSiteAtRootOfHost(t *testing.T) {
	files := map[string]string{
		"index.html":           `<a href="/tags/人工智能/">ok</a><a href="../../x/">clamped to /x/</a>`,
		"tags/人工智能/index.html": `<a href="../../">home</a>`,
		"sitemap.xml":          sitemap("https://example.org/", "https://example.org/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/", "https://example.org/x/"),
	}
	got := check(t, files, Config{BaseURL: "https://example.org"})
	want := []string{
		"index.html:1: ../../x/: target not found",
		"sitemap.xml:5: https://example.org/x/: target not found",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Check =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestBadBaseURL(t *testing.T) {
	for _, b := range []string{"ftp://example.org/", "https://%zz/", "https:///repo/"} {
		if _, err := Check(fstest.MapFS{}, Config{BaseURL: b}); err == nil {
			t.Errorf("Check(BaseURL %q) succeeded, want an error", b)
		}
	}
}

type errFS struct{ fstest.MapFS }

func (f errFS) Open(name string) (fs.File, error) {
	if name == "bad.html" {
		return nil, errors.New("disk on fire")
	}
	return f.MapFS.Open(name)
}

func TestUnreadableFileIsAnError(t *testing.T) {
	fsys := errFS{mapFS(map[string]string{"bad.html": "", "index.html": ""})}
	if _, err := Check(fsys, Config{}); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("Check error = %v, want disk on fire", err)
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{"tags/人工智能/index.html", 12, "/repo/x/", "target not found"}, "tags/人工智能/index.html:12: /repo/x/: target not found"},
		{Problem{"sitemap.xml", 3, "", "malformed XML: unexpected EOF"}, "sitemap.xml:3: malformed XML: unexpected EOF"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.p, got, tt.want)
		}
	}
}

func TestSrcsetURLs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"a.png", []string{"a.png"}},
		{"a.png 1x, b.png 2x", []string{"a.png", "b.png"}},
		{" a.png 480w,b.png 800w ", []string{"a.png", "b.png"}},
		{"a.png,b.png 2x", []string{"a.png,b.png"}}, // a comma inside a URL does not split it
		{"a.png, b.png 2x", []string{"a.png", "b.png"}},
		{"a,b.png 1x, c.png (x, y) 2x, d.png", []string{"a,b.png", "c.png", "d.png"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := srcsetURLs(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("srcsetURLs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRefreshURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0; url=/repo/x/", "/repo/x/"},
		{"0;URL='/repo/x/'", "/repo/x/"},
		{`5, url = "/repo/x/"`, "/repo/x/"},
		{"0; /repo/x/", "/repo/x/"},
		{"30", ""},
	}
	for _, tt := range tests {
		if got := refreshURL(tt.in); got != tt.want {
			t.Errorf("refreshURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

type countFS struct {
	fstest.MapFS
	opens map[string]int
}

func (f countFS) Open(name string) (fs.File, error) {
	f.opens[name]++
	return f.MapFS.Open(name)
}

func TestFragmentTargetIDsAreCached(t *testing.T) {
	fsys := countFS{mapFS(map[string]string{
		"a.html": `<a href="z.html#x">1</a><a href="z.html#y">2</a><a href="z.html#x">3</a><a href="z.html#z">4</a>`,
		"z.html": `<p id="x">`,
	}), map[string]int{}}
	problems, err := Check(fsys, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 2 {
		t.Errorf("problems = %v, want #y and #z", problems)
	}
	// Once for its ids while checking a.html, once for its own links.
	if n := fsys.opens["z.html"]; n != 2 {
		t.Errorf("z.html opened %d times, want 2", n)
	}
}

func TestRunCountsWhatItChecked(t *testing.T) {
	fsys := mapFS(map[string]string{
		"index.html":   `<a href="a/">a</a> <a href="https://example.org/">out</a> <a href="mailto:x@example.org">m</a> <img src="missing.png">`,
		"a/index.html": `<a href="../">home</a>`,
		"feed.xml":     `<feed xmlns="http://www.w3.org/2005/Atom"><link href="/a/"/></feed>`,
	})
	r, err := Run(fsys, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Pages != 2 || r.Feeds != 1 || r.Links != 4 || len(r.Problems) != 1 {
		t.Errorf("Run = %d pages, %d feeds, %d links, problems %v; want 2, 1, 4 and one problem", r.Pages, r.Feeds, r.Links, r.Problems)
	}
}
