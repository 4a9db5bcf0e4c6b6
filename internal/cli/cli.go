// Package cli is folio's command line: it parses flags, runs one
// subcommand and returns the process exit status.
//
//	folio build [--source DIR] [--dest DIR] [--base-url URL] [--drafts] [--strict] [--cache-dir DIR] [--no-cache] [-v] [--quiet]
//	folio serve [--source DIR] [--addr HOST:PORT] [--base-url URL] [--drafts] [--poll]
//	folio watch [--source DIR] [--dest DIR] [--base-url URL] [--drafts] [--poll]
//	folio linkcheck [--base-url URL] [DIR]
//	folio new site DIR
//	folio new doc [--source DIR] TITLE
//	folio version
//	folio help [COMMAND]
//
// Diagnostics go to stderr as "path:line:col: message" lines; the exit
// status is 1 when the build cannot be trusted and 2 for usage errors.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/folio-ssg/folio"
	"github.com/folio-ssg/folio/internal/build"
	"github.com/folio-ssg/folio/internal/config"
	"github.com/folio-ssg/folio/internal/diag"
	"github.com/folio-ssg/folio/internal/linkcheck"
	"github.com/folio-ssg/folio/internal/scaffold"
)

// version is stamped at release time with
// -ldflags "-X github.com/folio-ssg/folio/internal/cli.version=v1.2.3".
var version string

// Version is folio's version: the stamped one, else the module version from
// the build info ("go install …@v1.2.3"), else "(devel)".
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

type command struct {
	name, args, summary string
	run                 func(ctx context.Context, e *env, args []string) int
}

type env struct {
	stdout, stderr io.Writer
	log            *slog.Logger
}

func commands() []command {
	return []command{
		{"build", "[--source DIR] [--dest DIR] [--base-url URL] [--drafts] [--strict] [--cache-dir DIR] [--no-cache] [-v] [--quiet]", "build the site into the destination folder", runBuild},
		{"check", "[--source DIR] [--format text|json] [--strict]", "load and validate the site without writing it; exit 1 on errors", runCheck},
		{"serve", "[--source DIR] [--addr HOST:PORT] [--base-url URL] [--drafts] [--poll]", "build, serve with live reload, and rebuild on every change", runServe},
		{"watch", "[--source DIR] [--dest DIR] [--base-url URL] [--drafts] [--poll]", "build into the destination and rebuild on every change", runWatch},
		{"linkcheck", "[--base-url URL] [DIR]", "report broken internal links and assets in a built site (default DIR: public)", runLinkcheck},
		{"new", "site DIR | doc [--source DIR] TITLE", "create a new site, or a new document in a site", runNew},
		{"version", "", "print folio's version", runVersion},
		{"help", "[COMMAND]", "show help", runHelp},
	}
}

// Main runs folio with args (without the program name) and returns the
// exit status.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr, log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "-help" {
		name = "help"
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, e, args[1:])
		}
	}
	fmt.Fprintf(stderr, "folio: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "folio builds a static site from a folder of Markdown documents.\n\nUsage:\n\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  folio %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'folio help COMMAND' for a command's flags.\n")
}

func runHelp(_ context.Context, e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			fmt.Fprintf(e.stdout, "usage: folio %s %s\n\n%s\n", c.name, c.args, c.summary)
			if fs := flagsFor(c.name); fs != nil {
				fs.SetOutput(e.stdout)
				fmt.Fprintln(e.stdout)
				fs.PrintDefaults()
			}
			return 0
		}
	}
	fmt.Fprintf(e.stderr, "folio help: unknown command %q\n", args[0])
	return 2
}

func runVersion(_ context.Context, e *env, _ []string) int {
	fmt.Fprintf(e.stdout, "folio %s\n", Version())
	return 0
}

// buildFlags are the flags shared by the commands that build.
type buildFlags struct {
	source, dest, baseURL string
	drafts, verbose       bool
	strict                bool
	cacheDir              string
	noCache               bool
}

func (f *buildFlags) register(fs *flag.FlagSet, dest bool) {
	fs.StringVar(&f.source, "source", ".", "the site root: holds content/ and optionally templates/, static/, folio.yaml")
	if dest {
		fs.StringVar(&f.dest, "dest", "", "the output folder (default: public/ inside the site root)")
	}
	fs.StringVar(&f.baseURL, "base-url", "", "the URL the site is published at, e.g. https://user.github.io/repo/ (overrides folio.yaml)")
	fs.BoolVar(&f.drafts, "drafts", false, "include documents marked draft: true")
	fs.BoolVar(&f.verbose, "v", false, "log what each build does")
	fs.StringVar(&f.cacheDir, "cache-dir", "", "where to keep the build cache, so the next build redoes only what changed (default: .folio-cache in the site root)")
	fs.BoolVar(&f.noCache, "no-cache", false, "neither read nor write the build cache")
}

func (f *buildFlags) config(e *env) build.Config {
	cfg := build.Config{Source: f.source, Dest: f.dest, BaseURL: f.baseURL, Drafts: f.drafts, Theme: folio.Theme(), Logger: e.log}
	if !f.noCache {
		cfg.CacheDir = f.cacheDir
		if cfg.CacheDir == "" {
			cfg.CacheDir = filepath.Join(f.source, ".folio-cache")
		}
	}
	// SOURCE_DATE_EPOCH (reproducible-builds.org) dates what the content
	// leaves undated; folio never writes the time it runs at.
	if sec, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil {
		cfg.SourceDate = time.Unix(sec, 0).UTC()
	}
	if f.verbose {
		cfg.Logger = slog.New(slog.NewTextHandler(e.stderr, nil))
	}
	return cfg
}

func flagsFor(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("folio "+name, flag.ContinueOnError)
	var bf buildFlags
	switch name {
	case "build":
		bf.register(fs, true)
		buildOnly(fs, &bf, new(bool))
	case "serve":
		bf.register(fs, false)
		fs.String("addr", "127.0.0.1:1313", "the address to serve on; port 0 picks a free port")
		fs.Bool("poll", false, "poll for changes instead of using file system events")
	case "watch":
		bf.register(fs, true)
		fs.Bool("poll", false, "poll for changes instead of using file system events")
	case "linkcheck":
		fs.String("base-url", "", "the URL the site was built for")
	default:
		return nil
	}
	return fs
}

func parse(fs *flag.FlagSet, e *env, args []string) bool {
	fs.SetOutput(e.stderr)
	if err := fs.Parse(args); err != nil {
		return false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return false
	}
	return true
}

// buildOnly registers the flags only folio build has.
func buildOnly(fs *flag.FlagSet, bf *buildFlags, quiet *bool) {
	fs.BoolVar(&bf.strict, "strict", false, "fail on any warning: output beyond GitHub Pages limits, symlinks, tags merged by URL")
	fs.BoolVar(quiet, "quiet", false, "print nothing on success but warnings (errors still go to stderr)")
	fs.BoolVar(quiet, "q", false, "short for -quiet")
}

// runBuild builds once. On a terminal it shows progress on stderr while it
// works and ends with a summary; -v gives the summary anywhere, and
// -quiet leaves out both and the "built …" line.
func runBuild(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("folio build", flag.ContinueOnError)
	var bf buildFlags
	var quiet bool
	bf.register(fs, true)
	buildOnly(fs, &bf, &quiet)
	if !parse(fs, e, args) {
		return 2
	}
	cfg := bf.config(e)
	cfg.Strict = bf.strict
	// -v logs to stderr as the build goes, which a redrawn line would garble.
	showProgress := !quiet && !bf.verbose && isTerminal(e.stderr)
	showSummary := !quiet && (bf.verbose || isTerminal(e.stdout))
	var pr *progress
	if showProgress || showSummary {
		var w io.Writer
		if showProgress {
			w = e.stderr
		}
		pr = newProgress(w, time.Now, 200*time.Millisecond)
		cfg.Progress = pr.update
		if showProgress {
			// Warnings logged mid-build go above the line, not after it.
			cfg.Logger = slog.New(slog.NewTextHandler(pr.above(e.stderr), &slog.HandlerOptions{Level: slog.LevelWarn}))
		}
	}
	res, err := build.Build(ctx, cfg)
	if pr != nil {
		pr.clear()
	}
	if err != nil {
		return report(e, err)
	}
	dest := cfg.Dest
	if dest == "" {
		dest = filepath.Join(cfg.Source, "public")
	}
	drafts := ""
	if res.Drafts > 0 {
		drafts = fmt.Sprintf(" (%s left out)", plural(res.Drafts, "draft"))
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	for _, w := range res.Limits {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	if bf.verbose {
		for _, a := range res.Assets {
			fmt.Fprintf(e.stderr, "asset: %s\n", a)
		}
		for _, a := range res.Skipped {
			fmt.Fprintf(e.stderr, "not published: %s\n", a)
		}
		for _, r := range res.Removed {
			fmt.Fprintf(e.stderr, "sanitized: %s\n", r)
		}
	}
	if quiet {
		return 0
	}
	fmt.Fprintf(e.stdout, "built %s%s: %s, %s (%s) in %s → %s\n",
		plural(res.Docs, "document"), drafts, plural(res.Pages, "page"), plural(res.Files, "file"), size(res.Bytes), res.Duration.Round(time.Millisecond), dest)
	if len(res.Assets) > 0 {
		fmt.Fprintf(e.stdout, "  %s published as they are: %s\n", plural(len(res.Assets), "asset"), assetKinds(res.Assets))
	}
	if res.Search.Files > 0 {
		kept := ""
		if r := res.Search.Reused; r > 0 && r < res.Search.Docs {
			kept = fmt.Sprintf("; the entries of %s kept from the last build", thousands(r))
		}
		fmt.Fprintf(e.stdout, "  search index: %s in %s (%s)%s\n", plural(res.Search.Docs, "document"), plural(res.Search.Files, "file"), size(res.Search.Bytes), kept)
	}
	if len(res.Removed) > 0 {
		more := ""
		if !bf.verbose {
			more = "; -v lists them"
		}
		fmt.Fprintf(e.stdout, "  raw HTML sanitized: %s removed%s\n", plural(len(res.Removed), "element or attribute"), more)
	}
	if showSummary {
		for _, l := range summary(res, pr.phaseTotal("load")) {
			fmt.Fprintln(e.stdout, l)
		}
	}
	return 0
}

func runLinkcheck(_ context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("folio linkcheck", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	base := fs.String("base-url", "", "the URL the site was built for")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	dir := "public"
	if fs.NArg() > 1 {
		fmt.Fprintln(e.stderr, "usage: folio linkcheck [--base-url URL] [DIR]")
		return 2
	} else if fs.NArg() == 1 {
		dir = fs.Arg(0)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		fmt.Fprintf(e.stderr, "folio linkcheck: %s is not a folder\n", dir)
		return 1
	}
	r, err := linkcheck.Run(os.DirFS(dir), linkcheck.Config{BaseURL: *base})
	if err != nil {
		fmt.Fprintf(e.stderr, "folio linkcheck: %v\n", err)
		return 1
	}
	for _, p := range r.Problems {
		fmt.Fprintln(e.stdout, p)
	}
	checked := fmt.Sprintf("%s in %s and %s", plural(r.Links, "internal link"), plural(r.Pages, "page"), plural(r.Feeds, "XML file"))
	if len(r.Problems) > 0 {
		fmt.Fprintf(e.stderr, "folio linkcheck: %s among %s in %s\n", plural(len(r.Problems), "broken link"), checked, dir)
		return 1
	}
	fmt.Fprintf(e.stdout, "no broken links in %s: checked %s\n", dir, checked)
	return 0
}

func runNew(_ context.Context, e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "usage: folio new site DIR | folio new doc [--source DIR] TITLE")
		return 2
	}
	switch args[0] {
	case "site":
		if len(args) != 2 {
			fmt.Fprintln(e.stderr, "usage: folio new site DIR")
			return 2
		}
		files, err := scaffold.Site(args[1], Version(), time.Now())
		if err != nil {
			fmt.Fprintf(e.stderr, "folio: %v\n", err)
			return 1
		}
		for _, f := range files {
			fmt.Fprintf(e.stdout, "created %s\n", filepath.Join(args[1], f))
		}
		fmt.Fprintf(e.stdout, "\nnext: cd %s && folio build\n", args[1])
		return 0
	case "doc":
		fs := flag.NewFlagSet("folio new doc", flag.ContinueOnError)
		fs.SetOutput(e.stderr)
		source := fs.String("source", ".", "the site root")
		if err := fs.Parse(args[1:]); err != nil {
			return 2
		}
		if fs.NArg() != 1 {
			fmt.Fprintln(e.stderr, "usage: folio new doc [--source DIR] TITLE")
			return 2
		}
		sc, err := config.Load(*source)
		if err != nil {
			return report(e, err)
		}
		rel, err := scaffold.Doc(*source, fs.Arg(0), time.Now().In(sc.Location()))
		if err != nil {
			fmt.Fprintf(e.stderr, "folio: %v\n", err)
			return 1
		}
		fmt.Fprintf(e.stdout, "created %s\n", filepath.Join(*source, filepath.FromSlash(rel)))
		return 0
	}
	fmt.Fprintf(e.stderr, "folio new: unknown kind %q (want site or doc)\n", args[0])
	return 2
}

// report prints a build error: one diagnostic a line, then a count.
func report(e *env, err error) int {
	var list diag.List
	if errors.As(err, &list) {
		for _, d := range list {
			fmt.Fprintln(e.stderr, d)
		}
		n := len(list)
		fmt.Fprintf(e.stderr, "folio: %s; nothing was written\n", plural(n, "error"))
		return 1
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(e.stderr, "folio: interrupted; nothing was written")
		return 1
	}
	msg := err.Error()
	var d *diag.Error
	if errors.As(err, &d) {
		msg = d.Error()
	}
	fmt.Fprintln(e.stderr, strings.TrimSpace(msg))
	fmt.Fprintln(e.stderr, "folio: build failed; nothing was written")
	return 1
}

// assetKinds counts assets by extension: "3 .pdf, 2 .jpg, 1 other".
func assetKinds(assets []string) string {
	count := map[string]int{}
	for _, a := range assets {
		ext := strings.ToLower(path.Ext(a))
		if ext == "" {
			ext = "no extension"
		}
		count[ext]++
	}
	kinds := make([]string, 0, len(count))
	for k := range count {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		if count[kinds[i]] != count[kinds[j]] {
			return count[kinds[i]] > count[kinds[j]]
		}
		return kinds[i] < kinds[j]
	})
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%d %s", count[k], k)
	}
	return strings.Join(parts, ", ")
}

func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// plural is "1 document", "2 documents".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
