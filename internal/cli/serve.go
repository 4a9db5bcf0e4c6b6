package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/folio-ssg/folio/internal/build"
	"github.com/folio-ssg/folio/internal/diag"
	"github.com/folio-ssg/folio/internal/serve"
	"github.com/folio-ssg/folio/internal/watch"
)

// rebuildLoop starts watching, builds once, then rebuilds after every batch
// of changes until ctx is cancelled. Watching starts first, so a change made
// while the first build runs is not missed. done is called after each build
// with its result or error, never concurrently.
func rebuildLoop(ctx context.Context, e *env, b *build.Builder, cfg build.Config, poll bool, done func(*build.Result, error)) error {
	var ignore []string
	if rel, err := filepath.Rel(cfg.Source, cfg.Dest); err == nil && filepath.IsLocal(rel) {
		ignore = append(ignore, filepath.ToSlash(rel))
	}
	r := newRebuilder(b, func(res *build.Result, err error) {
		if err == nil {
			e.log.Info("built", "rendered", res.Rendered, "written", res.Written, "took", res.Duration.Round(time.Millisecond))
		}
		done(res, err)
	})
	ready := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- watch.Run(ctx, watch.Config{Root: cfg.Source, Ignore: ignore, Poll: poll, Logger: e.log, Ready: func() { close(ready) },
			Problem: func(err error) { fmt.Fprintf(e.stderr, "folio: warning: %v\n", err) }},
			r.batch)
	}()
	select {
	case <-ready:
	case err := <-errc:
		return err
	}
	go r.run(ctx)
	r.kick()
	return <-errc
}

// builder is what a rebuilder drives: a *build.Builder.
type builder interface {
	Build(context.Context) (*build.Result, error)
	Changed(paths []string)
}

// rebuilder runs one build at a time on its own goroutine. A batch of
// changes tells the builder what changed and cancels the build in flight,
// whose work the next build, which reads the newer batch too, would
// redo: the preview shows the latest save as soon as possible.
type rebuilder struct {
	b    builder
	done func(*build.Result, error)

	mu      sync.Mutex
	cancel  context.CancelFunc // the build in flight's, or nil
	pending chan struct{}      // a build is wanted
}

func newRebuilder(b builder, done func(*build.Result, error)) *rebuilder {
	return &rebuilder{b: b, done: done, pending: make(chan struct{}, 1)}
}

// batch is the watcher's callback: it returns at once.
func (r *rebuilder) batch(changes []watch.Change) {
	paths := make([]string, len(changes))
	for i, c := range changes {
		paths[i] = c.Path
	}
	r.b.Changed(paths)
	r.mu.Lock()
	if r.cancel != nil {
		r.cancel()
	}
	r.mu.Unlock()
	r.kick()
}

// kick asks for a build.
func (r *rebuilder) kick() {
	select {
	case r.pending <- struct{}{}:
	default: // one is asked for already
	}
}

// run builds whenever asked, until ctx is cancelled. A build cancelled by
// a newer batch reports nothing; one that finished reports even if a
// newer batch came as it ended, since its output was written.
func (r *rebuilder) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.pending:
		}
		bctx, cancel := context.WithCancel(ctx)
		r.mu.Lock()
		r.cancel = cancel
		r.mu.Unlock()
		res, err := r.b.Build(bctx)
		r.mu.Lock()
		r.cancel = nil
		r.mu.Unlock()
		superseded := bctx.Err() != nil
		cancel()
		if ctx.Err() != nil {
			return
		}
		if err != nil && superseded {
			continue // the next build is pending
		}
		r.done(res, err)
	}
}

// diagnostics renders a build error as the lines the overlay shows.
func diagnostics(err error) []string {
	var list diag.List
	if errors.As(err, &list) {
		out := make([]string, len(list))
		for i, d := range list {
			out[i] = d.Error()
		}
		return out
	}
	return []string{err.Error()}
}

func runServe(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("folio serve", flag.ContinueOnError)
	var bf buildFlags
	bf.register(fs, false)
	addr := fs.String("addr", "127.0.0.1:1313", "the address to serve on; port 0 picks a free port")
	poll := fs.Bool("poll", false, "poll for changes instead of using file system events")
	if !parse(fs, e, args) {
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(e.stderr, "folio serve: %v\n", err)
		return 1
	}
	defer ln.Close()
	local, _ := net.InterfaceAddrs() // only for a listener on all interfaces
	hosts, warning := listenHosts(*addr, ln.Addr(), local)
	if warning != "" {
		fmt.Fprintf(e.stderr, "folio serve: warning: %s\n", warning)
	}

	base := bf.baseURL
	if base == "" {
		base = "http://" + ln.Addr().String() + "/"
	}
	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" || u.Host == "" {
		fmt.Fprintf(e.stderr, "folio serve: --base-url %q: want an absolute URL\n", base)
		return 2
	}
	basePath := u.Path
	if !strings.HasSuffix(basePath, "/") {
		basePath += "/"
	}

	dest, err := os.MkdirTemp("", "folio-serve-")
	if err != nil {
		fmt.Fprintf(e.stderr, "folio serve: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dest)

	cfg := bf.config(e)
	cfg.Dest, cfg.BaseURL, cfg.InPlace = dest, base, true
	var srv *serve.Server
	// An edit of a document's text reloads its page as soon as the page
	// is written, before the build has made the rest (the search index,
	// feeds); the build's own reload then names only what it changed.
	cfg.Previewed = func(changed []string) { srv.Reload(changed) }
	b := build.New(cfg)
	srv = serve.New(serve.Config{Root: os.DirFS(dest), BasePath: basePath, Hosts: hosts, Logger: e.log})

	// No ReadTimeout or WriteTimeout: they would end every live reload
	// stream, which sets a deadline for each event it writes instead.
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	hs.RegisterOnShutdown(srv.Close)
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	// Serve once the first build is done, so the printed URL never answers
	// with a bare 404 that has no reload script; until then, connections
	// wait in the listener's queue.
	var started sync.Once
	start := func() {
		go hs.Serve(ln)
		fmt.Fprintf(e.stdout, "serving at http://%s%s\n", ln.Addr(), basePath)
	}

	err = rebuildLoop(ctx, e, b, cfg, *poll, func(res *build.Result, err error) {
		if err != nil {
			msgs := diagnostics(err)
			for _, m := range msgs {
				fmt.Fprintln(e.stderr, m)
			}
			srv.SetErrors(msgs)
			started.Do(start)
			return
		}
		srv.SetErrors(nil)
		srv.Move(res.Moved)
		srv.Reload(res.Changed)
		started.Do(start)
		previewed := ""
		if res.Previewed > 0 {
			previewed = fmt.Sprintf(" (and %s shown first)", plural(res.Previewed, "page"))
		}
		fmt.Fprintf(e.stdout, "built %s: %s rendered%s, %s written in %s\n", plural(res.Docs, "document"), plural(res.Rendered, "page"), previewed, plural(res.Written, "file"), res.Duration.Round(time.Millisecond))
	})
	if err != nil && ctx.Err() == nil {
		fmt.Fprintf(e.stderr, "folio serve: %v\n", err)
		return 1
	}
	return 0
}

// listenHosts returns the hosts, besides loopback ones, that serve answers
// to when it listens on bound, asked for with --addr flagAddr, and a
// warning when that is beyond loopback. A host named in --addr is allowed,
// and so, on all interfaces, is every address in local, the machine's own.
func listenHosts(flagAddr string, bound net.Addr, local []net.Addr) (hosts []string, warning string) {
	ta, ok := bound.(*net.TCPAddr)
	if !ok || ta.IP.IsLoopback() {
		return nil, ""
	}
	hosts = []string{ta.IP.String()}
	if h, _, err := net.SplitHostPort(flagAddr); err == nil && h != "" {
		hosts = append(hosts, h)
	}
	if !ta.IP.IsUnspecified() {
		return hosts, fmt.Sprintf("listening on %s, not only on this machine; anyone on your network can read the preview", bound)
	}
	for _, a := range local {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() {
			hosts = append(hosts, n.IP.String())
		}
	}
	return hosts, fmt.Sprintf("listening on all interfaces (%s); anyone on your network can read the preview", bound)
}

func runWatch(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("folio watch", flag.ContinueOnError)
	var bf buildFlags
	bf.register(fs, true)
	poll := fs.Bool("poll", false, "poll for changes instead of using file system events")
	if !parse(fs, e, args) {
		return 2
	}
	cfg := bf.config(e)
	if cfg.Dest == "" {
		cfg.Dest = filepath.Join(cfg.Source, "public")
	}
	cfg.InPlace = true
	b := build.New(cfg)
	fmt.Fprintf(e.stdout, "watching %s, writing %s\n", cfg.Source, cfg.Dest)
	err := rebuildLoop(ctx, e, b, cfg, *poll, func(res *build.Result, err error) {
		if err != nil {
			for _, m := range diagnostics(err) {
				fmt.Fprintln(e.stderr, m)
			}
			fmt.Fprintln(e.stderr, "folio: build failed; the output keeps its last good version")
			return
		}
		fmt.Fprintf(e.stdout, "built %s: %s rendered, %s written in %s\n", plural(res.Docs, "document"), plural(res.Rendered, "page"), plural(res.Written, "file"), res.Duration.Round(time.Millisecond))
	})
	if err != nil && ctx.Err() == nil {
		fmt.Fprintf(e.stderr, "folio watch: %v\n", err)
		return 1
	}
	return 0
}
