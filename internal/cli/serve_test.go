package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/folio-ssg/folio/internal/cli"
)

// eventTimeout bounds every wait for something serve or watch should do
// after a change; it only guards against a hang.
const eventTimeout = 15 * time.Second

// liveSite has three documents tagged 人工智能. The People's Daily article
// has a slug, so editing its title keeps its URL, docPath.
const liveSite = `
-- folio.yaml --
title: 测试文库
-- static/style.css --
body { margin: 0 }
-- content/news/rmrb.md --
---
title: 坚持自立自强 推动人工智能健康有序发展
date: 2025年4月27日
tags: [人工智能]
slug: 人工智能健康有序发展
author: 人民日报
version: 第01版
---

新华社北京4月26日电　中共中央政治局4月25日下午就加强人工智能发展和监管进行第二十次集体学习。
-- content/laws/生成式人工智能服务管理暂行办法.md --
---
title: 生成式人工智能服务管理暂行办法
date: 2023年7月10日
tags: [人工智能, 行政法规]
---

第一条　为了促进生成式人工智能健康发展和规范应用，制定本办法。
-- content/notes/人工智能标识.md --
---
title: 人工智能生成合成内容标识办法
date: 2025年3月14日
tags: [人工智能]
---

第一条　为了促进人工智能健康发展，制定本办法。
`

const (
	docFile  = "content/news/rmrb.md"
	docPath  = "news/人工智能健康有序发展/" // below the base path
	oldTitle = "坚持自立自强 推动人工智能健康有序发展"
	newTitle = "坚持自立自强 推动人工智能安全可控发展"

	// goodAuthor made bad is a YAML error on line 6 of docFile.
	goodAuthor = "author: 人民日报\n"
	badAuthor  = "author: 人民日报: 记者\n"
	badDiag    = "content/news/rmrb.md:6:9: yaml: mapping value is not allowed in this context"
)

// writeSite writes the files of a txtar archive into a new site root.
func writeSite(t *testing.T, archive string) string {
	t.Helper()
	root := t.TempDir()
	for _, f := range txtar.Parse([]byte(archive)).Files {
		p := filepath.Join(root, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// editFile replaces old with new in the site file rel the way editors save:
// it writes a temporary dotfile beside it and renames that over it.
func editFile(t *testing.T, root, rel, old, new string) {
	t.Helper()
	name := filepath.Join(root, filepath.FromSlash(rel))
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%s does not contain %q", rel, old)
	}
	replaceFile(t, name, bytes.Replace(data, []byte(old), []byte(new), 1))
}

func replaceFile(t *testing.T, name string, data []byte) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(name), "."+filepath.Base(name)+".new")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, name); err != nil {
		t.Fatal(err)
	}
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// folioProc is a long-running folio command run in-process by cli.Main.
type folioProc struct {
	first  string      // the first line it printed
	lines  chan string // the stdout lines after it
	stdout *lockedBuffer
	stderr *lockedBuffer
	cancel context.CancelFunc
	done   chan int // receives cli.Main's exit status
}

// startFolio runs folio with args until the test ends or stop is called,
// and waits for its first stdout line. Its stdout is an io.Pipe, drained
// for as long as it runs.
func startFolio(t *testing.T, args ...string) *folioProc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	p := &folioProc{
		lines:  make(chan string, 256),
		stdout: new(lockedBuffer),
		stderr: new(lockedBuffer),
		cancel: cancel,
		done:   make(chan int, 1),
	}
	go func() {
		code := cli.Main(ctx, args, pw, p.stderr)
		pw.Close()
		p.done <- code
	}()
	first := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for n := 0; sc.Scan(); n++ {
			line := sc.Text()
			fmt.Fprintln(p.stdout, line)
			if n == 0 {
				first <- line
				continue
			}
			select {
			case p.lines <- line:
			default: // nobody is listening; p.stdout still has it
			}
		}
		close(first)
		io.Copy(io.Discard, pr) // keep folio from blocking on a long line
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-p.done:
		case <-time.After(eventTimeout):
			t.Errorf("folio %s did not stop after its context was cancelled", args[0])
		}
	})
	select {
	case line, ok := <-first:
		if !ok {
			t.Fatalf("folio %s printed nothing\nstderr:\n%s", args[0], p.stderr)
		}
		p.first = line
	case <-time.After(eventTimeout):
		t.Fatalf("folio %s printed nothing within %v\nstderr:\n%s", args[0], eventTimeout, p.stderr)
	}
	return p
}

// stop cancels folio's context and returns its exit status and how long
// cli.Main took to return.
func (p *folioProc) stop(t *testing.T) (int, time.Duration) {
	t.Helper()
	start := time.Now()
	p.cancel()
	select {
	case code := <-p.done:
		p.done <- code // for the cleanup
		return code, time.Since(start)
	case <-time.After(eventTimeout):
		t.Fatalf("cli.Main did not return within %v of cancelling its context", eventTimeout)
	}
	return 0, 0
}

// startServe runs folio serve on a free port under the base path /repo/
// and returns it with its URL, read from its first line.
func startServe(t *testing.T, root string) (*folioProc, string) {
	t.Helper()
	p := startFolio(t, "serve", "--source", root, "--addr", "127.0.0.1:0", "--base-url", "http://127.0.0.1:0/repo/")
	u, ok := strings.CutPrefix(p.first, "serving at ")
	if !ok || !strings.HasPrefix(u, "http://127.0.0.1:") || !strings.HasSuffix(u, "/repo/") || strings.HasPrefix(u, "http://127.0.0.1:0/") {
		t.Fatalf("first line = %q, want \"serving at http://127.0.0.1:PORT/repo/\"", p.first)
	}
	return p, u
}

// sseEvent is one Server-Sent Event.
type sseEvent struct{ name, data string }

func (e sseEvent) String() string { return e.name + " " + e.data }

// list decodes the event's data, a JSON list of strings.
func (e sseEvent) list(t *testing.T) []string {
	t.Helper()
	var l []string
	if err := json.Unmarshal([]byte(e.data), &l); err != nil {
		t.Fatalf("event %s: data %q is not a JSON list of strings: %v", e.name, e.data, err)
	}
	return l
}

// openEvents opens the event stream at url with a plain HTTP client. The
// channel is closed when the stream ends.
func openEvents(t *testing.T, url string) <-chan sseEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		resp.Body.Close()
		t.Fatalf("GET %s: %s, Content-Type %q; want 200 text/event-stream", url, resp.Status, resp.Header.Get("Content-Type"))
	}
	ch := make(chan sseEvent, 64)
	go func() {
		defer close(ch)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" {
					select {
					case ch <- ev:
					case <-ctx.Done():
						return
					}
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "event:"):
				ev.name = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:"):
				ev.data += strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " ")
			}
		}
	}()
	return ch
}

// waitEvent returns the first of events that match accepts, skipping
// the others, and fails the test if none arrives within eventTimeout.
func (p *folioProc) waitEvent(t *testing.T, events <-chan sseEvent, what string, match func(sseEvent) bool) sseEvent {
	t.Helper()
	timeout := time.NewTimer(eventTimeout)
	defer timeout.Stop()
	var seen []string
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("event stream ended while waiting for %s; saw %q\nstderr:\n%s", what, seen, p.stderr)
			}
			if match(ev) {
				return ev
			}
			seen = append(seen, ev.String())
		case <-timeout.C:
			t.Fatalf("no %s within %v; saw %q\nstderr:\n%s", what, eventTimeout, seen, p.stderr)
		}
	}
}

// reloadOf matches a reload event that lists the URL path want.
func reloadOf(t *testing.T, want string) func(sseEvent) bool {
	return func(ev sseEvent) bool {
		return ev.name == "reload" && slices.Contains(ev.list(t), want)
	}
}

// get fetches url without following redirects.
func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp, string(body)
}

// getPage fetches url, wants status code, and checks that the body
// contains every one of lines, or, for a line starting with "! ", not the
// rest of it.
func getPage(t *testing.T, url string, code int, lines ...string) string {
	t.Helper()
	resp, body := get(t, url)
	if resp.StatusCode != code {
		t.Fatalf("GET %s: %s, want %d\n%s", url, resp.Status, code, body)
	}
	for _, l := range lines {
		if s, ok := strings.CutPrefix(l, "! "); ok {
			if strings.Contains(body, s) {
				t.Errorf("GET %s: body contains %q, want it not to", url, s)
			}
		} else if !strings.Contains(body, l) {
			t.Errorf("GET %s: body does not contain %q", url, l)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return body
}

func TestServeRebuildsAndAnnounces(t *testing.T) {
	root := writeSite(t, liveSite)
	p, site := startServe(t, root)
	const script = `<script src="/repo/_folio/reload.js" defer></script>`
	doc := site + docPath

	getPage(t, site, http.StatusOK, "<h1", oldTitle, "生成式人工智能服务管理暂行办法", script)
	getPage(t, site+"tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/", http.StatusOK, "人工智能", oldTitle, "人工智能生成合成内容标识办法", script)
	getPage(t, site+"nope/", http.StatusNotFound, "页面不存在", script)
	getPage(t, doc, http.StatusOK, "<h1>"+oldTitle+"</h1>", script, "! folio-error-overlay")
	getPage(t, site+"_folio/reload.js", http.StatusOK, "EventSource")
	resp, _ := get(t, strings.TrimSuffix(site, "repo/"))
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || loc != "/repo/" {
		t.Fatalf("GET /: %s, Location %q; want 302 to /repo/", resp.Status, loc)
	}

	events := openEvents(t, site+"_folio/events")
	p.waitEvent(t, events, "hello event", func(ev sseEvent) bool { return ev.name == "hello" })
	p.waitEvent(t, events, "first errors event", func(ev sseEvent) bool { return ev.name == "errors" && ev.data == "[]" })

	// An edit announces the document's page and serves it rebuilt.
	editFile(t, root, docFile, "title: "+oldTitle, "title: "+newTitle)
	p.waitEvent(t, events, "reload event listing /repo/"+docPath, reloadOf(t, "/repo/"+docPath))
	getPage(t, doc, http.StatusOK, "<h1>"+newTitle+"</h1>", "! "+oldTitle)

	// An edit of the text alone is previewed: the pages it changes are
	// announced by themselves, before the build that follows has made
	// the search index again, which the build then announces.
	editFile(t, root, docFile, "进行第二十次集体学习。", "进行第二十次集体学习，研究人工智能。")
	first := p.waitEvent(t, events, "reload event listing /repo/"+docPath, reloadOf(t, "/repo/"+docPath))
	for _, u := range first.list(t) {
		if !strings.HasSuffix(u, "/") {
			t.Errorf("the first reload after a text edit lists %s, not only pages: it was not a preview", u)
		}
	}
	getPage(t, doc, http.StatusOK, "研究人工智能")
	p.waitEvent(t, events, "reload event listing the search index", func(ev sseEvent) bool {
		return ev.name == "reload" && slices.ContainsFunc(ev.list(t), func(u string) bool { return strings.HasPrefix(u, "/repo/search/") })
	})

	// A broken document: its diagnostic is announced and overlaid on every
	// page, while the last good build is still served.
	editFile(t, root, docFile, goodAuthor, badAuthor)
	ev := p.waitEvent(t, events, "errors event", func(ev sseEvent) bool { return ev.name == "errors" && ev.data != "[]" })
	if got := ev.list(t); !slices.Contains(got, badDiag) {
		t.Fatalf("errors event lists %q, want %q", got, badDiag)
	}
	overlay := []string{`id="folio-error-overlay"`, html.EscapeString(badDiag), script}
	getPage(t, doc, http.StatusOK, append(overlay, "<h1>"+newTitle+"</h1>", "人民日报")...)
	getPage(t, site, http.StatusOK, append(overlay, newTitle)...)
	getPage(t, site+"nope/", http.StatusNotFound, overlay...)

	// Fixed: the overlay is cleared everywhere.
	editFile(t, root, docFile, badAuthor, goodAuthor)
	p.waitEvent(t, events, "errors event clearing the overlay", func(ev sseEvent) bool { return ev.name == "errors" && ev.data == "[]" })
	getPage(t, doc, http.StatusOK, "<h1>"+newTitle+"</h1>", script, "! folio-error-overlay")
	getPage(t, site, http.StatusOK, newTitle, "! folio-error-overlay")

	// Cancelling the context stops serve promptly, open streams included.
	code, took := p.stop(t)
	if code != 0 {
		t.Fatalf("folio serve exited with %d after cancel, want 0\nstderr:\n%s", code, p.stderr)
	}
	if took > 3*time.Second {
		t.Errorf("folio serve took %v to stop after cancel, want under 3s", took)
	}
	select {
	case <-drain(events):
	case <-time.After(eventTimeout):
		t.Fatal("event stream still open after serve stopped")
	}
	if s := p.stderr.String(); !strings.Contains(s, badDiag) {
		t.Errorf("stderr does not print the diagnostic %q:\n%s", badDiag, s)
	}
}

// drain discards events and closes the returned channel when the stream ends.
func drain(events <-chan sseEvent) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		for range events {
		}
		close(done)
	}()
	return done
}

func TestBuildOutputHasNoReloadScript(t *testing.T) {
	root := writeSite(t, liveSite)
	out := filepath.Join(t.TempDir(), "out")
	var stdout, stderr bytes.Buffer
	if code := cli.Main(context.Background(), []string{"build", "--source", root, "--dest", out, "--base-url", "https://user.github.io/repo/"}, &stdout, &stderr); code != 0 {
		t.Fatalf("folio build: exit %d\n%s", code, stderr.String())
	}
	pages := 0
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		if strings.Contains(rel, "_folio") {
			t.Errorf("output has %s", rel)
		}
		if d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".html") {
			pages++
		}
		if bytes.Contains(data, []byte("_folio")) || bytes.Contains(data, []byte("folio-error-overlay")) || bytes.Contains(data, []byte("EventSource")) {
			t.Errorf("%s contains live reload code", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages < 5 {
		t.Fatalf("output has %d HTML pages, want at least 5", pages)
	}
}

func TestWatchCommandRebuilds(t *testing.T) {
	root := writeSite(t, liveSite)
	out := filepath.Join(t.TempDir(), "out")
	p := startFolio(t, "watch", "--source", root, "--dest", out)
	if !strings.HasPrefix(p.first, "watching ") {
		t.Fatalf("first line = %q, want \"watching …\"", p.first)
	}
	page := filepath.Join(out, filepath.FromSlash(docPath), "index.html")

	// builtUntil waits for "built" lines until done reports true after one.
	builtUntil := func(within time.Duration, done func() bool) bool {
		timeout := time.NewTimer(within)
		defer timeout.Stop()
		for {
			select {
			case line := <-p.lines:
				if strings.HasPrefix(line, "built ") && done() {
					return true
				}
			case <-timeout.C:
				return false
			}
		}
	}
	contains := func(name, s string) func() bool {
		return func() bool {
			data, err := os.ReadFile(name)
			return err == nil && strings.Contains(string(data), s)
		}
	}

	if !builtUntil(eventTimeout, contains(page, oldTitle)) {
		t.Fatalf("first build did not write %s\nstdout:\n%s\nstderr:\n%s", page, p.stdout, p.stderr)
	}

	editFile(t, root, docFile, "title: "+oldTitle, "title: "+newTitle)
	if !builtUntil(eventTimeout, contains(page, newTitle)) {
		t.Fatalf("%s does not show the new title after a rebuild\nstdout:\n%s\nstderr:\n%s", page, p.stdout, p.stderr)
	}
	if !contains(filepath.Join(out, "index.html"), newTitle)() {
		t.Errorf("index.html does not list the new title")
	}
	if contains(page, "_folio")() {
		t.Errorf("folio watch wrote the live reload script into %s", page)
	}
	if code, _ := p.stop(t); code != 0 {
		t.Fatalf("folio watch exited with %d after cancel, want 0\nstderr:\n%s", code, p.stderr)
	}
}
