// Package serve serves a built site over HTTP the way GitHub Pages would and
// reloads open pages when the site is rebuilt. Only "folio serve" uses it:
// nothing it adds ever reaches the built output.
//
// # URLs
//
// Everything is served under Config.BasePath, "/repo/" for a project site at
// https://user.github.io/repo/. Below it, a percent-decoded request path
// names a file of Config.Root:
//
//	/repo/                      index.html
//	/repo/2025/04/x/            2025/04/x/index.html
//	/repo/2025/04/x             301 to /repo/2025/04/x/
//	/repo/tags/%E4%BA%BA/       tags/人/index.html
//	/repo/style.css             style.css
//	/repo/style.css/            404: a file has no slash form
//	/repo                       302 to /repo/
//	/                           302 to /repo/
//	anything else               Root's 404.html with status 404, or plain text
//
// A request path with a ".." segment, an encoded slash or backslash, a
// backslash or a NUL byte is rejected with 400 before Root is consulted;
// the rest is cleaned and must be an fs.ValidPath. Nothing outside Root is
// ever served, and no folder is listed. Only GET and HEAD are allowed.
//
// # Responses
//
// Content-Type follows the file extension; text types (html, css, js, xml,
// json, txt, svg) carry "; charset=utf-8". Every response has
// "Cache-Control: no-cache", and files have an ETag, so a browser revalidates
// each time and a rebuilt file is never served stale. Ranges, conditional
// requests and HEAD are handled by http.ServeContent.
//
// Every HTML response (.html or .htm, the 404 page included) gets
//
//	<script src="/repo/_folio/reload.js" defer></script>
//
// inserted before its last </body>, or appended when there is none. While
// SetErrors has set diagnostics, the error overlay markup is inserted there
// too, so a freshly loaded page shows it before the script runs. Any other
// file is served byte for byte.
//
// # Live reload
//
// BasePath + "_folio/reload.js" is the script; BasePath + "_folio/events" is
// a text/event-stream of Server-Sent Events on the same port:
//
//	event: hello    data: a JSON string naming this server process
//	event: errors   data: a JSON list of diagnostics; [] clears the overlay
//	event: reload   data: a JSON list of changed URL paths
//	: ping          a comment every 15 seconds, to keep the stream open
//
// A new stream starts with hello and the current errors. Reload sends the URL
// path of each changed file: BasePath plus its path, with a final index.html
// trimmed to its folder ("2025/04/x/index.html" is "/repo/2025/04/x/",
// "style.css" is "/repo/style.css"). Paths are sent decoded.
//
// The script reloads the page when a reload event lists its own path
// ("/x/" and "/x/index.html" count alike). When every listed path is a
// stylesheet, it instead re-fetches the matching <link rel=stylesheet>
// elements with a "?v=" timestamp; other changes leave the page alone. An
// errors event replaces the overlay, a fixed full-width monospace box with
// one line per diagnostic, or removes it. EventSource reconnects by itself;
// when it reconnects to a different server process (a restarted
// "folio serve"), the page reloads.
//
// A client that falls behind by 16 events is disconnected rather than
// allowed to block Reload; its EventSource reconnects.
//
// At most Config.MaxStreams streams (256 by default) are open at once; a
// request for one more is answered 503 with "Retry-After: 5", and so is
// one after Close. Pages are served all the same. EventSource gives up on
// such an answer, so the script opens a new one 5 to 10 seconds later.
//
// # Hosts
//
// A request is served only when its Host header names a loopback host:
// "localhost", an address in 127.0.0.0/8 or "[::1]", with any port or none.
// Config.Hosts adds the names and addresses that "folio serve" listens on
// when it is told to listen beyond loopback. Any other host, or none, is
// answered 421 Misdirected Request. A page of another site whose name a
// DNS rebinding attack has pointed at 127.0.0.1 thus cannot read the
// preview: the browser sends that site's name as the host.
package serve

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config configures a Server. The zero value serves an empty site at "/".
type Config struct {
	Root     fs.FS        // the built site; the builder replaces files atomically
	BasePath string       // "/repo/" for https://user.github.io/repo/; "" means "/"
	Logger   *slog.Logger // nil discards

	// Hosts lists host names and addresses, besides the loopback ones,
	// that a request's Host header may name, such as "192.168.1.5" or
	// "[::]"; a port is not part of a host.
	Hosts []string

	// MaxStreams caps the live reload streams open at once; 0 means 256.
	MaxStreams int
}

// Server is an http.Handler for a built site with live reload. Its methods
// are safe for concurrent use.
type Server struct {
	root      fs.FS
	base      string // with leading and trailing slash
	tag       string // the script element injected into HTML
	log       *slog.Logger
	id        string // names this process in the hello event
	heartbeat time.Duration
	hosts     hostSet
	maxStream int

	mu      sync.Mutex
	clients map[*client]struct{}
	streams int      // open event streams, a dropped client's included until it returns
	errors  []string // never mutated in place, only replaced
	closed  bool
	moved   map[string]string // URL path of a moved page -> its new URL path
}

const (
	scriptPath   = "_folio/reload.js" // relative to the base path
	eventsPath   = "_folio/events"
	clientBuffer = 16
	writeTimeout = 10 * time.Second
	maxStreams   = 256
	retryAfter   = "5" // seconds, for a refused event stream
)

// New returns a Server for cfg.
func New(cfg Config) *Server {
	root := cfg.Root
	if root == nil {
		root = emptyFS{}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	base := cleanBase(cfg.BasePath)
	src := (&url.URL{Path: base + scriptPath}).EscapedPath()
	maxStream := cfg.MaxStreams
	if maxStream <= 0 {
		maxStream = maxStreams
	}
	return &Server{
		root:      root,
		base:      base,
		tag:       `<script src="` + src + `" defer></script>`,
		log:       log,
		id:        rand.Text(),
		heartbeat: 15 * time.Second,
		hosts:     newHostSet(cfg.Hosts),
		maxStream: maxStream,
		clients:   make(map[*client]struct{}),
	}
}

// cleanBase returns base with one leading and one trailing slash.
func cleanBase(base string) string {
	base = path.Clean("/" + base)
	if base != "/" {
		base += "/"
	}
	return base
}

type emptyFS struct{}

func (emptyFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// ServeHTTP serves the site, the reload script and the event stream.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.hosts.allows(r.Host) {
		s.log.Debug("refused host", "host", r.Host, "path", r.URL.Path)
		http.Error(w, "misdirected request: open the address folio serve printed", http.StatusMisdirectedRequest)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if badPath(r.URL) {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	p := r.URL.Path
	rel, ok := strings.CutPrefix(p, s.base)
	if !ok {
		if p == "/" || p+"/" == s.base {
			s.redirect(w, r, s.base, http.StatusFound)
			return
		}
		s.notFound(w, r)
		return
	}
	switch rel {
	case scriptPath:
		s.serveScript(w, r)
		return
	case eventsPath:
		s.serveEvents(w, r)
		return
	}
	name := path.Clean("/" + rel)[1:]
	if name == "" {
		name = "."
	}
	if !fs.ValidPath(name) {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	s.serveFile(w, r, name, strings.HasSuffix(p, "/"))
}

// badPath reports whether u's path could name something other than what
// its cleaned form names: a ".." segment, an encoded separator, a backslash
// or a NUL byte.
func badPath(u *url.URL) bool {
	if !strings.HasPrefix(u.Path, "/") || strings.ContainsAny(u.Path, "\\\x00") {
		return true
	}
	raw := strings.ToLower(u.EscapedPath())
	if strings.Contains(raw, "%2f") || strings.Contains(raw, "%5c") {
		return true
	}
	for seg := range strings.SplitSeq(u.Path, "/") {
		if seg == ".." {
			return true
		}
	}
	return false
}

func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to string, code int) {
	loc := (&url.URL{Path: to, RawQuery: r.URL.RawQuery}).String()
	http.Redirect(w, r, loc, code)
}

// serveFile serves name, a cleaned path of Root; slash tells whether the
// request path ended in a slash.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, name string, slash bool) {
	f, fi, err := s.open(name)
	if err == nil && fi.IsDir() {
		f.Close()
		if !slash {
			to := s.base
			if name != "." {
				to += name + "/"
			}
			s.redirect(w, r, to, http.StatusMovedPermanently)
			return
		}
		name = path.Join(name, "index.html")
		f, fi, err = s.open(name)
		if err == nil && fi.IsDir() {
			f.Close()
			err = fmt.Errorf("%s is a folder", name)
		}
	} else if err == nil && slash {
		f.Close()
		err = fmt.Errorf("%s is not a folder", name)
	}
	if err != nil {
		s.log.Debug("not found", "path", r.URL.Path, "err", err)
		s.notFound(w, r)
		return
	}
	defer f.Close()

	if isHTML(name) {
		page, err := io.ReadAll(f)
		if err != nil {
			s.serverError(w, name, err)
			return
		}
		s.writeHTML(w, r, name, http.StatusOK, page)
		return
	}
	h := w.Header()
	if ct := contentType(name); ct != "" {
		h.Set("Content-Type", ct)
	}
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", fmt.Sprintf(`"%x-%x"`, fi.ModTime().UnixNano(), fi.Size()))
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		data, err := io.ReadAll(f)
		if err != nil {
			s.serverError(w, name, err)
			return
		}
		rs = bytes.NewReader(data)
	}
	http.ServeContent(w, r, name, fi.ModTime(), rs)
}

// open opens name and stats the opened file, so both describe one version
// of a file the builder may be replacing.
func (s *Server) open(name string) (fs.File, fs.FileInfo, error) {
	f, err := s.root.Open(name)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, fi, nil
}

func (s *Server) serverError(w http.ResponseWriter, name string, err error) {
	s.log.Error("serve", "file", name, "err", err)
	http.Error(w, "internal server error", http.StatusInternalServerError)
}

// Move records pages that moved: each key is the site path (below the base
// path) a document had, each value the one it has now. A request for an
// old path that no longer exists is redirected to the new one, so an open
// page whose document moved follows it when it reloads.
func (s *Server) Move(moved map[string]string) {
	if len(moved) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.moved == nil {
		s.moved = map[string]string{}
	}
	for from, to := range moved {
		from, to = s.base+strings.TrimPrefix(from, "/"), s.base+strings.TrimPrefix(to, "/")
		// Earlier moves now lead on to the new place.
		for k, v := range s.moved {
			if v == from {
				s.moved[k] = to
			}
		}
		s.moved[from] = to
		delete(s.moved, to)
	}
}

// notFound redirects a moved page to its new path, else serves Root's
// 404.html with status 404, or a plain text page.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	to, moved := s.moved[r.URL.Path]
	s.mu.Unlock()
	if moved {
		s.redirect(w, r, to, http.StatusFound)
		return
	}
	if page, err := fs.ReadFile(s.root, "404.html"); err == nil {
		s.writeHTML(w, r, "404.html", http.StatusNotFound, page)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	http.Error(w, "404 page not found", http.StatusNotFound)
}

// writeHTML writes page with the reload script and any error overlay.
func (s *Server) writeHTML(w http.ResponseWriter, r *http.Request, name string, status int, page []byte) {
	body := s.inject(page)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	if status == http.StatusOK {
		// The ETag covers the injected overlay, so a page cached without
		// it is not revalidated once errors appear.
		h.Set("ETag", fmt.Sprintf(`"%x"`, sha256.Sum256(body)))
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func isHTML(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".html" || ext == ".htm"
}

// contentType returns the Content-Type for name's extension, or "" to let
// http.ServeContent sniff it.
func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	switch ext {
	case ".html", ".htm":
		return "text/html; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".xml":
		return "application/xml; charset=utf-8"
	case ".json", ".map":
		return "application/json; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".svg":
		return "image/svg+xml; charset=utf-8"
	case ".":
		return ""
	}
	return mime.TypeByExtension(ext)
}
