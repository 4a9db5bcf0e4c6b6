package serve

import (
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

const scriptTag = `<script src="/repo/_folio/reload.js" defer></script>`

func testSite() fstest.MapFS {
	return fstest.MapFS{
		"index.html":                  {Data: []byte("<html><body><h1>首页</h1></body></html>")},
		"2025/04/x/index.html":        {Data: []byte("<html><body>x</body></html>")},
		"tags/人工智能/index.html":        {Data: []byte("<html><body>人工智能</body></html>")},
		"404.html":                    {Data: []byte("<html><body>没有这个页面</body></html>")},
		"style.css":                   {Data: []byte("body{color:red}/* </body> */")},
		"app.js":                      {Data: []byte("console.log(1)")},
		"feed.xml":                    {Data: []byte("<feed/>")},
		"search.json":                 {Data: []byte("[]")},
		"robots.txt":                  {Data: []byte("User-agent: *")},
		"logo.svg":                    {Data: []byte("<svg/>")},
		"logo.png":                    {Data: []byte("\x89PNG\r\n\x1a\n")},
		"files/政策.pdf":                {Data: []byte("%PDF-1.7")},
		"noindex/a.txt":               {Data: []byte("a")},
		"fragment.html":               {Data: []byte("<p>no body")},
		"upper.html":                  {Data: []byte("<HTML><BODY>up</BODY></HTML>")},
		"2025/04/x/attachments/a.css": {Data: []byte("a{}")},
		".well-known/security.txt":    {Data: []byte("Contact: x")},
		"tags/人工智能/page/2/index.html": {Data: []byte("<body>2</body>")},
	}
}

func newTestServer(t *testing.T) *Server {
	t.Helper()
	s := New(Config{Root: testSite(), BasePath: "/repo/"})
	t.Cleanup(s.Close)
	return s
}

// get serves one request in process and returns the response and its body.
func get(t *testing.T, h http.Handler, method, target string) (*http.Response, string) {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, newRequest(method, target))
	res := w.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// newRequest is httptest.NewRequest for a request to "localhost", as a
// browser on this machine sends it.
func newRequest(method, target string) *http.Request {
	return newRequestWithContext(context.Background(), method, target)
}

func newRequestWithContext(ctx context.Context, method, target string) *http.Request {
	r := httptest.NewRequestWithContext(ctx, method, target, nil)
	r.Host = "localhost:1313"
	return r
}

func TestServesUnderBasePath(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		target   string
		status   int
		location string // for redirects
		contains string // for pages
	}{
		{"/repo/", 200, "", "首页"},
		{"/repo/index.html", 200, "", "首页"},
		{"/repo/2025/04/x/", 200, "", "<body>x" + scriptTag},
		{"/repo/2025/04/x/index.html", 200, "", "<body>x"},
		{"/repo/2025/04/x", 301, "/repo/2025/04/x/", ""},
		{"/repo/2025/04/x?q=1", 301, "/repo/2025/04/x/?q=1", ""},
		{"/repo", 302, "/repo/", ""},
		{"/", 302, "/repo/", ""},
		{"/repo//2025//04/x/", 200, "", "<body>x"},
		{"/repo/style.css", 200, "", "color:red"},
		{"/repo/style.css/", 404, "", "没有这个页面"},
		{"/repo/noindex/", 404, "", "没有这个页面"},
		{"/repo/noindex/a.txt", 200, "", "a"},
		{"/repo/.well-known/security.txt", 200, "", "Contact"},
		{"/other/", 404, "", "没有这个页面"},
		{"/index.html", 404, "", "没有这个页面"},
		{"/repo/missing", 404, "", "没有这个页面"},
	}
	for _, tt := range tests {
		res, body := get(t, s, "GET", tt.target)
		if res.StatusCode != tt.status {
			t.Errorf("GET %s: status %d, want %d", tt.target, res.StatusCode, tt.status)
			continue
		}
		if loc := res.Header.Get("Location"); loc != tt.location {
			t.Errorf("GET %s: Location %q, want %q", tt.target, loc, tt.location)
		}
		if !strings.Contains(body, tt.contains) {
			t.Errorf("GET %s: body %q does not contain %q", tt.target, body, tt.contains)
		}
	}
}

func TestServesAtRootWithoutBasePath(t *testing.T) {
	for _, base := range []string{"", "/"} {
		s := New(Config{Root: testSite(), BasePath: base})
		res, body := get(t, s, "GET", "/")
		if res.StatusCode != 200 || !strings.Contains(body, "首页") {
			t.Errorf("BasePath %q: GET / = %d %q", base, res.StatusCode, body)
		}
		if !strings.Contains(body, `<script src="/_folio/reload.js" defer></script>`) {
			t.Errorf("BasePath %q: GET / lacks the script: %q", base, body)
		}
		if res, _ := get(t, s, "GET", "/2025/04/x"); res.StatusCode != 301 || res.Header.Get("Location") != "/2025/04/x/" {
			t.Errorf("BasePath %q: GET /2025/04/x = %d to %q", base, res.StatusCode, res.Header.Get("Location"))
		}
	}
}

func TestBasePathIsNormalized(t *testing.T) {
	for _, base := range []string{"repo", "/repo", "repo/", "/repo/", "//repo//"} {
		if got := New(Config{BasePath: base}).base; got != "/repo/" {
			t.Errorf("New(BasePath %q).base = %q, want %q", base, got, "/repo/")
		}
	}
}

func TestZeroConfigServesNothing(t *testing.T) {
	res, body := get(t, New(Config{}), "GET", "/")
	if res.StatusCode != 404 || !strings.Contains(body, "404 page not found") {
		t.Errorf("GET / = %d %q, want plain 404", res.StatusCode, body)
	}
}

func TestNotFoundServesSite404PageWithScript(t *testing.T) {
	s := newTestServer(t)
	res, body := get(t, s, "GET", "/repo/no/such/page/")
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("status %d, want 404", res.StatusCode)
	}
	if want := "没有这个页面" + scriptTag + "</body>"; !strings.Contains(body, want) {
		t.Errorf("body %q does not contain %q", body, want)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cl := res.Header.Get("Content-Length"); cl != strconv.Itoa(len(body)) {
		t.Errorf("Content-Length %s, body has %d bytes", cl, len(body))
	}

	res, body = get(t, s, "HEAD", "/repo/no/such/page/")
	if res.StatusCode != 404 || body != "" {
		t.Errorf("HEAD: %d %q, want 404 without body", res.StatusCode, body)
	}
}

func TestNotFoundWithoutSite404PageIsPlainText(t *testing.T) {
	site := testSite()
	delete(site, "404.html")
	res, body := get(t, New(Config{Root: site, BasePath: "/repo/"}), "GET", "/repo/missing/")
	if res.StatusCode != 404 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("GET /repo/missing/ = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if strings.Contains(body, "<script") {
		t.Errorf("plain text 404 has a script: %q", body)
	}
}

func TestServesPercentEncodedChinesePath(t *testing.T) {
	s := newTestServer(t)
	res, body := get(t, s, "GET", "/repo/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/")
	if res.StatusCode != 200 || !strings.Contains(body, "<body>人工智能"+scriptTag) {
		t.Errorf("GET tag page = %d %q", res.StatusCode, body)
	}
	res, _ = get(t, s, "GET", "/repo/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/page/2")
	if want := "/repo/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/page/2/"; res.StatusCode != 301 || res.Header.Get("Location") != want {
		t.Errorf("GET without slash = %d to %q, want 301 to %q", res.StatusCode, res.Header.Get("Location"), want)
	}
	res, body = get(t, s, "GET", "/repo/files/%E6%94%BF%E7%AD%96.pdf")
	if res.StatusCode != 200 || body != "%PDF-1.7" || res.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("GET pdf = %d %s %q", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
}

func TestTraversalNeverLeavesRoot(t *testing.T) {
	// Root is the "site" folder; go.mod beside it must stay unreachable.
	outer := fstest.MapFS{"go.mod": {Data: []byte("module secret")}}
	for name, f := range testSite() {
		outer["site/"+name] = f
	}
	sub, err := fs.Sub(outer, "site")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "site"), 0o755); err != nil {
		t.Fatal(err)
	}
	roots := map[string]fs.FS{"MapFS": sub, "DirFS": os.DirFS(filepath.Join(dir, "site"))}

	targets := []string{
		"/repo/../go.mod",
		"/repo/%2e%2e/go.mod",
		"/repo/%2E%2E/go.mod",
		"/repo/..%2fgo.mod",
		"/repo/x%2F..%2F..%2Fgo.mod",
		"/repo/..%5cgo.mod",
		"/repo/..\\go.mod",
		"/repo/%00",
		"/repo/../../../../etc/passwd",
		"/repo/./../go.mod",
		"/../go.mod",
		"/repo/..",
		"/go.mod",
		"/repo//../go.mod",
	}
	for rootName, root := range roots {
		s := New(Config{Root: root, BasePath: "/repo/"})
		for _, target := range targets {
			res, body := get(t, s, "GET", target)
			if res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: GET %s: status %d, want 400 or 404", rootName, target, res.StatusCode)
			}
			if strings.Contains(body, "secret") {
				t.Errorf("%s: GET %s served a file outside Root: %q", rootName, target, body)
			}
		}
	}
}

func TestContentTypes(t *testing.T) {
	s := newTestServer(t)
	tests := []struct{ target, want string }{
		{"/repo/", "text/html; charset=utf-8"},
		{"/repo/upper.html", "text/html; charset=utf-8"},
		{"/repo/style.css", "text/css; charset=utf-8"},
		{"/repo/app.js", "text/javascript; charset=utf-8"},
		{"/repo/feed.xml", "application/xml; charset=utf-8"},
		{"/repo/search.json", "application/json; charset=utf-8"},
		{"/repo/robots.txt", "text/plain; charset=utf-8"},
		{"/repo/logo.svg", "image/svg+xml; charset=utf-8"},
		{"/repo/logo.png", "image/png"},
		{"/repo/_folio/reload.js", "text/javascript; charset=utf-8"},
	}
	for _, tt := range tests {
		res, _ := get(t, s, "GET", tt.target)
		if got := res.Header.Get("Content-Type"); got != tt.want {
			t.Errorf("GET %s: Content-Type %q, want %q", tt.target, got, tt.want)
		}
		if got := res.Header.Get("Cache-Control"); got != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q, want no-cache", tt.target, got)
		}
	}
}

func TestInjectsScriptIntoHTMLOnly(t *testing.T) {
	s := newTestServer(t)
	site := testSite()
	tests := []struct {
		target, want string
	}{
		{"/repo/", "<html><body><h1>首页</h1>" + scriptTag + "</body></html>"},
		{"/repo/upper.html", "<HTML><BODY>up" + scriptTag + "</BODY></HTML>"},
		{"/repo/fragment.html", "<p>no body" + scriptTag},
		{"/repo/style.css", string(site["style.css"].Data)},
		{"/repo/app.js", string(site["app.js"].Data)},
		{"/repo/logo.svg", string(site["logo.svg"].Data)},
		{"/repo/feed.xml", string(site["feed.xml"].Data)},
	}
	for _, tt := range tests {
		res, body := get(t, s, "GET", tt.target)
		if body != tt.want {
			t.Errorf("GET %s = %q, want %q", tt.target, body, tt.want)
		}
		if cl := res.Header.Get("Content-Length"); cl != strconv.Itoa(len(body)) {
			t.Errorf("GET %s: Content-Length %s, body has %d bytes", tt.target, cl, len(body))
		}
	}
}

func TestHeadHasLengthWithoutBody(t *testing.T) {
	s := newTestServer(t)
	_, full := get(t, s, "GET", "/repo/")
	res, body := get(t, s, "HEAD", "/repo/")
	if res.StatusCode != 200 || body != "" || res.Header.Get("Content-Length") != strconv.Itoa(len(full)) {
		t.Errorf("HEAD /repo/ = %d, %q, Content-Length %s; want 200, no body, %d", res.StatusCode, body, res.Header.Get("Content-Length"), len(full))
	}
}

func TestRangeRequest(t *testing.T) {
	s := newTestServer(t)
	w := httptest.NewRecorder()
	r := newRequest("GET", "/repo/style.css")
	r.Header.Set("Range", "bytes=0-3")
	s.ServeHTTP(w, r)
	if w.Code != http.StatusPartialContent || w.Body.String() != "body" {
		t.Errorf("Range 0-3 = %d %q, want 206 %q", w.Code, w.Body.String(), "body")
	}
}

func TestRevalidatedPageShowsNewErrors(t *testing.T) {
	s := newTestServer(t)
	res, _ := get(t, s, "GET", "/repo/")
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on a page")
	}
	r := newRequest("GET", "/repo/")
	r.Header.Set("If-None-Match", etag)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Code != http.StatusNotModified {
		t.Errorf("unchanged page revalidated with %d, want 304", w.Code)
	}
	s.SetErrors([]string{"content/x.md:1:1: bad"})
	w = httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "folio-error-overlay") {
		t.Errorf("page revalidated after SetErrors with %d %q, want 200 with overlay", w.Code, w.Body.String())
	}
}

func TestRejectsOtherMethods(t *testing.T) {
	res, _ := get(t, newTestServer(t), "POST", "/repo/")
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST = %d Allow %q", res.StatusCode, res.Header.Get("Allow"))
	}
}

func TestScriptEndpoint(t *testing.T) {
	res, body := get(t, newTestServer(t), "GET", "/repo/_folio/reload.js")
	if res.StatusCode != 200 || !strings.Contains(body, "new EventSource(") || !strings.Contains(body, "folio-error-overlay") {
		t.Errorf("GET reload.js = %d %q", res.StatusCode, body)
	}
}

func TestMovedPageRedirectsToItsNewPath(t *testing.T) {
	s := New(Config{Root: fstest.MapFS{
		"news/新/index.html": {Data: []byte("<html><body>新</body></html>")},
		"404.html":          {Data: []byte("<html><body>404</body></html>")},
	}, BasePath: "/repo/"})
	s.Move(map[string]string{"/news/旧/": "/news/中/"})
	s.Move(map[string]string{"/news/中/": "/news/新/"})
	for _, old := range []string{"/repo/news/%E6%97%A7/", "/repo/news/%E4%B8%AD/"} {
		resp, _ := get(t, s, "GET", old)
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/repo/news/%E6%96%B0/" {
			t.Errorf("GET %s = %d to %q, want 302 to /repo/news/%%E6%%96%%B0/", old, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if resp, _ := get(t, s, "GET", "/repo/news/%E5%88%AB/"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a page that never existed: %d, want 404", resp.StatusCode)
	}
}
