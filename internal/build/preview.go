package build

import (
	"context"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/folio-ssg/folio/internal/config"
	"github.com/folio-ssg/folio/internal/render"
	"github.com/folio-ssg/folio/internal/site"
)

// A preview is how folio serve shows an edit of a document's text before
// the build that follows it is done.
//
// A build assembles the whole site, checks every page's stamp, and makes
// the search index, feeds and catalog again: on a large site, seconds. But
// when every file of a batch is a document whose front matter reads as the
// last build read it (its summary aside) and whose links lead where they
// led, the site that build assembled is still the site, but for those
// documents' bodies. preview then swaps the new bodies in, finds the pages
// that recorded reading one of those documents (its page, its neighbours'
// and the lists that show it), checks their stamps, renders those whose
// stamp changed, writes them into the destination and tells
// Config.Previewed. The build that follows finds those pages up to date
// and makes the rest. Any other batch (a new or removed file, a front
// matter, template, _index.md or folio.yaml change, a parse error) is left
// to the build alone, and so is an edit whose pages fail to render.
//
// The pages a preview writes are the bytes the build would write: the
// same site, templates and stamps (TestPreviewWritesWhatTheBuildWould,
// TestPreviewsOfRandomEdits).

// lastBuild is what a build assembled, kept for a preview of the next
// edit. A preview changes its site in place; the next build drops it.
type lastBuild struct {
	site   *site.Site
	pages  []*site.Page
	values *render.Values
	rnd    *render.Renderer
	stamp  string // parseStamp of the configuration
	limit  int64  // the size above which a content file is not read
	// readers lists, by document source path, the page files that read
	// a key of the document (keyTable.readers).
	readers map[string][]string
}

// previewMax is the most documents a preview takes: a batch is one save,
// or a few.
const previewMax = 16

// bodyEdit is one document of a preview: as the last build had it, and
// read again.
type bodyEdit struct {
	path string
	d    *site.Doc // the last build's
	was  site.Doc  // d before the preview, to put back
	l    *loaded
}

// preview writes the pages an edit of documents' bodies changes, ahead
// of the build; see above. It returns how many pages it wrote.
func (b *Builder) preview(ctx context.Context, hint *changes) int {
	last := b.last
	if b.cfg.Previewed == nil || last == nil || hint.templates || len(hint.content) == 0 || len(hint.content) > previewMax {
		return 0
	}
	start := time.Now()
	sc, err := config.Load(b.cfg.Source)
	if err != nil || parseStamp(sc) != last.stamp {
		return 0
	}
	edits, ok := b.reread(sc, last, sortedKeys(hint.content))
	if !ok || len(edits) == 0 {
		return 0
	}
	// Every document's new body or none.
	for i, e := range edits {
		e.was = *e.d
		if !e.d.ReplaceBody(&site.Doc{Doc: e.l.doc, HTMLFrom: b.htmlOf(e.l), Links: e.l.links, Minutes: e.l.minutes, Chars: e.l.chars, Sum: e.l.sum}) {
			for _, done := range edits[:i] {
				*done.d = done.was
			}
			return 0
		}
		edits[i] = e
	}
	for _, e := range edits {
		b.loaded[e.path] = e.l // the build finds it read
	}

	names := b.pagesReading(last, edits)
	out, err := b.openOutput(len(names), len(names))
	if err != nil {
		return 0
	}
	defer out.abort()
	s, kv := last.site, newFewKeyValues(b.keys, last.values)
	var mu sync.Mutex
	failed := false
	err = parallel(ctx, b.cfg.Workers, len(names), func(i int) {
		name, p := names[i].name, names[i].page
		rec := b.dest.pages[name]
		tmpl := last.rnd.Digest(p.Kind)
		if stampPage(s, p, tmpl, rec.Deps, kv) == rec.Stamp {
			return
		}
		buf, deps, err := renderTimed(ctx, last.rnd, s, p, b.templateTimeout, out.lastSize(name))
		if err == nil {
			nums := b.keys.number(deps)
			out.stamp(name, pageRec{Stamp: stampPage(s, p, tmpl, nums, kv), Deps: nums})
			err = out.put(name, buf.Bytes(), "page "+p.Path)
		}
		if err != nil {
			mu.Lock()
			failed = true
			mu.Unlock()
		}
	})
	if err != nil || failed || ctx.Err() != nil {
		return 0 // the build says what is wrong
	}
	if err := out.commitPreview(); err != nil {
		b.log.Warn("preview: " + err.Error())
		return 0
	}
	// A page rendered again may read other documents now: the next
	// preview, if this build is cancelled, finds it under them too.
	for src, names := range b.keys.readers(out.pages) {
		last.readers[src] = append(last.readers[src], names...)
	}
	b.log.Info("previewed", "docs", len(edits), "pages", len(names), "written", len(out.changed), "took", time.Since(start).Round(time.Microsecond))
	b.cfg.Previewed(out.changed)
	return len(out.changed)
}

// reread reads the content files paths again and returns those that
// changed, each a document of the last build whose front matter is
// unchanged (but for a summary taken from the text); ok is false when any
// is not.
func (b *Builder) reread(sc *config.Site, last *lastBuild, paths []string) (edits []bodyEdit, ok bool) {
	root := os.DirFS(b.cfg.Source)
	ccfg := contentConfig(sc)
	for _, p := range paths {
		if b.lastScan != nil && b.lastScan.cameAndWent(b.cfg.Source, p) {
			continue
		}
		old := b.loaded[p]
		if old == nil || old.doc == nil {
			return nil, false // new, a section's _index.md, or failed to load
		}
		i := slices.IndexFunc(last.site.Docs, func(d *site.Doc) bool { return d.Doc.Path == p })
		if i < 0 || last.site.Docs[i].Doc != old.doc {
			return nil, false // a draft, or not as the last build had it
		}
		f, err := b.readSource(root, p, last.stamp, old, nil, 0)
		if err != nil || int64(len(f.src)) > last.limit {
			return nil, false
		}
		if f.src == nil || f.sum == old.sum {
			continue // saved as it was
		}
		l := b.parseSource(p, f, last.stamp, ccfg, sc, false)
		if len(l.errs) > 0 || l.doc == nil || l.doc.Empty != old.doc.Empty || !l.doc.SameKeys(old.doc) {
			return nil, false
		}
		same := *l.doc
		same.Summary = old.doc.Summary // a summary from the text is the body's
		if render.FrontDigest(&same) != old.front {
			return nil, false
		}
		edits = append(edits, bodyEdit{path: p, d: last.site.Docs[i], l: l})
	}
	return edits, true
}

// pageOf is a page of the last build and its output file.
type pageOf struct {
	name string
	page *site.Page
}

// pagesReading returns, in output order, the pages of the last build that
// recorded reading one of the edited documents: a key of the document or
// of one of its steps (render.KeyDoc).
func (b *Builder) pagesReading(last *lastBuild, edits []bodyEdit) []pageOf {
	names := map[string]bool{}
	for _, e := range edits {
		for _, name := range last.readers[e.path] {
			names[name] = true
		}
	}
	var pages []pageOf
	for _, p := range last.pages {
		if names[p.Output] {
			pages = append(pages, pageOf{p.Output, p})
		}
	}
	slices.SortFunc(pages, func(a, b pageOf) int { return strings.Compare(a.name, b.name) })
	return pages
}
