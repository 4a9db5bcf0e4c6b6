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
	var mu sync.Mutex
	rebuild := func() {
		mu.Lock()
		defer mu.Unlock()
		start := time.Now()
		res, err := b.Build(ctx)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			e.log.Info("built", "rendered", res.Rendered, "written", res.Written, "took", time.Since(start).Round(time.Millisecond))
		}
		done(res, err)
	}
	var ignore []string
	if rel, err := filepath.Rel(cfg.Source, cfg.Dest); err == nil && filepath.IsLocal(rel) {
		ignore = append(ignore, filepath.ToSlash(rel))
	}
	ready := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- watch.Run(ctx, watch.Config{Root: cfg.Source, Ignore: ignore, Poll: poll, Logger: e.log, Ready: func() { close(ready) },
			Problem: func(err error) { fmt.Fprintf(e.stderr, "folio: warning: %v\n", err) }},
			func([]watch.Change) { rebuild() })
	}()
	select {
	case <-ready:
	case err := <-errc:
		return err
	}
	rebuild()
	return <-errc
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
	b := build.New(cfg)
	srv := serve.New(serve.Config{Root: os.DirFS(dest), BasePath: basePath, Hosts: hosts, Logger: e.log})

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
		fmt.Fprintf(e.stdout, "built %s: %s rendered, %s written in %s\n", plural(res.Docs, "document"), plural(res.Rendered, "page"), plural(res.Written, "file"), res.Duration.Round(time.Millisecond))
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
