// Package build turns a site folder into a static site:
//
//	load      walk content/, parse every document and convert its Markdown (in parallel)
//	assemble  place the documents into the site model (package site)
//	render    execute the templates for every page (in parallel)
//	write     write the pages, static/ and content assets into the output folder
//
// Each phase's errors are collected and reported together; a phase that
// fails stops the build before anything is written.
//
// # Output
//
// Build assembles the whole output in a temporary folder beside the
// destination and swaps it in only when everything succeeded, so a failed
// build leaves the previous output untouched. Output paths are checked to be
// clean relative paths, so nothing can be written outside the output
// folder; writes into an existing destination (in place, below) go
// through an os.Root, which also refuses to follow symlinks out of it.
// An existing destination is replaced only if it is empty or holds a
// previous build (an index.html at its root).
//
// A Builder keeps what it loaded between builds: a document whose bytes did
// not change is not parsed or converted again, and a page whose stamp
// (stamp.go) did not change is not rendered again. With Config.InPlace it
// writes into the destination directly and touches only files whose bytes
// changed, which is what folio serve and folio watch use; Builder.Changed
// lets their watcher say what changed, so nothing else is read. With
// Config.CacheDir (cache.go) what it keeps outlives the process.
//
// # Site layout
//
//	content/     the documents (package content); other files are copied as assets
//	templates/   templates overriding the default theme's, file by file
//	static/      files copied as they are, over the default theme's static/
//	folio.yaml   the site configuration (config.Site)
package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/folio-ssg/folio/internal/config"
	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/diag"
	"github.com/folio-ssg/folio/internal/markdown"
	"github.com/folio-ssg/folio/internal/render"
	"github.com/folio-ssg/folio/internal/search"
	"github.com/folio-ssg/folio/internal/site"
)

// Config says what to build. Source is required; the rest has defaults.
type Config struct {
	Source  string       // the site root: content/, templates/, static/, folio.yaml
	Dest    string       // the output folder; "" is Source/public
	BaseURL string       // overrides folio.yaml's base_url when set
	Drafts  bool         // include documents with draft: true
	Theme   fs.FS        // the default theme: templates/ and static/; nil for none
	Logger  *slog.Logger // nil discards
	Workers int          // parallelism; 0 is GOMAXPROCS
	InPlace bool         // write changed files into Dest instead of swapping a new folder in
	// DryRun does everything but write (folio check): Result.Checks holds
	// its findings, and documents that fail to load do not stop the rest
	// from being checked; Build then returns both a Result and the errors.
	DryRun bool
	Strict bool // fail, writing nothing, on any warning (GitHub Pages limits, tags merged by URL)
	// SourceDate is the time to write where a time is needed but the
	// content gives none (a feed without dated entries); zero falls back
	// to the newest dated document, then to 2000-01-01 (see package feed),
	// never 1970. The CLI sets it from SOURCE_DATE_EPOCH. folio never
	// writes the time it builds at.
	SourceDate time.Time
	// CacheDir is where the build cache is kept between runs (see
	// cache.go); "" keeps none. folio build and serve use .folio-cache in
	// the site root.
	CacheDir string
	// Progress, when set, is told how far the load and render phases
	// are, from any goroutine; it must be quick and safe for concurrent use.
	Progress func(Progress)
	// Previewed, when set on an in-place Builder (folio serve), lets a
	// build after an edit of documents' bodies write the pages the edit
	// changes first, and tells it which output files those were, before
	// the rest of the build (preview.go).
	Previewed func(changed []string)
}

// Progress is one step of a long phase: Done of Total items.
type Progress struct {
	Phase       string // "load" (content files) or "render" (pages)
	Done, Total int
}

// Phase is how long one phase of a build took.
type Phase struct {
	Name     string // load, assemble, render, write
	Duration time.Duration
}

// Result tells what a build did.
type Result struct {
	Docs     int      // documents published
	Drafts   int      // drafts left out
	Pages    int      // pages in the site
	Rendered int      // pages rendered by this build
	Files    int      // files in the output
	Written  int      // files whose bytes were written
	Changed  []string // output files written or removed, sorted
	Bytes    int64    // total size of the output
	Warnings []string // tags merged by URL; what GitHub Pages would refuse
	// Limits says how close the output is to what GitHub Pages publishes,
	// past 80% of a limit; unlike Warnings, they do not fail --strict.
	Limits  []string
	Assets  []string // content files published as they are ("content/img/a.png")
	Skipped []string // a code repository's files left out (README, package.json, *.py)
	Removed []string // what sanitizing raw HTML removed, one "path:line:col: …" each
	// Moved maps the site path of every document whose URL changed since
	// the Builder's last build to its new one ("/2025/04/旧/" -> "/2025/04/新/"),
	// so a preview can send an open page after its document.
	Moved    map[string]string
	Search   search.Stats   // the search index written (zero when search is off)
	Checks   []string       // with DryRun: what folio check reports besides warnings
	Duration time.Duration  // wall time
	Kinds    map[string]int // pages by kind (site.Kinds)
	Parsed   int            // content files parsed by this build; the rest were reused
	Read     int            // content files read by this build; stat showed the rest unchanged
	Phases   []Phase        // time per phase, in order
	// Previewed is how many page files a preview (Config.Previewed)
	// wrote ahead of this build, which then found them up to date.
	Previewed int
	// Unchanged says the build found the site and the output as its last
	// build left them (quick.go), and did nothing else; the counts are
	// that build's.
	Unchanged bool
	// Cache is why the build cache was not used, when it was there but
	// could not be trusted ("" when it was used or absent).
	Cache string
}

// Builder builds one site, again and again.
type Builder struct {
	cfg  Config
	conv *markdown.Converter
	log  *slog.Logger

	mu     sync.Mutex
	loaded map[string]*loaded // by site-relative path
	dest   *written           // what the destination holds, from the last commit
	// destFromCache says dest came from the build cache, not a commit of
	// this Builder's: serve or watch may have changed files since.
	destFromCache bool
	// destManifest is the digest of the destination's manifest when dest
	// says what it holds; spare is what the spare tree beside it holds
	// (spare.go), or nil.
	destManifest [32]byte
	spare        *spareState
	// adopted is set once an in-place Builder has read what its
	// destination held before its first build.
	adopted bool
	// fileWarnings are listFiles' findings for the output to report.
	fileWarnings []string
	// templateTimeout bounds the rendering of one page.
	templateTimeout time.Duration
	// urls is where each document (by source path) was at the last build.
	urls map[string]string
	// index is the search index of the last build and a digest of what it
	// was made from, reused while that is unchanged.
	index      map[string][]byte
	indexStats search.Stats
	indexSum   [32]byte
	indexFiles []string // the index's files, which the destination holds
	// indexState is what search.Update needs of that index to make the
	// next one from it, changing only the entries of documents edited.
	indexState *search.State
	// emitted is an index written straight into the output (folio
	// build), which becomes the one above when the output is committed.
	emitted *emittedIndex
	// hint is what changed since the last successful build, as Changed
	// was told; nil when anything may have changed (before the first
	// build, after folio.yaml changed, after a failed build).
	hintMu  sync.Mutex
	hint    *changes
	hinting bool // Changed was called: a watcher reports every change
	// The last build's templates and walk of content/, reused while the
	// hint says no template or content file changed.
	rnd    *render.Renderer
	rndKey string
	// keys numbers the keys pages read (dest.pages holds the numbers).
	keys     *keyTable
	lastScan *scanned
	// hold is how many bytes of changed files an in-place build holds in
	// memory before it stages them in the destination (heldBytes).
	hold int64
	// memory keeps the output in memory instead of writing it (tests set
	// it); dest.mem holds the output after each build.
	memory bool
	// cacheRead is set once the build cache has been read; cacheValid
	// when it could be trusted.
	cacheRead, cacheValid bool
	// cacheSum is the checksum of the cache file as this Builder read or
	// last wrote it; zero when it has none it trusts.
	cacheSum [32]byte
	// bodies holds the rendered bodies of documents (bodies.go): in a
	// file beside the build cache, or in memory when nil.
	bodies *bodyStore
	// last is what the last build assembled, kept for a preview of the
	// next edit (preview.go) when Config.Previewed is set.
	last *lastBuild
}

// loaded is one parsed content file, reused while its bytes are unchanged.
type loaded struct {
	sum [32]byte
	// stat is the file as stat saw it just before it was read, when the
	// system tells a change time; read is when that was (Unix ns).
	stat    fileStat
	read    int64
	stamped string // the parse stamp it was read with (see load)
	doc     *content.Doc
	front   [32]byte // render.FrontDigest(doc)
	units   int      // search.Measure of its title and text; 0 when not known
	body    body     // the rendered HTML, in b.bodies (bodies.go)
	links   []site.Link
	removed []string
	minutes int
	chars   int
	section *site.SectionInfo
	errs    diag.List
	// What the search index made of its text, kept by serve and watch
	// (InPlace) while the file is unchanged.
	prep search.Prep
}

// New returns a Builder for cfg.
func New(cfg Config) *Builder {
	if cfg.Dest == "" {
		cfg.Dest = filepath.Join(cfg.Source, "public")
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Builder{cfg: cfg, conv: markdown.New(), log: log, loaded: map[string]*loaded{}, dest: newWritten(), keys: newKeyTable(nil), hold: heldBytes}
}

// Build builds the site once with a new Builder.
func Build(ctx context.Context, cfg Config) (*Result, error) {
	return New(cfg).Build(ctx)
}

// changes is what changed in the site since a build.
type changes struct {
	content   map[string]bool // content files, by site-relative slash path
	templates bool
}

// scanned is one walk of content/.
type scanned struct {
	files, warnings []string
	known           map[string]bool // files, as site-relative paths
}

// holds reports whether the walk still lists the files of content/ after
// the changed paths: each is a file it found that is still a regular file
// of at most limit bytes (an edit). A file created, removed, replaced by
// anything else or grown past a limit needs a new walk, which reports it.
func (sc *scanned) holds(root string, changed map[string]bool, limit int64) bool {
	for p := range changed {
		if sc.cameAndWent(root, p) {
			continue
		}
		if !sc.knows(p) {
			return false
		}
		fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil || !fi.Mode().IsRegular() || fi.Size() > limit {
			return false
		}
	}
	return true
}

// knows reports whether the walk found the file p.
func (sc *scanned) knows(p string) bool {
	if sc.known == nil {
		sc.known = make(map[string]bool, len(sc.files))
		for _, f := range sc.files {
			sc.known["content/"+f] = true
		}
	}
	return sc.known[p]
}

// cameAndWent reports whether the changed path p is not there and was
// not when the walk was made, nor anything under it: a file that came and
// went between two builds, such as the temporary file an editor saves
// through, changed nothing.
func (sc *scanned) cameAndWent(root, p string) bool {
	if sc.knows(p) {
		return false
	}
	if _, err := os.Lstat(filepath.Join(root, filepath.FromSlash(p))); !errors.Is(err, fs.ErrNotExist) {
		return false
	}
	dir := strings.TrimPrefix(p, "content/") + "/"
	for _, f := range sc.files {
		if strings.HasPrefix(f, dir) {
			return false
		}
	}
	return true
}

// nonZero is n, or the largest int64 for 0 (no limit).
func nonZero(n int64) int64 {
	if n <= 0 {
		return math.MaxInt64
	}
	return n
}

// Changed tells the Builder which files of the site changed since its last
// build: slash paths relative to the site root, as the watcher reports
// them. The next Build then reads again only the content files named,
// parses the templates again only if one is named, and otherwise reuses
// what it holds; folio.yaml, or "." for anything, makes it read
// everything. A Builder that is never told reads everything every time.
// Changed may be called while a build runs; what it names is read by the
// next one.
func (b *Builder) Changed(paths []string) {
	b.hintMu.Lock()
	defer b.hintMu.Unlock()
	b.hinting = true
	if b.hint == nil {
		return // everything is read anyway
	}
	for _, p := range paths {
		top, _, _ := strings.Cut(p, "/")
		switch {
		case top == "content" && p != "content":
			b.hint.content[p] = true
		case top == "templates":
			b.hint.templates = true
		case top == "static":
			// static/ is listed on every build; nothing loaded depends on it.
		default: // folio.yaml, ".", content/ itself
			b.hint = nil
			return
		}
	}
}

// takeHint returns what changed since the last successful build and starts
// collecting anew; restore puts it back when the build fails.
func (b *Builder) takeHint() (h *changes, restore func()) {
	b.hintMu.Lock()
	defer b.hintMu.Unlock()
	h = b.hint
	if !b.hinting {
		h = nil
	}
	b.hint = &changes{content: map[string]bool{}}
	return h, func() {
		b.hintMu.Lock()
		defer b.hintMu.Unlock()
		if h == nil || b.hint == nil {
			b.hint = nil
			return
		}
		for p := range h.content {
			b.hint.content[p] = true
		}
		b.hint.templates = b.hint.templates || h.templates
	}
}

// Build runs every phase. On error nothing in the destination has changed.
func (b *Builder) Build(ctx context.Context) (*Result, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	hint, restore := b.takeHint()
	previewed := 0
	if hint != nil {
		previewed = b.preview(ctx, hint)
	}
	res, err := b.build(ctx, hint)
	if res != nil {
		res.Previewed = previewed
	}
	if err != nil {
		restore()
	}
	return res, err
}

func (b *Builder) build(ctx context.Context, hint *changes) (*Result, error) {
	start := time.Now()
	res := &Result{}
	mark := start
	phase := func(name string) {
		now := time.Now()
		res.Phases = append(res.Phases, Phase{name, now.Sub(mark)})
		mark = now
	}

	b.emitted = nil // an index a failed build wrote is gone with its output
	if hint == nil || hint.templates {
		// What the last build assembled is of no use to a preview once
		// templates or the configuration may have changed. After an
		// edit of content alone, it stays until this build is done:
		// a newer edit that cancels this build is previewed too.
		b.last = nil
	}
	if fi, err := os.Stat(b.cfg.Source); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("site root %s is not a folder", b.cfg.Source)
	}
	sc, err := config.Load(b.cfg.Source)
	if err != nil {
		return nil, err
	}
	if b.cfg.BaseURL != "" {
		sc.BaseURL = b.cfg.BaseURL
	}
	// Whether the destination holds files folio did not write takes a
	// walk of all of it, and matters only when it is replaced.
	var foreign *foreignWalk
	if !b.cfg.DryRun && !b.memory {
		var err error
		if foreign, err = b.checkDest(); err != nil {
			return nil, err
		}
	}
	// A folio build of a site nothing changed in stops here (quick.go);
	// any other writes the record for the next.
	quick := b.quickable(hint)
	if quick {
		if res := b.unchangedSince(sc); res != nil {
			b.log.Info("unchanged since the last build", "docs", res.Docs, "files", res.Files, "took", res.Duration.Round(time.Millisecond))
			return res, nil
		}
	}
	b.templateTimeout = sc.TemplateLimit()
	var scan func() contentScan
	if b.cfg.CacheDir != "" && !b.cacheRead {
		if err := b.checkCacheDir(); err != nil {
			return nil, err
		}
		// Reading the cache takes both cores for a while, and the walk
		// of content/ that load needs, one for less: it goes on beside.
		scan = startScan(sc.Files(b.cfg.Source), os.DirFS(b.cfg.Source))
		b.cacheRead = true
		res.Cache = b.fromCache()
		b.cacheValid = res.Cache == ""
		if res.Cache != "" {
			b.log.Warn(res.Cache)
		}
		if b.bodies == nil && !b.cfg.DryRun {
			// No cache to trust: a new body file (without one, the
			// bodies stay in memory).
			bodies, err := openBodies(b.cfg.CacheDir, bodyFilePrefix+"1", true)
			if err != nil {
				b.log.Warn(fmt.Sprintf("build cache: no body file, the documents' HTML is kept in memory: %v", err))
			}
			b.bodies = bodies
		}
	}
	if b.dest != nil {
		foreign.knownSince(b.destManifest, b.dest.committed)
	}
	if b.dest == nil || len(b.dest.sums) == 0 {
		// Without the destination's state from the last build, this one
		// replaces the destination: the walk starts at once, on the core
		// loading leaves. With it, the first file that changes starts it
		// (output.put), and a build that changes nothing walks nothing.
		foreign.start()
	}

	// Load and parse templates concurrently; the last build's templates
	// serve while none changed.
	rnd := b.rnd
	var rndErr error
	var wg sync.WaitGroup
	if key := fmt.Sprint(sc.Language, sc.Labels); hint == nil || hint.templates || rnd == nil || key != b.rndKey {
		// Templates are read as content is: regular files inside the site.
		if _, _, err := (content.Files{Root: b.cfg.Source, FollowOutside: sc.FollowSymlinks, MaxBytes: int64(sc.MaxFileMB) << 20}).Scan(os.DirFS(b.cfg.Source), "templates"); err != nil {
			return nil, err
		}
		b.rnd = nil
		wg.Go(func() {
			rnd, rndErr = render.New(render.Config{Theme: subFS(b.cfg.Theme, "templates"), Site: dirFS(b.cfg.Source, "templates"), Language: sc.Language, Labels: sc.Labels})
			if rndErr == nil {
				b.rnd, b.rndKey = rnd, key
			}
		})
	}
	lr, loadErr := b.load(ctx, sc, hint, scan)
	wg.Wait()
	phase("load")
	var errs diag.List
	errs.Append("content", loadErr)
	errs.Append("templates", rndErr)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// folio check goes on past the documents that failed, to report what
	// else it finds in the rest; a build stops here.
	var checkErrs diag.List
	if err := errs.Err(); err != nil {
		if !b.cfg.DryRun || lr == nil || rnd == nil {
			return nil, err
		}
		checkErrs = errs
	}
	res.Assets, res.Skipped, res.Removed, res.Parsed, res.Read = lr.assets, lr.skipped, lr.removed, lr.parsed, lr.read
	// A build that will save the cache (below) writes the content files
	// into it now, while it assembles and renders.
	var saving *cacheWriter
	if b.cfg.CacheDir != "" && !b.cfg.DryRun && (!b.cacheValid || (lr.parsed > 0 || lr.dropped || lr.restat) && !b.cfg.InPlace) {
		saving = b.startToCache()
	}
	defer saving.abort()

	var published []*site.Doc
	drafts := map[string]bool{}
	for _, d := range lr.docs {
		if d.Draft && !b.cfg.Drafts {
			res.Drafts++
			drafts[d.Doc.Path] = true
			continue
		}
		published = append(published, d)
	}
	files, err := b.listFiles(lr.assets, sc.Files(b.cfg.Source))
	if err != nil {
		return nil, err
	}
	outputs := make(map[string]bool, len(files))
	for _, f := range files {
		outputs["/"+f.dest] = true
	}
	s, err := site.New(site.Config{
		Title:     sc.Title,
		BaseURL:   sc.BaseURL,
		Language:  sc.Language,
		Permalink: sc.Permalink,
		PageSize:  sc.PageSize,
		Location:  sc.Location(),
		// Without a base URL the site is for opening from disk or moving
		// anywhere; with one, links are made under its path.
		RelativeURLs: sc.BaseURL == "",
		Files:        func(p string) bool { return outputs[p] },
		Search:       sc.SearchOn(),
		Facets:       sc.Facets,
		Drafts:       func(src string) bool { return drafts[src] },
	}, published, lr.sections)
	if err != nil {
		return nil, fmt.Errorf("assemble: %w", err)
	}
	res.Docs = len(s.Docs)
	// A site that suddenly has no documents (content/ emptied by a
	// checkout in progress, a mistyped move) is not published over the
	// last good output by serve or watch.
	if b.cfg.InPlace && len(s.Docs) == 0 && len(b.urls) > 0 {
		return nil, fmt.Errorf("content/ now holds no documents (the last build had %d): the output is left as it was; run folio build to publish an empty site", len(b.urls))
	}
	urls := make(map[string]string, len(s.Docs))
	for _, d := range s.Docs {
		urls[d.Doc.Path] = d.Path
		if old, ok := b.urls[d.Doc.Path]; ok && old != d.Path {
			if res.Moved == nil {
				res.Moved = map[string]string{}
			}
			res.Moved[old] = d.Path
		}
	}

	phase("assemble")
	// As many files as the last build's. (A cold build's maps grow as
	// they fill, and the peak of its memory comes before they are full.)
	out, err := b.openOutput(len(b.dest.sums), len(b.dest.pages))
	if err != nil {
		return nil, err
	}
	defer out.abort()
	out.foreign = foreign

	if err := b.copyFiles(ctx, out, files); err != nil {
		return nil, err
	}
	pages := s.Pages()
	res.Pages = len(pages)
	res.Kinds = map[string]int{}
	for _, p := range pages {
		res.Kinds[p.Kind]++
	}
	// The search index is built alongside the pages: it needs the site,
	// not them, and uses the cores the phases after rendering leave idle.
	searched := make(chan error, 1)
	sctx, stopSearch := context.WithCancel(ctx)
	if sc.SearchOn() {
		go func() { searched <- b.writeSearch(sctx, out, s, res) }()
	} else {
		searched <- nil
	}
	waitSearch := sync.OnceValue(func() error { return <-searched })
	defer func() {
		// A build that failed does not wait for the whole index; and
		// before out.abort, since the index is written into the output.
		stopSearch()
		waitSearch()
	}()
	// The catalog is made of the site alone. After a build that left
	// its pages, most are kept, and the catalog is made beside them, on
	// the core that leaves idle; after none (cold), the pages keep the
	// cores busy, and the catalog's rows (about 170 MB at 100,000
	// documents) would only add to the memory rendering takes.
	var catalog sync.WaitGroup
	var catalogErr error
	beside := len(out.prev.pages) > 0
	if beside {
		catalog.Go(func() { catalogErr = b.writeCatalog(out, s) })
	}
	defer catalog.Wait() // before out.abort: it writes into the output
	vals := render.NewValues(s, b.front)
	if err := b.renderPages(ctx, out, rnd, s, vals, pages, res); err != nil {
		return nil, err
	}
	phase("render")
	catalog.Wait()
	if !beside {
		catalogErr = b.writeCatalog(out, s)
	}
	if catalogErr != nil {
		return nil, catalogErr
	}
	var extra map[string][]byte
	var warned []string
	err = whileNotCancelled(ctx, func() (err error) {
		extra, warned, err = publishFiles(s, sc, publishConfig{sourceDate: b.cfg.SourceDate})
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, w := range warned {
		b.log.Warn(w) // not in Result.Warnings: a build without a base URL is a normal one
	}
	for _, name := range sortedKeys(extra) {
		if out.owned(name) {
			continue // the site's static/ has its own robots.txt or CNAME
		}
		if err := out.put(name, extra[name], "page /"+name); err != nil {
			return nil, fmt.Errorf("write: %w", err)
		}
	}
	if err := waitSearch(); err != nil {
		return nil, err
	}
	if err := b.bodies.failed(); err != nil {
		// A body that is not what was written: nothing loaded is
		// trusted again.
		b.loaded = map[string]*loaded{}
		return nil, err
	}
	if err := b.bodies.appendFailed(); err != nil {
		b.log.Warn(err.Error())
	}
	if b.cfg.DryRun {
		res.Checks = checkSite(s)
	}
	res.Warnings = append(slices.Clone(s.Warnings), out.warnings()...)
	res.Limits = out.nearing(len(s.Docs))
	if len(lr.skipped) > 0 {
		res.Warnings = append(res.Warnings, repoWarning(lr.skipped))
	}
	res.Warnings = append(res.Warnings, lr.warnings...)
	if b.cfg.Strict && len(res.Warnings) > 0 {
		return nil, fmt.Errorf("--strict: %s", strings.Join(res.Warnings, "; "))
	}
	man := manifest(out.names())
	if err := out.put(manifestFile, man, "page /"+manifestFile); err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	if err := out.commit(); err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	removed := make(chan error, 1)
	go func() { removed <- out.removeOld() }()
	b.dest, b.destFromCache = out.state(), false
	b.destManifest, b.spare = sha256.Sum256(man), out.newSpare
	if e := b.emitted; e != nil {
		b.indexStats, b.indexSum, b.indexFiles, b.indexState, b.emitted = e.stats, e.sum, e.files, e.state, nil
	}
	if !b.cfg.InPlace && !b.memory {
		// The destination holds the index now: the next build of this
		// Builder keeps its files while the index's inputs are unchanged
		// (keepIndex), and this one need not hold it while it saves the
		// cache.
		b.index = nil
	}
	res.Files, res.Written, res.Bytes, res.Changed = out.stats()
	b.urls = urls
	if b.cfg.InPlace && b.cfg.Previewed != nil && rnd != nil {
		rules := sc.Files(b.cfg.Source)
		b.last = &lastBuild{site: s, pages: pages, values: vals, rnd: rnd, stamp: parseStamp(sc), limit: min(nonZero(rules.MaxBytes), nonZero(rules.MaxDocBytes)),
			readers: b.keys.readers(b.dest.pages)}
	}
	// folio build saves the cache when anything changed; serve and watch,
	// which rebuild on every save, only after their first build.
	changed := res.Parsed > 0 || len(res.Changed) > 0 || lr.dropped || lr.restat
	if b.cfg.CacheDir != "" && !b.cfg.DryRun && (!b.cacheValid || changed && !b.cfg.InPlace) {
		if err := b.toCache(man, saving); err != nil {
			b.log.Warn(fmt.Sprintf("build cache not saved: %v", err))
		}
		b.cacheValid = true
	}
	if err := <-removed; err != nil {
		return nil, fmt.Errorf("write: removing the replaced output: %w", err)
	}
	if quick {
		if err := b.writeQuick(start, lr, man, res, warned); err != nil {
			b.log.Warn(fmt.Sprintf("build cache: quick record not saved: %v", err))
		}
	}
	phase("write")
	res.Duration = time.Since(start)
	b.log.Info("built", "docs", res.Docs, "pages", res.Pages, "rendered", res.Rendered, "written", res.Written, "took", res.Duration.Round(time.Millisecond))
	if len(checkErrs) > 0 {
		return res, checkErrs.Err() // DryRun: the findings and the errors both
	}
	return res, nil
}

// checkDest refuses destinations whose replacement would lose the site or
// unrelated files. Whether a destination to be replaced holds files folio
// did not write takes a walk of all of it: checkDest returns it, not
// started, or nil when none is needed.
func (b *Builder) checkDest() (*foreignWalk, error) {
	var none *foreignWalk
	src, err := filepath.Abs(b.cfg.Source)
	if err != nil {
		return nil, err
	}
	dst, err := filepath.Abs(b.cfg.Dest)
	if err != nil {
		return nil, err
	}
	// A symlinked destination is followed: the tree is swapped in where
	// it points, and the link stays.
	if fi, err := os.Lstat(dst); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		real, err := filepath.EvalSymlinks(dst)
		if err != nil { // a link to a folder not made yet
			target, err := os.Readlink(dst)
			if err != nil {
				return nil, fmt.Errorf("destination: %w", err)
			}
			if !filepath.IsAbs(target) {
				target = filepath.Join(filepath.Dir(dst), target)
			}
			real = filepath.Clean(target)
		}
		dst = real
		b.cfg.Dest = real
	}
	if rel, err := filepath.Rel(dst, src); err == nil && filepath.IsLocal(rel) {
		return nil, fmt.Errorf("destination %s contains the site root %s", b.cfg.Dest, b.cfg.Source)
	}
	for _, dir := range []string{"content", "templates", "static"} {
		if rel, err := filepath.Rel(filepath.Join(src, dir), dst); err == nil && filepath.IsLocal(rel) {
			return nil, fmt.Errorf("destination %s is inside %s/", b.cfg.Dest, dir)
		}
	}
	if b.cfg.InPlace && b.adopted {
		return none, nil
	}
	entries, err := os.ReadDir(dst)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			b.adopted = b.cfg.InPlace
			return none, nil
		}
		return nil, fmt.Errorf("destination: %w", err)
	}
	if len(entries) == 0 {
		if b.cfg.InPlace {
			return none, b.adopt(dst, nil)
		}
		return none, nil
	}
	own, manifestSum, err := readManifest(dst)
	if err != nil {
		return nil, fmt.Errorf("destination %s is not empty and holds no %s, so folio cannot tell which files are its own; refusing to replace it (empty it, or choose another --dest)", b.cfg.Dest, manifestFile)
	}
	if b.cfg.InPlace {
		return none, b.adopt(dst, own)
	}
	// Replacing the folder whole would take the files folio did not write
	// with it. The walk runs while the build goes on; the destination is
	// replaced only after its answer.
	w := &foreignWalk{dst: dst, shown: b.cfg.Dest, own: own, manifest: manifestSum, done: make(chan error, 1)}
	w.answer = sync.OnceValue(func() error { return <-w.done })
	return w, nil
}

// foreignWalk is the walk of a destination for files folio did not write.
type foreignWalk struct {
	dst, shown string
	own        map[string]bool // what its manifest names
	manifest   [32]byte        // the digest of the manifest
	// committed, when not zero, is when the build that wrote the
	// manifest committed the destination: only folders changed since
	// need to be read (foreignFiles).
	committed time.Time
	once      sync.Once
	done      chan error
	answer    func() error // the walk's answer, once it has one
}

// knownSince tells a walk not started yet that the destination whose
// manifest has the digest manifest was committed at committed.
func (w *foreignWalk) knownSince(manifest [32]byte, committed time.Time) {
	if w != nil && manifest == w.manifest {
		w.committed = committed
	}
}

// start starts the walk, once; on a nil walk it does nothing.
func (w *foreignWalk) start() {
	if w == nil {
		return
	}
	w.once.Do(func() {
		go func() {
			foreign, _ := foreignFiles(w.dst, w.own, w.committed)
			if len(foreign) == 0 {
				w.done <- nil
				return
			}
			more := ""
			if len(foreign) > 5 {
				foreign, more = foreign[:5], fmt.Sprintf(" and %d more", len(foreign)-5)
			}
			w.done <- fmt.Errorf("destination %s holds files folio did not write (%s%s); refusing to replace it: move them out, or build into another folder", w.shown, strings.Join(foreign, ", "), more)
		}()
	})
}

// wait starts the walk if it has not started, and gives its answer: nil,
// or the error that refuses the destination. A nil walk answers nil.
func (w *foreignWalk) wait() error {
	if w == nil {
		return nil
	}
	w.start()
	return w.answer()
}

// manifestFile lists, in every output folder, the files folio wrote there.
const manifestFile = ".folio-manifest"

// readManifest reads the manifest of dst: the files it names, and its
// digest.
func readManifest(dst string) (map[string]bool, [32]byte, error) {
	data, err := os.ReadFile(filepath.Join(dst, manifestFile))
	if err != nil {
		return nil, [32]byte{}, err
	}
	own := map[string]bool{}
	for _, name := range manifestNames(data) {
		own[name] = true
	}
	return own, sha256.Sum256(data), nil
}

func manifest(files []string) []byte {
	var b strings.Builder
	b.WriteString("# The files folio wrote here, which it alone may replace or remove.\n")
	for _, f := range files {
		if f != manifestFile {
			b.WriteString(f)
			b.WriteByte('\n')
		}
	}
	return []byte(b.String())
}

// foreignFiles lists the files under dst the manifest does not name.
//
// With the time the destination was committed, it reads only the folders
// whose change time is later (or within dirMargin before it): a file or
// folder created, removed or renamed in a folder changes the folder's
// change time, which no tool can set back (cp -p and rsync -a set
// modification times), so a folder changed no later than the commit
// holds what that build put there. A folder the manifest does not imply
// is walked whole. Without the time, or where the system does not tell
// change times, every folder is read. read is how many folders were read
// (-1 for all).
func foreignFiles(dst string, own map[string]bool, committed time.Time) (foreign []string, read int) {
	if committed.IsZero() || !ctimeKnown {
		foreign = walkForeign(dst, ".", own)
		slices.Sort(foreign)
		return foreign, -1
	}
	since := committed.UnixNano() - int64(dirMargin)
	dirs := map[string]bool{".": true}
	for name := range own {
		for d := path.Dir(name); !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	for d := range dirs {
		p := filepath.Join(dst, filepath.FromSlash(d))
		if ct, isDir := dirCtime(p); !isDir || ct < since {
			// Not a folder (its parent's entry shows what is there),
			// or no entry came or went since the commit.
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			continue // gone since: nothing in it to lose
		}
		read++
		for _, e := range entries {
			name := path.Join(d, e.Name())
			switch {
			case e.IsDir() && d == "." && name == stageDir:
				// what a killed serve or watch staged: folio's
			case e.IsDir() && !dirs[name]:
				foreign = append(foreign, walkForeign(dst, name, own)...)
			case !e.IsDir() && name != manifestFile && !own[name]:
				foreign = append(foreign, name)
			}
		}
	}
	slices.Sort(foreign)
	return foreign, read
}

// dirMargin is how long before a commit a folder's change time must be
// for foreignFiles to take it as the commit left it: more than the file
// system's clock tick, whole seconds included (see racyMargin).
var dirMargin = time.Duration(racyMarginCoarse)

// walkForeign lists the files under dst's folder dir (a slash path, "."
// for dst) the manifest does not name, as slash paths from dst.
func walkForeign(dst, dir string, own map[string]bool) []string {
	var foreign []string
	filepath.WalkDir(filepath.Join(dst, filepath.FromSlash(dir)), func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dst {
			return nil
		}
		rel, _ := filepath.Rel(dst, p)
		name := filepath.ToSlash(rel)
		if d.IsDir() {
			if name == stageDir {
				return fs.SkipDir // what a killed serve or watch staged: folio's
			}
			return nil
		}
		if name != manifestFile && !own[name] {
			foreign = append(foreign, name)
		}
		return nil
	})
	return foreign
}

// adopt records what an existing destination holds before the first build
// in place, so that build rewrites only what differs and removes what the
// site no longer has. Only the files of the manifest are folio's; any
// other (a .git of a deploy checkout, a user's notes) is left alone.
func (b *Builder) adopt(dst string, own map[string]bool) error {
	os.RemoveAll(filepath.Join(dst, stageDir)) // left by a killed serve or watch
	output, sizes := map[string][32]byte{}, map[string]int64{}
	for name := range own {
		if !validOutput(name) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dst, filepath.FromSlash(name)))
		if err != nil {
			continue // gone since: written again
		}
		output[name] = sha256.Sum256(data)
		sizes[name] = int64(len(data))
	}
	b.dest = &written{sums: output, sizes: sizes, pages: map[string]pageRec{}}
	b.adopted = true
	return nil
}

// load reads every content file, reusing what did not change since the last build.
//
// With a hint (see Changed) it reads only the files the hint names and
// those it has not loaded, and walks content/ again only if the hint names
// a content file.
func (b *Builder) load(ctx context.Context, sc *config.Site, hint *changes, scan func() contentScan) (*loadResult, error) {
	root := os.DirFS(b.cfg.Source)
	rules := sc.Files(b.cfg.Source)
	if fi, err := os.Stat(filepath.Join(b.cfg.Source, "content")); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("site root %s has no content/ folder: folio builds the documents in content/ (pass --source with the site root, or start one with folio new site)", b.cfg.Source)
	}
	var files, walkWarnings []string
	var walk contentScan // with the files' stats, when walked now
	if hint != nil && b.lastScan != nil && b.lastScan.holds(b.cfg.Source, hint.content, min(nonZero(rules.MaxBytes), nonZero(rules.MaxDocBytes))) {
		files, walkWarnings = b.lastScan.files, b.lastScan.warnings
	} else {
		if scan != nil {
			walk = scan() // started while the build cache was read
		} else {
			walk = scanContent(rules, root)
		}
		files, walkWarnings = walk.files, walk.warnings
		if err := walk.err; err != nil {
			b.lastScan = nil
			return nil, fmt.Errorf("load: %w", err)
		}
		b.lastScan = &scanned{files: files, warnings: walkWarnings}
	}
	ccfg := contentConfig(sc)
	stamp := parseStamp(sc)

	lr := &loadResult{sections: map[string]site.SectionInfo{}, warnings: walkWarnings, walked: walkDigest(files, walkWarnings)}
	var parsed, read atomic.Int64
	var restat atomic.Bool
	defer func() { lr.parsed, lr.read, lr.restat = int(parsed.Load()), int(read.Load()), restat.Load() }()
	var texts []string
	var walked []int // texts[i] is files[walked[i]], when walk holds the stats
	for i, f := range files {
		switch rules.Classify(f) {
		case content.KindAsset:
			lr.assets = append(lr.assets, "content/"+f)
		case content.KindRepo:
			lr.skipped = append(lr.skipped, "content/"+f)
		default:
			texts = append(texts, "content/"+f)
			if len(walk.stats) == len(files) {
				walked = append(walked, i)
			}
		}
	}
	lr.texts = texts
	results := make([]*loaded, len(texts))
	var ioErrs diag.List
	var mu sync.Mutex
	step := b.progress("load", len(texts))
	err := parallel(ctx, b.cfg.Workers, len(texts), func(i int) {
		defer step()
		p := texts[i]
		if old := b.loaded[p]; hint != nil && old != nil && !hint.content[p] {
			results[i] = old // not changed since it was read
			return
		}
		old := b.loaded[p]
		// What the walk's stat told of it, else a stat now.
		var st *fileStat
		at := int64(0)
		if walked != nil && walk.statOK[walked[i]] {
			st, at = &walk.stats[walked[i]], walk.at
		}
		f, err := b.readSource(root, p, stamp, old, st, at)
		if err != nil {
			mu.Lock()
			ioErrs.Append(p, err)
			mu.Unlock()
			return
		}
		if f.src == nil {
			results[i] = old // as it was read: not read again
			return
		}
		read.Add(1)
		if old != nil && old.sum == f.sum {
			if f.statOK {
				// Read again with the same bytes: its stat, if it was
				// not trusted, may be now (the cache is saved for it).
				old.stat, old.read = f.stat, f.read
				restat.Store(true)
			}
			results[i] = old
			return
		}
		results[i] = b.parseSource(p, f, stamp, ccfg, sc, rules.Classify(strings.TrimPrefix(p, "content/")) == content.KindSection)
		parsed.Add(1)
	})
	if err != nil {
		return nil, err
	}
	errs := ioErrs
	next := make(map[string]*loaded, len(texts))
	for i, l := range results {
		if l == nil {
			continue
		}
		next[texts[i]] = l
		errs = append(errs, l.errs...)
		switch {
		case l.section != nil:
			dir := strings.TrimPrefix(path.Dir(texts[i]), "content")
			lr.sections[strings.TrimPrefix(dir, "/")] = *l.section
		case l.doc != nil:
			lr.docs = append(lr.docs, &site.Doc{Doc: l.doc, HTMLFrom: b.htmlOf(l), Links: l.links, Minutes: l.minutes, Chars: l.chars, Sum: l.sum})
			lr.removed = append(lr.removed, l.removed...)
		}
	}
	lr.dropped = len(next) != len(b.loaded)
	b.loaded = next
	return lr, errs.Err()
}

// contentScan is a walk of content/ (content.Files.ScanInfo).
type contentScan struct {
	files, warnings []string
	err             error
	// stats is what stat told of each of files as the walk read it
	// (statOK), from at on (Unix ns, taken before the walk began).
	stats  []fileStat
	statOK []bool
	at     int64
}

// scanContent walks content/ under root.
func scanContent(rules content.Files, root fs.FS) contentScan {
	s := contentScan{at: time.Now().UnixNano()}
	var infos []fs.FileInfo
	s.files, infos, s.warnings, s.err = rules.ScanInfo(root, "content")
	s.stats, s.statOK = make([]fileStat, len(infos)), make([]bool, len(infos))
	for i, fi := range infos {
		s.stats[i], s.statOK[i] = statOf(fi)
	}
	return s
}

// startScan starts a walk of content/ under root and returns the function
// that waits for it.
func startScan(rules content.Files, root fs.FS) func() contentScan {
	done := make(chan contentScan, 1)
	go func() { done <- scanContent(rules, root) }()
	return sync.OnceValue(func() contentScan { return <-done })
}

// contentConfig is how content files of the site are parsed.
func contentConfig(sc *config.Site) content.Config {
	return content.Config{Location: sc.Location(), DateKeys: sc.DateKeys, Keys: sc.Keys, IDKey: sc.IDKey}
}

// parseStamp is everything parsing a content file depends on besides its
// bytes.
func parseStamp(sc *config.Site) string {
	return fmt.Sprintf("%v|%s|%v|%s|%s|%s", sc.DateKeys, sc.Timezone, sc.Keys, sc.HTML, sc.Language, sc.IDKey)
}

// source is a content file as readSource read it.
type source struct {
	src    []byte
	sum    [32]byte // of the parse stamp and src
	stat   fileStat
	statOK bool  // stat is known
	read   int64 // when it was stat'ed, just before it was read (Unix ns)
}

// readSource reads content file p, unless stat shows it is as old (the
// last build's) was read with stamp: then src is nil. st, when not nil, is
// what stat told of p at at (the walk of content/ stats every file it
// lists); else p is stat'ed now.
func (b *Builder) readSource(root fs.FS, p, stamp string, old *loaded, st *fileStat, at int64) (source, error) {
	f := source{read: at}
	if st != nil {
		f.stat, f.statOK = *st, true
	} else {
		f.read = time.Now().UnixNano()
		if fi, err := os.Stat(filepath.Join(b.cfg.Source, filepath.FromSlash(p))); err == nil {
			f.stat, f.statOK = statOf(fi)
		}
	}
	if old != nil && f.statOK && old.unchanged(f.stat, stamp) {
		return f, nil
	}
	src, err := fs.ReadFile(root, p)
	if err != nil {
		return f, err
	}
	if src == nil {
		src = []byte{}
	}
	f.src = src
	// The digest of stamp and src, without a copy of src.
	h := sha256.New()
	h.Write([]byte(stamp))
	h.Write(src)
	h.Sum(f.sum[:0])
	return f, nil
}

// parseSource parses a content file read by readSource with stamp.
func (b *Builder) parseSource(p string, f source, stamp string, ccfg content.Config, sc *config.Site, section bool) *loaded {
	l := b.parse(p, f.src, ccfg, sc, section)
	l.sum, l.read, l.stamped = f.sum, f.read, stamp
	if f.statOK {
		l.stat = f.stat
	}
	return l
}

// fileStat is what stat says of a content file. While a file's is the
// one recorded when it was read, it holds the bytes read then, provided
// its change time was older than the read by more than the file system's
// clock tick: a file changed again within the tick of its last change
// would show the same stat with other bytes (git's racy-file rule). The
// change time is what tools that restore a modification time (cp -p,
// rsync -a, touch -r) cannot set back, and the inode changes when a file
// is replaced.
type fileStat struct {
	Size, Mtime, Ctime int64
	Ino, Dev           uint64
}

// racyMargin is how much older than its read a file's change must be for
// its stat to be trusted: more than Linux's coarse file clock (a tick of
// 1–10 ms) where times have nanoseconds, two seconds where they are whole
// seconds (FAT, ext3). Variables for tests.
var (
	racyMargin       = int64(50 * time.Millisecond)
	racyMarginCoarse = int64(2*time.Second + 50*time.Millisecond)
)

// unchanged reports whether the file l was read from still holds what was
// read, as far as stat tells, and was read with the same parse stamp.
func (l *loaded) unchanged(st fileStat, stamp string) bool {
	return l.stat != (fileStat{}) && st == l.stat && l.stamped == stamp && trusted(st, l.read)
}

// htmlOf returns the function that reads l's rendered body: from the body
// file (where it may have moved since) or from memory.
func (b *Builder) htmlOf(l *loaded) func() []byte {
	return func() []byte { return b.bodies.get(l.body) }
}

// loadResult is what load found under content/.
type loadResult struct {
	docs     []*site.Doc
	sections map[string]site.SectionInfo
	assets   []string // content files published as they are
	skipped  []string // a repository's files, not published
	removed  []string // sanitizer removals, positioned
	warnings []string // symlinks followed out of the site root
	parsed   int      // files parsed, not reused
	read     int      // files read (the others stat showed unchanged)
	restat   bool     // files read again gave their bytes: their stat is new
	dropped  bool     // a file the last build loaded is gone
	texts    []string // the documents and _index files, in the walk's order
	walked   digest   // walkDigest of the walk
}

// parse reads one document or _index file and converts its Markdown.
func (b *Builder) parse(p string, src []byte, ccfg content.Config, sc *config.Site, section bool) *loaded {
	l := &loaded{}
	trust := sc.HTML == "trusted"
	if section {
		sec, err := content.ParseSection(p, src)
		if err != nil {
			l.errs.Append(p, err)
			return l
		}
		r, _ := b.conv.Convert(sec.Body, markdown.Options{Title: sec.Title, TrustHTML: trust})
		l.section = &site.SectionInfo{Title: sec.Title}
		if r != nil {
			l.section.Intro = r.HTML
		}
		return l
	}
	doc, errs := content.Parse(p, src, ccfg)
	l.errs = errs
	if doc == nil {
		return l
	}
	present := map[string]bool{}
	for _, k := range content.Keys {
		present[k.Name] = doc.Has(k.Name)
	}
	r, err := b.conv.Convert(doc.Body, markdown.Options{Title: doc.Title, Present: present, TrustHTML: trust, Links: true})
	// The Markdown is not needed once converted: at 100,000 documents it
	// would be a gigabyte kept to the end of the build.
	doc.Body = nil
	if err != nil {
		l.errs.Append(p, fmt.Errorf("markdown: %w", err))
		return l
	}
	if doc.Summary == "" {
		doc.Summary = r.Summary
	}
	if doc.Lang == "" {
		doc.Lang = detectLang(r.Chars, r.Words, sc.Language)
	}
	at := func(line, col int) diag.Position {
		return diag.Position{Path: p, Line: doc.BodyLine + line - 1, Col: col}
	}
	for _, rm := range r.Removed {
		l.removed = append(l.removed, fmt.Sprintf("%s: removed %s", at(rm.Line, rm.Col), rm.What))
	}
	for i, lk := range r.Links {
		l.links = append(l.links, site.Link{Dest: lk.Dest, Marker: markdown.LinkMarker(i), Pos: at(lk.Line, lk.Col)})
	}
	l.doc, l.minutes, l.chars = doc, markdown.ReadingMinutes(r.Chars, r.Words), r.Chars
	l.body = b.bodies.put(r.HTML)
	l.front = render.FrontDigest(doc)
	if sc.SearchOn() && !doc.NoSearch && !b.cfg.InPlace {
		// Measured here, on every core, and kept in the build cache, so
		// folio build's search index reads each text once
		// (search.Doc.Units). serve and watch keep each prepared text
		// instead (searchPrep) and have no use for it.
		l.units = search.Measure(doc.Title, search.TextFromHTML(r.HTML))
	}
	return l
}

// detectLang is the language of a document without a lang key, when it
// differs from the site's: one with words but no CJK characters in a
// Chinese site is English, one with CJK characters in a site of another
// language is Chinese. "" is the site's language.
func detectLang(chars, words int, siteLang string) string {
	zhSite := siteLang == "" || strings.HasPrefix(strings.ToLower(siteLang), "zh")
	switch {
	case zhSite && chars == 0 && words > 0:
		return "en"
	case !zhSite && chars > 0:
		return "zh"
	}
	return ""
}

// file is one file copied into the output as it is.
type file struct {
	fsys fs.FS
	name string // path in fsys
	dest string // output path
}

// listFiles lists the theme's static/, the site's static/ and the content
// assets, later ones over earlier ones.
func (b *Builder) listFiles(assets []string, rules content.Files) ([]file, error) {
	var files []file
	var warnings []string
	var errs diag.List
	add := func(fsys fs.FS, dir, strip string) error {
		if fsys == nil {
			return nil
		}
		return fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == dir && errors.Is(err, fs.ErrNotExist) {
					return fs.SkipAll
				}
				return err
			}
			if p != dir && (d.IsDir() && content.SkipDir(d.Name()) || !d.IsDir() && content.Skip(d.Name())) {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				// The output never holds symlinks (GitHub Pages refuses
				// them): a file's bytes are copied; a folder is skipped.
				// One that leads out of the site root is refused unless
				// follow_symlinks says otherwise.
				if target, out := rules.Outside(p); out {
					if !rules.FollowOutside {
						errs.Add(diag.Position{Path: p}, fmt.Sprintf("a symlink to %s, outside the site root: folio follows it only with follow_symlinks: true in folio.yaml", target))
						return nil
					}
				}
				if fi, err := fs.Stat(fsys, p); err != nil || fi.IsDir() {
					warnings = append(warnings, fmt.Sprintf("%s is a symlink to a folder or nothing; skipped", p))
					return nil
				}
				warnings = append(warnings, fmt.Sprintf("%s is a symlink; its target is copied into the output", p))
			}
			if !d.IsDir() {
				if fi, err := fs.Stat(fsys, p); err == nil && !fi.Mode().IsRegular() {
					errs.Add(diag.Position{Path: p}, "not a regular file: folio copies only regular files")
					return nil
				} else if err == nil && rules.MaxBytes > 0 && fi.Size() > rules.MaxBytes {
					errs.Add(diag.Position{Path: p}, fmt.Sprintf("%.1f MB, over the limit of %.0f MB a file (max_file_mb in folio.yaml)", float64(fi.Size())/(1<<20), float64(rules.MaxBytes)/(1<<20)))
					return nil
				}
				files = append(files, file{fsys, p, strings.TrimPrefix(p, strip)})
			}
			return nil
		})
	}
	if err := add(b.cfg.Theme, "static", "static/"); err != nil {
		return nil, fmt.Errorf("copy theme static: %w", err)
	}
	root := os.DirFS(b.cfg.Source)
	if err := add(root, "static", "static/"); err != nil {
		return nil, fmt.Errorf("copy static: %w", err)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	for _, a := range assets {
		files = append(files, file{root, a, strings.TrimPrefix(a, "content/")})
	}
	b.fileWarnings = warnings
	return files, nil
}

// copyFiles copies files into the output.
func (b *Builder) copyFiles(ctx context.Context, out *output, files []file) error {
	for _, w := range b.fileWarnings {
		out.warn(w)
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		data, err := fs.ReadFile(f.fsys, f.name)
		if err != nil {
			return fmt.Errorf("copy %s: %w", f.name, err)
		}
		if err := out.put(f.dest, data, f.name); err != nil {
			return err
		}
	}
	return nil
}

// writeSearch writes the search index of every document that does not
// opt out (search: false), reusing the last build's when no document it
// indexes changed.
func (b *Builder) writeSearch(ctx context.Context, out *output, s *site.Site, res *Result) error {
	h := sha256.New()
	var docs []*site.Doc
	for _, d := range s.Docs {
		if d.NoSearch {
			continue
		}
		docs = append(docs, d)
		h.Write(d.Sum[:])
		h.Write([]byte(d.Path + "\x00" + d.LinkTargets() + "\x00"))
	}
	var sum [32]byte
	h.Sum(sum[:0])
	if b.index == nil && b.indexFiles != nil && sum == b.indexSum && b.keepIndex(out) {
		res.Search = b.indexStats
		res.Search.Reused = res.Search.Docs
		return nil
	}
	made := b.index == nil || sum != b.indexSum
	if made {
		in := make([]search.Doc, len(docs))
		err := parallel(ctx, b.cfg.Workers, len(docs), func(i int) {
			d := docs[i]
			// The text is extracted as the index needs it, on every core.
			in[i] = search.Doc{URL: d.Path, Title: d.Title, TextFrom: func() string { return search.TextFromHTML(d.HTML()) }, Tags: d.Tags, Lang: d.Lang, Prep: b.searchPrep(d), TextKey: textKey(d)}
			if l := b.loaded[d.Doc.Path]; l != nil && l.doc == d.Doc {
				in[i].Units = l.units
			}
			switch {
			case d.Date.IsZero():
			case d.Date.Day() == 0:
				in[i].Date = d.Date.String() // "2025-04"
			default:
				in[i].Date = d.Date.Format(time.DateOnly)
			}
			facets := map[string][]string{}
			for _, k := range []string{"source", "author"} {
				if v := d.Value(k); v != "" {
					facets[k] = []string{v}
				}
			}
			if len(facets) > 0 {
				in[i].Facets = facets
			}
		})
		if err != nil {
			return err
		}
		var files map[string][]byte
		var stats search.Stats
		var state *search.State
		var cfg search.Config
		var names []string
		var namesMu sync.Mutex
		named := func(name string) {
			namesMu.Lock()
			names = append(names, name)
			namesMu.Unlock()
		}
		// The last index gives the entries of the documents not edited
		// since (search.Update): from the destination, each file read
		// checked against its digest, or from memory.
		prior := search.Prior{State: b.indexState}
		if !b.cfg.InPlace {
			// folio build writes each file of the index as it is made
			// and holds none; serve and watch keep the index for the
			// next build, which writes it again while it is unchanged.
			// Build runs here, not beside a cancelled build: nothing
			// is written into the output once this returns.
			cfg.Emit = func(name string, data []byte) error {
				if err := ctx.Err(); err != nil {
					return err
				}
				named(name)
				return out.put(name, data, "the search index")
			}
			if b.indexFiles != nil {
				prior.Read = out.readPrev
				prior.Keep = func(name string) (bool, error) {
					kept, err := out.keep(name, "the search index")
					if kept {
						named(name)
					}
					return kept, err
				}
			}
			files, stats, state, err = search.Update(in, cfg, prior)
		} else {
			if last := b.index; last != nil {
				prior.Read = func(name string) ([]byte, error) {
					if data, ok := last[name]; ok {
						return data, nil
					}
					return nil, fmt.Errorf("%s: not in the last index", name)
				}
			}
			err = whileNotCancelled(ctx, func() (err error) {
				files, stats, state, err = search.Update(in, cfg, prior)
				return err
			})
		}
		if err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		if cfg.Emit != nil {
			// The destination holds this index only once the output is
			// committed; until then no build may keep what it holds.
			slices.Sort(names)
			names = slices.Compact(names) // kept, then emitted after all
			b.index, b.indexSum, b.indexFiles = nil, [32]byte{}, nil
			b.emitted = &emittedIndex{sum: sum, stats: stats, files: names, state: state}
			res.Search = stats
			return nil
		}
		b.index, b.indexStats, b.indexSum, b.indexFiles, b.indexState = files, stats, sum, sortedKeys(files), state
	}
	for _, name := range sortedKeys(b.index) {
		if err := out.put(name, b.index[name], "the search index"); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	res.Search = b.indexStats
	if !made {
		res.Search.Reused = res.Search.Docs // the last index, unchanged
	}
	return nil
}

// emittedIndex is a search index written into an output as it was made.
type emittedIndex struct {
	sum   [32]byte
	stats search.Stats
	files []string
	state *search.State
}

// textKey identifies the text the search index reads of d: its source
// (and what parses it) and where its links lead.
func textKey(d *site.Doc) [32]byte {
	h := sha256.New()
	h.Write(d.Sum[:])
	h.Write([]byte(d.LinkTargets()))
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// searchPrep is where the search index keeps what it made of a
// document's text: folio serve and watch (InPlace) keep it with what was
// loaded, so a rebuild prepares only the texts of the documents that
// changed; a single build does not hold every text to its end.
func (b *Builder) searchPrep(d *site.Doc) *search.Prep {
	l := b.loaded[d.Doc.Path]
	if l == nil || l.doc != d.Doc || !b.cfg.InPlace {
		return nil
	}
	return &l.prep
}

// keepIndex keeps the search index the destination holds (from the build
// cache), reporting false when any of its files is not as written.
func (b *Builder) keepIndex(out *output) bool {
	for _, name := range b.indexFiles {
		kept, err := out.keep(name, "the search index")
		if err != nil || !kept {
			return false
		}
	}
	return true
}

// checkCacheDir refuses a cache folder inside the output or the folders
// folio reads.
func (b *Builder) checkCacheDir() error {
	dir, err := filepath.Abs(b.cfg.CacheDir)
	if err != nil {
		return err
	}
	src, _ := filepath.Abs(b.cfg.Source)
	dst, _ := filepath.Abs(b.cfg.Dest)
	for _, p := range []string{dst, filepath.Join(src, "content"), filepath.Join(src, "templates"), filepath.Join(src, "static")} {
		if rel, err := filepath.Rel(p, dir); err == nil && filepath.IsLocal(rel) || dir == p {
			return fmt.Errorf("cache folder %s is inside %s: choose one outside the output and content/, templates/, static/", b.cfg.CacheDir, p)
		}
	}
	return nil
}

// repoWarning tells a curator who dropped a code repository into content/
// what folio left out and what to do.
func repoWarning(skipped []string) string {
	list := skipped
	more := ""
	if len(list) > 5 {
		list, more = list[:5], fmt.Sprintf(" and %d more", len(skipped)-5)
	}
	return fmt.Sprintf("content/ holds %d files of a code repository that are not published (%s%s): "+
		"list them under exclude: in folio.yaml to silence this, under include: to publish them, "+
		"or keep the repository elsewhere and copy or link only its documents into content/",
		len(skipped), strings.Join(list, ", "), more)
}

// renderPages renders every page whose inputs changed and hands it to out.
// A page is kept when the keys its templates read the last time it was
// rendered give the stamp it was rendered with (see stampPage).
func (b *Builder) renderPages(ctx context.Context, out *output, rnd *render.Renderer, s *site.Site, vals *render.Values, pages []*site.Page, res *Result) error {
	var errs diag.List
	var mu sync.Mutex
	rendered := make([]bool, len(pages))
	kv := newKeyValues(b.keys, vals)
	step := b.progress("render", len(pages))
	err := parallel(ctx, b.cfg.Workers, len(pages), func(i int) {
		defer step()
		p := pages[i]
		tmpl := rnd.Digest(p.Kind)
		if old, ok := out.prev.pages[p.Output]; ok && out.has(p.Output) {
			if b.keys.known(old.Deps) && stampPage(s, p, tmpl, old.Deps, kv) == old.Stamp {
				kept, err := out.keep(p.Output, "page "+p.Path)
				if err != nil {
					mu.Lock()
					errs.Append(p.Output, err)
					mu.Unlock()
				}
				if kept {
					out.stamp(p.Output, old)
				}
				if kept || err != nil {
					return
				}
			}
		}
		buf, deps, err := renderTimed(ctx, rnd, s, p, b.templateTimeout, out.lastSize(p.Output))
		if err != nil {
			mu.Lock()
			errs.Append(rnd.Template(p.Kind), fmt.Errorf("render %s: %w", p.Path, err))
			mu.Unlock()
			return
		}
		rendered[i] = true
		nums := b.keys.number(deps)
		out.stamp(p.Output, pageRec{Stamp: stampPage(s, p, tmpl, nums, kv), Deps: nums})
		if err := out.put(p.Output, buf.Bytes(), "page "+p.Path); err != nil {
			mu.Lock()
			errs.Append(p.Output, err)
			mu.Unlock()
		}
		if !out.holds(p.Output) {
			pagePool.Put(buf) // written or staged: the next page renders into it
		}
	})
	if err != nil {
		return err
	}
	if err := errs.Err(); err != nil {
		return err
	}
	for i := range pages {
		if rendered[i] {
			res.Rendered++
		}
	}
	return nil
}

// front is render.FrontDigest of a document, as worked out when it was
// loaded.
func (b *Builder) front(d *content.Doc) [32]byte {
	if l := b.loaded[d.Path]; l != nil && l.doc == d {
		return l.front
	}
	return render.FrontDigest(d)
}

// catalogNames are the files catalogFiles makes.
var catalogNames = []string{"catalog.csv", "catalog.json"}

// writeCatalog writes catalog.csv and catalog.json, or keeps the
// destination's when what they are made from is what they were made
// from: every published document's source (its sum, which covers the
// settings it was parsed with), in order, with its URL, and the base URL.
// What a row shows of other documents (a status from relations) comes
// from their sources too. The digest is kept as the files' stamp.
func (b *Builder) writeCatalog(out *output, s *site.Site) error {
	h := sha256.New()
	h.Write([]byte(s.Config.BaseURL + "\x00"))
	for _, d := range s.Docs {
		h.Write(d.Sum[:])
		h.Write([]byte(d.Doc.Path + "\x00" + d.Path + "\x00"))
	}
	var st pageStamp
	h.Sum(st[:0])
	var names []string
	for _, name := range catalogNames {
		if !out.owned(name) { // else the site's own static/catalog.csv
			names = append(names, name)
		}
	}
	keep := true
	for _, name := range names {
		old, ok := out.prev.pages[name]
		keep = keep && ok && old.Stamp == st && out.has(name) && out.intact(name)
	}
	kept := map[string]bool{}
	if keep {
		for _, name := range names {
			ok, err := out.keep(name, "page /"+name)
			if err != nil {
				return fmt.Errorf("write: %w", err)
			}
			if ok {
				kept[name] = true
				out.stamp(name, pageRec{Stamp: st})
			}
		}
	}
	if len(kept) == len(names) {
		return nil
	}
	catalog, err := catalogFiles(s)
	if err != nil {
		return err
	}
	for _, name := range names {
		if kept[name] {
			continue
		}
		if err := out.putParts(name, catalog[name], "page /"+name); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		out.stamp(name, pageRec{Stamp: st})
	}
	return nil
}

// progress returns the function to call as each of total items of phase
// is done, which tells Config.Progress.
func (b *Builder) progress(phase string, total int) func() {
	fn := b.cfg.Progress
	if fn == nil {
		return func() {}
	}
	var done atomic.Int64
	fn(Progress{Phase: phase, Total: total})
	return func() { fn(Progress{Phase: phase, Done: int(done.Add(1)), Total: total}) }
}

// whileNotCancelled runs fn, returning early with ctx's error when ctx is
// cancelled first (fn is left to end with the process).
func whileNotCancelled(ctx context.Context, fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// renderTimed renders one page into a buffer (from pagePool, of about size
// bytes), giving up when ctx is cancelled or the page's templates run
// longer than limit (a template that loops): the build fails at once with
// the template named, and a render left running ends with the process.
func renderTimed(ctx context.Context, rnd *render.Renderer, s *site.Site, p *site.Page, limit time.Duration, size int) (*bytes.Buffer, render.Deps, error) {
	type result struct {
		buf  *bytes.Buffer
		deps render.Deps
		err  error
	}
	done := make(chan result, 1)
	w := &pageWriter{buf: pagePool.Get().(*bytes.Buffer)}
	w.buf.Reset()
	w.buf.Grow(min(size, maxPageBytes))
	go func() {
		deps, err := rnd.RenderDeps(w, s, p)
		done <- result{w.buf, deps, err}
	}()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.buf, r.deps, r.err
	case <-ctx.Done():
		w.stop.Store(true)
		return nil, nil, ctx.Err()
	case <-timer.C:
		w.stop.Store(true)
		return nil, nil, fmt.Errorf("its templates ran longer than %s (template_timeout in folio.yaml): does a template loop?", limit)
	}
}

// pagePool holds the buffers of rendered pages the output has written
// and let go of (renderPages), for the pages after them: a cold build
// renders tens of thousands.
var pagePool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPageBytes bounds one rendered page: well above the largest file
// GitHub Pages serves (100 MB). A variable for a test.
var maxPageBytes = 128 << 20

// pageWriter is the buffer a page renders into. Its writes fail once the
// page's time is up or the build was cancelled, and past maxPageBytes: a
// template that writes without end stops at its next write, instead of
// growing its buffer in a goroutine nobody waits for until the process
// runs out of memory (under serve, save after save).
type pageWriter struct {
	buf  *bytes.Buffer
	stop atomic.Bool
}

func (w *pageWriter) Write(b []byte) (int, error) {
	if w.stop.Load() {
		return 0, errors.New("stopped: out of time")
	}
	if w.buf.Len()+len(b) > maxPageBytes {
		return 0, fmt.Errorf("the page is over the size limit of %d MB", maxPageBytes>>20)
	}
	return w.buf.Write(b)
}

// parallel calls fn(0…n-1) on workers goroutines and stops early when ctx
// is cancelled.
func parallel(ctx context.Context, workers, n int, fn func(i int)) error {
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range min(workers, max(n, 1)) {
		wg.Go(func() {
			for ctx.Err() == nil {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

func subFS(fsys fs.FS, dir string) fs.FS {
	if fsys == nil {
		return nil
	}
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return nil
	}
	return sub
}

func dirFS(root, dir string) fs.FS {
	p := filepath.Join(root, dir)
	if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
		return nil
	}
	return os.DirFS(p)
}

// sortedKeys is a helper for deterministic iteration.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
