package serve

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestServesOnlyLoopbackAndListedHosts(t *testing.T) {
	tests := []struct {
		hosts []string // Config.Hosts
		host  string   // the request's Host header; PORT is the server's port
		path  string   // "" means /repo/
		want  int
	}{
		{nil, "localhost", "", 200},
		{nil, "localhost:1313", "", 200},
		{nil, "localhost:PORT", "", 200},
		{nil, "LocalHost.:PORT", "", 200},
		{nil, "127.0.0.1", "", 200},
		{nil, "127.0.0.1:PORT", "", 200},
		{nil, "127.1.2.3:1313", "", 200},
		{nil, "[::1]", "", 200},
		{nil, "[::1]:PORT", "", 200},
		{nil, "[::ffff:127.0.0.1]:PORT", "", 200},
		{nil, "localhost:PORT", "/repo/_folio/reload.js", 200},

		{nil, "evil.example", "", 421},
		{nil, "evil.example:1313", "", 421},
		{nil, "evil.example:PORT", "", 421},
		{nil, "evil.example:PORT", "/repo/_folio/events", 421},
		{nil, "evil.example:PORT", "/repo/_folio/reload.js", 421},
		{nil, "evil.example:PORT", "/repo/missing/", 421},
		{nil, "localhost.evil.example:PORT", "", 421},
		{nil, "127.0.0.1.evil.example:PORT", "", 421},
		{nil, "[::1].evil.example", "", 421},
		{nil, "::1", "", 421}, // an IPv6 address needs brackets
		{nil, "localhost:http", "", 421},
		{nil, "0.0.0.0:PORT", "", 421},
		{nil, "[::]:PORT", "", 421},
		{nil, "192.168.1.5:PORT", "", 421},

		{[]string{"192.168.1.5", "Preview.LAN"}, "192.168.1.5:PORT", "", 200},
		{[]string{"192.168.1.5", "Preview.LAN"}, "preview.lan:PORT", "", 200},
		{[]string{"192.168.1.5", "Preview.LAN"}, "localhost:PORT", "", 200},
		{[]string{"192.168.1.5", "Preview.LAN"}, "192.168.1.6:PORT", "", 421},
		{[]string{"192.168.1.5", "Preview.LAN"}, "evil.example:PORT", "", 421},
		{[]string{"[::]", "0.0.0.0"}, "[::]:PORT", "", 200},
		{[]string{"[::]", "0.0.0.0"}, "[0:0::0]:PORT", "", 200},
		{[]string{"[::]", "0.0.0.0"}, "0.0.0.0:PORT", "", 200},
		{[]string{"[::]", "0.0.0.0"}, "evil.example:PORT", "", 421},
	}
	servers := map[string]*httptest.Server{}
	for _, tt := range tests {
		key := strings.Join(tt.hosts, " ")
		ts := servers[key]
		if ts == nil {
			s := New(Config{Root: testSite(), BasePath: "/repo/", Hosts: tt.hosts})
			ts = httptest.NewServer(s)
			t.Cleanup(ts.Close)
			t.Cleanup(s.Close)
			servers[key] = ts
		}
		if tt.path == "" {
			tt.path = "/repo/"
		}
		req, err := http.NewRequestWithContext(t.Context(), "GET", ts.URL+tt.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = strings.Replace(tt.host, "PORT", ts.URL[strings.LastIndexByte(ts.URL, ':')+1:], 1)
		res, err := ts.Client().Do(req)
		if err != nil {
			t.Fatalf("GET %s with Host %q: %v", tt.path, req.Host, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tt.want {
			t.Errorf("Hosts %q: GET %s with Host %q = %d %q, want %d", tt.hosts, tt.path, req.Host, res.StatusCode, body, tt.want)
			continue
		}
		if tt.want == 421 && (strings.Contains(string(body), "首页") || len(body) > 100) {
			t.Errorf("Host %q refused with body %q, want a short text", req.Host, body)
		}
	}
}

func TestRequestWithoutHostIsRefused(t *testing.T) {
	r := newRequest("GET", "/repo/")
	r.Host = ""
	w := httptest.NewRecorder()
	newTestServer(t).ServeHTTP(w, r)
	if w.Code != http.StatusMisdirectedRequest {
		t.Errorf("GET /repo/ without Host = %d, want 421", w.Code)
	}
}

func TestEventStreamsAreCapped(t *testing.T) {
	const events = "/repo/_folio/events"
	s := New(Config{Root: testSite(), BasePath: "/repo/", MaxStreams: 3})
	ended := make(chan struct{}, 8) // an event stream's handler returned
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.ServeHTTP(w, r)
		if r.URL.Path == events {
			ended <- struct{}{}
		}
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(s.Close)
	waitEnded := func(what string) {
		t.Helper()
		select {
		case <-ended:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the stream's handler did not return", what)
		}
	}
	refused := func(what string) {
		t.Helper()
		res, err := ts.Client().Get(ts.URL + events)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "5" {
			t.Fatalf("%s: GET %s = %d, Retry-After %q, %q; want 503, Retry-After 5", what, events, res.StatusCode, res.Header.Get("Retry-After"), body)
		}
		waitEnded(what)
	}

	streams := make([]*stream, 3)
	for i := range streams {
		streams[i] = openStream(t, ts, events)
	}
	refused("fourth stream")
	for _, p := range []string{"/repo/", "/repo/style.css", "/repo/_folio/reload.js"} {
		res, err := ts.Client().Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("GET %s with every stream taken = %d, want 200", p, res.StatusCode)
		}
	}

	// A client that goes away frees its place.
	streams[0].res.Body.Close()
	waitEnded("closed stream")
	st := openStream(t, ts, events)
	s.Reload([]string{"index.html"})
	st.nextErrors()
	if name, data := st.next(); name != "reload" || data != `["/repo/"]` {
		t.Errorf("stream in the freed place got %s %s, want reload [\"/repo/\"]", name, data)
	}
	refused("stream beyond the cap again")
}
