package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// stream is one client of the event stream of a real HTTP server.
type stream struct {
	t    *testing.T
	res  *http.Response
	read *bufio.Reader
}

func openStream(t *testing.T, ts *httptest.Server, path string) *stream {
	t.Helper()
	res, err := ts.Client().Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || ct != "text/event-stream" {
		t.Fatalf("GET %s = %d %s, want 200 text/event-stream", path, res.StatusCode, ct)
	}
	st := &stream{t: t, res: res, read: bufio.NewReader(res.Body)}
	if name, _ := st.next(); name != "hello" {
		t.Fatalf("first event %q, want hello", name)
	}
	return st
}

// next returns the name and data of the next event, skipping comments and
// fields other than event and data, or io.EOF when the stream ends.
func (st *stream) next() (name, data string) {
	st.t.Helper()
	name, data, err := st.nextErr()
	if err != nil {
		st.t.Fatalf("reading event stream: %v", err)
	}
	return name, data
}

func (st *stream) nextErr() (name, data string, err error) {
	for {
		line, err := st.read.ReadString('\n')
		if err != nil {
			return "", "", err
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "" && name != "":
			return name, data, nil
		case strings.HasPrefix(line, "event: "):
			name = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			data = line[len("data: "):]
		}
	}
}

// nextErrors reads the next event, which must be errors, and decodes it.
func (st *stream) nextErrors() []string {
	st.t.Helper()
	name, data := st.next()
	if name != "errors" {
		st.t.Fatalf("event %q %s, want errors", name, data)
	}
	var msgs []string
	if err := json.Unmarshal([]byte(data), &msgs); err != nil || msgs == nil {
		st.t.Fatalf("errors data %s: want a JSON list (%v)", data, err)
	}
	return msgs
}

func startServer(t *testing.T, base string) (*Server, *httptest.Server) {
	t.Helper()
	s := New(Config{Root: testSite(), BasePath: base})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	t.Cleanup(s.Close) // runs first, so ts.Close does not wait for streams
	return s, ts
}

func TestReloadSendsChangedURLPaths(t *testing.T) {
	s, ts := startServer(t, "/repo/")
	st := openStream(t, ts, "/repo/_folio/events")
	if msgs := st.nextErrors(); len(msgs) != 0 {
		t.Fatalf("initial errors %q, want none", msgs)
	}
	s.Reload([]string{"2025/04/x/index.html", "style.css", "index.html", "tags/人工智能/index.html", "404.html"})
	name, data := st.next()
	if name != "reload" {
		t.Fatalf("event %q, want reload", name)
	}
	var got []string
	if err := json.Unmarshal([]byte(data), &got); err != nil {
		t.Fatal(err)
	}
	want := []string{"/repo/", "/repo/2025/04/x/", "/repo/404.html", "/repo/style.css", "/repo/tags/人工智能/"}
	if !slices.Equal(got, want) {
		t.Errorf("reload data %q, want %q", got, want)
	}
}

func TestURLPath(t *testing.T) {
	tests := []struct {
		base, name, want string
	}{
		{"/repo/", "index.html", "/repo/"},
		{"/repo/", "2025/04/x/index.html", "/repo/2025/04/x/"},
		{"/repo/", "style.css", "/repo/style.css"},
		{"/repo/", "tags/人工智能/index.html", "/repo/tags/人工智能/"},
		{"/repo/", "a/myindex.html", "/repo/a/myindex.html"},
		{"/", "2025/04/x/index.html", "/2025/04/x/"},
		{"/", "index.html", "/"},
	}
	for _, tt := range tests {
		s := New(Config{BasePath: tt.base})
		if got, _ := s.urlPath(tt.name); got != tt.want {
			t.Errorf("urlPath(%q) under %q = %q, want %q", tt.name, tt.base, got, tt.want)
		}
	}
}

func TestReloadWithNothingChangedSendsNothing(t *testing.T) {
	s, ts := startServer(t, "/")
	st := openStream(t, ts, "/_folio/events")
	st.nextErrors()
	s.Reload(nil)
	s.Reload([]string{"../outside"})
	s.SetErrors([]string{"x"})
	if name, data := st.next(); name != "errors" {
		t.Errorf("event %q %s, want errors: an empty Reload sends nothing", name, data)
	}
}

func TestSetErrorsShowsOverlayUntilCleared(t *testing.T) {
	s, ts := startServer(t, "/repo/")
	st := openStream(t, ts, "/repo/_folio/events")
	st.nextErrors()

	msgs := []string{`content/x.md:3:1: yaml: <mapping> "values" are not allowed`, "content/y.md:1:1: 标题为空"}
	s.SetErrors(msgs)
	if got := st.nextErrors(); !slices.Equal(got, msgs) {
		t.Errorf("errors event %q, want %q", got, msgs)
	}

	// A page loaded now has the overlay, escaped, before the script.
	_, body := get(t, s, "GET", "/repo/2025/04/x/")
	want := `<div id="folio-error-overlay" role="alert" style="` + overlayStyle + `">` +
		`<div>content/x.md:3:1: yaml: &lt;mapping&gt; &#34;values&#34; are not allowed</div>` +
		`<div>content/y.md:1:1: 标题为空</div></div>` + scriptTag + "</body>"
	if !strings.Contains(body, want) {
		t.Errorf("page = %q, want it to contain %q", body, want)
	}
	if _, body := get(t, s, "GET", "/repo/missing/"); !strings.Contains(body, "folio-error-overlay") {
		t.Errorf("404 page lacks the overlay: %q", body)
	}
	if _, body := get(t, s, "GET", "/repo/style.css"); strings.Contains(body, "folio-error-overlay") {
		t.Errorf("stylesheet has the overlay: %q", body)
	}

	// A stream opened now starts with the errors.
	st2 := openStream(t, ts, "/repo/_folio/events")
	if got := st2.nextErrors(); !slices.Equal(got, msgs) {
		t.Errorf("new stream starts with errors %q, want %q", got, msgs)
	}

	s.SetErrors(nil)
	for _, st := range []*stream{st, st2} {
		if got := st.nextErrors(); len(got) != 0 {
			t.Errorf("after SetErrors(nil): errors event %q, want []", got)
		}
	}
	if _, body := get(t, s, "GET", "/repo/2025/04/x/"); strings.Contains(body, "folio-error-overlay") {
		t.Errorf("page after SetErrors(nil) still has the overlay: %q", body)
	}
}

func TestSetErrorsSendsOnlyChanges(t *testing.T) {
	s, ts := startServer(t, "/")
	st := openStream(t, ts, "/_folio/events")
	st.nextErrors()
	s.SetErrors(nil)
	s.SetErrors([]string{})
	s.SetErrors([]string{"a"})
	s.SetErrors([]string{"a"})
	s.Reload([]string{"x.css"})
	if got := st.nextErrors(); !slices.Equal(got, []string{"a"}) {
		t.Errorf("errors event %q, want [a]", got)
	}
	if name, data := st.next(); name != "reload" {
		t.Errorf("event %q %s, want reload: unchanged errors are not resent", name, data)
	}
}

func TestCloseEndsStreams(t *testing.T) {
	s := New(Config{Root: testSite(), BasePath: "/repo/"})
	ts := httptest.NewServer(s)
	defer ts.Close()
	st := openStream(t, ts, "/repo/_folio/events")
	st.nextErrors()
	s.Close()
	if _, _, err := st.nextErr(); !errors.Is(err, io.EOF) {
		t.Errorf("after Close: %v, want EOF", err)
	}
	res, err := ts.Client().Get(ts.URL + "/repo/_folio/events")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("stream opened after Close: status %d, want 503", res.StatusCode)
	}
	if res, _ := get(t, s, "GET", "/repo/"); res.StatusCode != 200 {
		t.Errorf("page after Close: status %d, want 200", res.StatusCode)
	}
	s.Close() // a second Close is harmless
}

func TestShutdownDoesNotWaitForClosedStreams(t *testing.T) {
	s := New(Config{Root: testSite()})
	ts := httptest.NewUnstartedServer(s)
	ts.Config.RegisterOnShutdown(s.Close)
	ts.Start()
	defer ts.Close()
	st := openStream(t, ts, "/_folio/events")
	st.nextErrors()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ts.Config.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

func TestManyClientsGetEveryReload(t *testing.T) {
	s, ts := startServer(t, "/")
	streams := make([]*stream, 20)
	for i := range streams {
		streams[i] = openStream(t, ts, "/_folio/events")
		streams[i].nextErrors()
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			s.Reload([]string{"a.css"})
			s.SetErrors([]string{string(rune('a' + i))})
		})
	}
	wg.Wait()
	for i, st := range streams {
		reloads := 0
		for range 16 {
			if name, _ := st.next(); name == "reload" {
				reloads++
			}
		}
		if reloads != 8 {
			t.Errorf("stream %d got %d reload events, want 8", i, reloads)
		}
	}
}

// blockedWriter is a ResponseWriter whose writes block until release is
// closed, like a client that stopped reading.
type blockedWriter struct {
	header  http.Header
	started chan struct{}
	release chan struct{}
	once    sync.Once
}

func (w *blockedWriter) Header() http.Header { return w.header }
func (w *blockedWriter) WriteHeader(int)     {}
func (w *blockedWriter) Flush()              {}
func (w *blockedWriter) Write(p []byte) (int, error) {
	w.once.Do(func() { close(w.started) })
	<-w.release
	return 0, errors.New("client gone")
}

func TestSlowClientDoesNotBlockReload(t *testing.T) {
	s := New(Config{Root: testSite()})
	defer s.Close()
	w := &blockedWriter{header: http.Header{}, started: make(chan struct{}), release: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		s.ServeHTTP(w, newRequest("GET", "/_folio/events"))
		close(done)
	}()
	<-w.started // registered, and stuck writing the first events
	for range 10 * clientBuffer {
		s.Reload([]string{"index.html"})
		s.SetErrors([]string{"a"})
		s.SetErrors(nil)
	}
	s.mu.Lock()
	n := len(s.clients)
	s.mu.Unlock()
	if n != 0 {
		t.Errorf("%d clients still registered, want the slow one dropped", n)
	}
	close(w.release)
	<-done
}

// recorder is a ResponseWriter for event streams that can be read while
// the handler is still writing.
type recorder struct {
	mu     sync.Mutex
	header http.Header
	body   strings.Builder
}

func (w *recorder) Header() http.Header { return w.header }
func (w *recorder) WriteHeader(int)     {}
func (w *recorder) Flush()              {}
func (w *recorder) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.body.Write(p)
}
func (w *recorder) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.body.String()
}

func TestStreamSendsHeartbeat(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Config{Root: testSite()})
		ctx, cancel := context.WithCancel(t.Context())
		w := &recorder{header: http.Header{}}
		done := make(chan struct{})
		go func() {
			s.ServeHTTP(w, newRequestWithContext(ctx, "GET", "/_folio/events"))
			close(done)
		}()
		synctest.Wait()
		if strings.Contains(w.String(), ": ping") {
			t.Fatalf("ping before the heartbeat interval: %q", w.String())
		}
		time.Sleep(15 * time.Second)
		synctest.Wait()
		if got := strings.Count(w.String(), ": ping\n\n"); got != 1 {
			t.Errorf("after 15s: %d pings in %q, want 1", got, w.String())
		}
		cancel() // the client goes away
		<-done
		s.mu.Lock()
		n := len(s.clients)
		s.mu.Unlock()
		if n != 0 {
			t.Errorf("%d clients registered after the client left", n)
		}
	})
}

func TestHelloNamesTheServerProcess(t *testing.T) {
	_, ts1 := startServer(t, "/")
	_, ts2 := startServer(t, "/")
	hello := func(ts *httptest.Server) string {
		res, err := ts.Client().Get(ts.URL + "/_folio/events")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		st := &stream{t: t, res: res, read: bufio.NewReader(res.Body)}
		name, data := st.next()
		if name != "hello" {
			t.Fatalf("first event %q, want hello", name)
		}
		return data
	}
	a, b := hello(ts1), hello(ts2)
	if a == b || a != hello(ts1) {
		t.Errorf("hello ids %s, %s: want one per server, stable across streams", a, b)
	}
}
