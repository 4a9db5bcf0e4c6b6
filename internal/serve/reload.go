package serve

import (
	"encoding/json"
	"html"
	"io"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
)

// client is one open event stream.
type client struct {
	ch chan string // formatted events; closed when the hub drops the client
}

// Reload tells open pages that these output files changed. Each is a slash
// path relative to Root, such as "2025/04/x/index.html" or "style.css".
// Reload never waits for a client.
func (s *Server) Reload(changed []string) {
	urls := make([]string, 0, len(changed))
	for _, name := range changed {
		if u, ok := s.urlPath(name); ok {
			urls = append(urls, u)
		}
	}
	slices.Sort(urls)
	urls = slices.Compact(urls)
	if len(urls) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.broadcast(event("reload", urls))
	s.log.Debug("reload", "paths", len(urls), "clients", n)
}

// urlPath returns the URL path, not escaped, that serves the file name.
func (s *Server) urlPath(name string) (string, bool) {
	name = path.Clean(strings.TrimPrefix(name, "/"))
	if !fs.ValidPath(name) {
		return "", false
	}
	switch {
	case name == ".", name == "index.html":
		return s.base, true
	case strings.HasSuffix(name, "/index.html"):
		return s.base + strings.TrimSuffix(name, "index.html"), true
	}
	return s.base + name, true
}

// SetErrors shows an overlay listing msgs, diagnostics such as
// "content/x.md:3:1: yaml: ...", on every open page and on every page loaded
// afterwards, until SetErrors(nil) clears it.
func (s *Server) SetErrors(msgs []string) {
	msgs = slices.Clone(msgs)
	s.mu.Lock()
	defer s.mu.Unlock()
	if slices.Equal(s.errors, msgs) {
		return
	}
	s.errors = msgs
	s.broadcast(errorsEvent(msgs))
}

// Close ends every open event stream and refuses new ones; files are still
// served. Shutdown of an http.Server waits for open streams, so call Close
// first, or pass it to the http.Server's RegisterOnShutdown.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for c := range s.clients {
		close(c.ch)
		delete(s.clients, c)
	}
}

// broadcast queues ev for every client, dropping those whose queue is full,
// and returns how many got it. s.mu must be held.
func (s *Server) broadcast(ev string) int {
	n := 0
	for c := range s.clients {
		select {
		case c.ch <- ev:
			n++
		default:
			close(c.ch)
			delete(s.clients, c)
			s.log.Warn("live reload client too slow; disconnected")
		}
	}
	return n
}

func event(name string, v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err) // only strings and lists of strings are sent
	}
	return "event: " + name + "\ndata: " + string(data) + "\n\n"
}

func errorsEvent(msgs []string) string {
	if msgs == nil {
		msgs = []string{}
	}
	return event("errors", msgs)
}

// serveEvents streams events to one client until it goes away, falls
// behind, or the server is closed.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	c := &client{ch: make(chan string, clientBuffer)}
	s.mu.Lock()
	if s.closed || s.streams >= s.maxStream {
		closed := s.closed
		s.mu.Unlock()
		w.Header().Set("Retry-After", retryAfter)
		if closed {
			http.Error(w, "server closed", http.StatusServiceUnavailable)
		} else {
			s.log.Debug("live reload: too many open streams; refused one", "max", s.maxStream)
			http.Error(w, "too many live reload streams", http.StatusServiceUnavailable)
		}
		return
	}
	s.clients[c] = struct{}{}
	s.streams++
	first := "retry: 1000\n\n" + event("hello", s.id) + errorsEvent(s.errors)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.clients, c)
		s.streams--
		s.mu.Unlock()
	}()

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	rc := http.NewResponseController(w)
	// Deadlines are optional: not every ResponseWriter supports them.
	defer func() { _ = rc.SetWriteDeadline(time.Time{}) }()
	send := func(msg string) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(writeTimeout))
		if _, err := io.WriteString(w, msg); err != nil {
			return false
		}
		if err := rc.Flush(); err != nil {
			s.log.Error("live reload: cannot flush event stream", "err", err)
			return false
		}
		return true
	}
	if !send(first) {
		return
	}
	tick := time.NewTicker(s.heartbeat)
	defer tick.Stop()
	for {
		select {
		case ev, ok := <-c.ch:
			if !ok || !send(ev) {
				return
			}
		case <-tick.C:
			if !send(": ping\n\n") {
				return
			}
		case <-r.Context().Done():
			return
		}
	}
}

func (s *Server) serveScript(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "reload.js", time.Time{}, strings.NewReader(script))
}

// inject returns page with the error overlay, if any, and the reload script
// inserted before its last </body>, or at its end.
func (s *Server) inject(page []byte) []byte {
	s.mu.Lock()
	msgs := s.errors
	s.mu.Unlock()
	var add strings.Builder
	if len(msgs) > 0 {
		add.WriteString(`<div id="folio-error-overlay" role="alert" style="` + overlayStyle + `">`)
		for _, m := range msgs {
			add.WriteString("<div>" + html.EscapeString(m) + "</div>")
		}
		add.WriteString("</div>")
	}
	add.WriteString(s.tag)
	i := lastIndexFold(page, "</body")
	if i < 0 {
		i = len(page)
	}
	out := make([]byte, 0, len(page)+add.Len())
	out = append(out, page[:i]...)
	out = append(out, add.String()...)
	return append(out, page[i:]...)
}

// lastIndexFold is bytes.LastIndex under ASCII case folding; sub is
// lower case.
func lastIndexFold(s []byte, sub string) int {
	for i := len(s) - len(sub); i >= 0; i-- {
		if s[i] != sub[0] {
			continue
		}
		if strings.EqualFold(string(s[i:i+len(sub)]), sub) {
			return i
		}
	}
	return -1
}
