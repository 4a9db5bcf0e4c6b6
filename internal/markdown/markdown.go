// Package markdown converts a document body to HTML and reports what the
// site needs to know about it. It is the only package that imports goldmark.
//
// # Dialect
//
// The body is CommonMark with GitHub extensions (tables, strikethrough,
// autolinks, task lists) and footnotes. Typographic replacement is off.
// Raw HTML, inline or in blocks (scraped articles are often made of
// <p> paragraphs), is kept and made safe: the body of a document that has
// any is sanitized by package sanitize, and what was removed is reported
// with its position ([Result.Removed]). [Options.TrustHTML] writes it as
// it is, for collections that need their own HTML. Markdown links and
// images to dangerous URLs (javascript:) are never written.
//
// Chinese text gets three amendments:
//
//   - A soft line break between two wide characters (East Asian Width W, F
//     or H, such as Han characters and full-width punctuation, but not
//     Hangul), or between a wide character and non-ASCII punctuation such as
//     “, renders as nothing, so a hard-wrapped paragraph reads as one run
//     of text. Every other soft line break renders as usual.
//   - Emphasis (*, _) and strikethrough (~) follow the CommonMark
//     CJK-friendly amendments (github.com/tats-u/markdown-cjk-friendly):
//     CJK punctuation next to a delimiter run does not stop it from opening
//     or closing, so **“中文”**。, 中文**“引号”**中文 and **日期：**2025 all
//     contain bold text. Text without CJK characters parses as in CommonMark.
//   - A backslash-escaped space renders as nothing, to separate markup from
//     adjacent characters without a visible space.
//
// # Heading IDs
//
// Every heading gets an id attribute derived from its source text:
// letters (including Han characters, kana and hangul) and digits are kept,
// ASCII letters are lowercased, every run of other characters (spaces,
// punctuation, symbols, Markdown markup) becomes a single "-", and leading
// and trailing "-" are trimmed. So "## 第一章 总则" gets id "第一章-总则".
// An empty result becomes "heading". Within one document a repeated id gets
// the suffix "-1", then "-2", and so on. IDs are assigned before
// deduplication (below), so a dropped title heading still reserves its id.
//
// # Deduplication
//
// Scraped articles often repeat, at the start of the body, what the page
// already shows from front matter. Only the header is examined: the
// leading blocks (at most 8) that are headings, the title restated, bold
// metadata lines or a byline, up to the first block that is none of these.
//
//  1. The first heading in the header whose text equals [Options.Title] is
//     dropped, wherever a kicker heading or byline puts it. The comparison
//     ignores leading and trailing white space (including U+3000),
//     trailing punctuation, and collapses internal runs of white space. If
//     Options.Title is empty, a first block that is a level-1 heading is
//     dropped instead; the caller uses [Result.Title] as the title. A
//     paragraph in the header that equals the title is dropped too.
//  2. Each paragraph in the header made only of "bold label" lines, such
//     as "**作者**: 人民日报" or "**日期：**2025年04月27日", is examined line
//     by line, whether or not a heading still matches the title. The colon
//     may be ASCII or full-width, inside or after the bold text. Labels map
//     to metadata keys through the front-matter key table (package
//     content, Key.Restated): 作者, Author, By → author; 日期, 发布日期, 时间,
//     Date → date; 版面, 版次, Version, Page → version; 来源, 出处, Source →
//     source; 原文链接, 链接, 原文, URL, Link → original_url; 标题, Title →
//     title (English labels in any case). A line is dropped when its key is
//     in [Options.Present]; a paragraph whose lines are all dropped is
//     removed, otherwise it keeps its remaining lines. A paragraph with any
//     line that is not a bold label line with a known label ends the
//     header.
//  3. A newspaper byline among the first 8 blocks, as a paragraph or a
//     block quote — "陈勐《人民日报》（2025年01月02日第 05 版）" — is dropped
//     when the page shows everything it states: the names (author), the
//     paper (source or author), the date and the page (version).
//  4. A closing paragraph of emphasized "label: value" lines, like the
//     seed's "*来源: [人民日报](…)*", loses the lines that restate a key in
//     [Options.Present]; the other lines ("*处理时间: …*") stay. A
//     paragraph left empty is removed, with a rule before it.
//
// Nothing else is ever dropped.
//
// # Result
//
// [Result.Title] is the text of the first level-1 heading anywhere in the
// body, dropped or not. [Result.Headings] lists the headings that remain,
// for a table of contents.
//
// [Result.Summary] is plain text taken from the prose that remains
// (paragraphs, list items, block quotes; not headings, tables, code blocks,
// footnotes, or a paragraph that merely repeats the title), with white space
// collapsed. If it is longer than 160 characters (runes), it is cut after
// the last sentence end (。！？, or . ! ? followed by white space, plus any
// closing quotes) in the last third of the first 160 characters, or else at
// 160 characters (backing off to a space rather than split a word) with "…"
// appended.
//
// [Result.Chars] counts Han, kana and hangul characters, and [Result.Words]
// counts other words (runs of characters other than white space, CJK
// characters and non-ASCII punctuation, containing a letter or digit), in
// all the rendered text that remains, except images' alt text.
package markdown

import (
	"bytes"
	"fmt"
	"regexp"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/folio-ssg/folio/internal/sanitize"
)

// Converter converts Markdown bodies to HTML. It is safe for concurrent use;
// build it once.
type Converter struct {
	md  goldmark.Markdown
	key parser.ContextKey // per-call *dedupState in the parser.Context
}

// Options describes what the page shows besides the body.
type Options struct {
	// Title is the document's title from front matter ("" if none).
	Title string
	// Present holds the metadata keys the page already shows:
	// "author", "date", "version", "source", "original_url", "title".
	Present map[string]bool
	// TrustHTML writes raw HTML as it is instead of sanitizing it.
	TrustHTML bool
	// Links collects local links into Result.Links, with markers in
	// their place in the HTML.
	Links bool
}

// Result is a converted body.
type Result struct {
	HTML     []byte
	Title    string // text of the first level-1 heading anywhere in the body ("" if none)
	Summary  string // plain-text summary of the prose, at most about 160 runes
	Chars    int    // CJK characters (Han, kana, hangul)
	Words    int    // non-CJK words
	Headings []Heading
	// RawHTML reports whether the body has raw HTML; Removed lists what
	// sanitizing it removed (nothing when Options.TrustHTML is set).
	RawHTML bool
	Removed []Removal
	Links   []Link // with Options.Links
}

// Heading is one heading of the converted body, for a table of contents.
type Heading struct {
	Level int
	ID    string
	Text  string
}

// stateKey is where a conversion keeps its state in goldmark's parser
// context. goldmark numbers keys with a counter it does not guard, which
// every parser.NewContext reads: made once, here, no Converter made while
// another converts races with it.
var stateKey = parser.NewContextKey()

// New returns a Converter.
func New() *Converter {
	return &Converter{md: newMarkdown(stateKey), key: stateKey}
}

// newMarkdown is the one place goldmark is configured.
func newMarkdown(key parser.ContextKey) goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			extension.Footnote,
			// Only the escaped space: lineBreaks handles soft line breaks.
			extension.NewCJK(
				extension.WithEastAsianLineBreaks(extension.EastAsianLineBreaksNone),
				extension.WithEscapedSpace(),
			),
		),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(rawHTML{}, 100))),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithInlineParsers(util.Prioritized(delimiterParser{}, 100)),
			parser.WithASTTransformers(
				// dedup reads source lines, so it runs before lineBreaks joins them.
				util.Prioritized(&dedup{key: key}, 800),
				util.Prioritized(lineBreaks{}, 900),
				util.Prioritized(&links{key: key}, 950),
			),
		),
	)
}

// bufWriter is a bytes.Buffer as goldmark's renderer writes to it: given
// any other writer, the renderer wraps it in a bufio.Writer of its own (a
// 4 KB allocation and a copy of every byte, per document).
type bufWriter struct{ bytes.Buffer }

func (*bufWriter) Buffered() int { return 0 }
func (*bufWriter) Flush() error  { return nil }

var _ util.BufWriter = (*bufWriter)(nil)

// bufPool holds the buffers Convert renders into, which it copies out of:
// one buffer a goroutine, grown to the largest document it rendered,
// instead of one for every document.
var bufPool = sync.Pool{New: func() any { return new(bufWriter) }}

// Convert converts src, a document body without front matter.
func (c *Converter) Convert(src []byte, opt Options) (*Result, error) {
	st := &dedupState{opt: opt}
	pc := parser.NewContext(parser.WithIDs(newHeadingIDs()))
	pc.Set(c.key, st)
	doc := c.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))

	buf := bufPool.Get().(*bufWriter)
	defer bufPool.Put(buf)
	buf.Reset()
	buf.Grow(len(src) + len(src)/4 + 512)
	if err := c.md.Renderer().Render(buf, src, doc); err != nil {
		return nil, fmt.Errorf("render markdown: %w", err)
	}
	// An exact copy: the HTML is kept to the end of the build, the
	// buffer's spare room need not be.
	res := &Result{HTML: bytes.Clone(buf.Bytes()), Title: st.title, Links: st.links}
	removed, raw := scanRawHTML(doc, src)
	if raw {
		res.RawHTML = true
		if !opt.TrustHTML {
			res.HTML = sanitize.HTML(res.HTML)
			res.Removed = removed
		}
	}
	title := opt.Title
	if title == "" {
		title = st.title
	}
	analyze(doc, src, title, res)
	return res, nil
}

// ReadingMinutes estimates reading time at 400 CJK characters or 200 other
// words a minute, rounded up; it is at least 1 when there is any text.
func ReadingMinutes(chars, words int) int {
	chars, words = max(chars, 0), max(words, 0)
	// ceil(chars/400 + words/200) == ceil((chars + 2*words) / 400)
	return (chars + 2*words + 399) / 400
}

// dedupState carries one Convert call's options into the AST transformer
// and its findings back out.
type dedupState struct {
	opt   Options
	title string
	links []Link
}

// dedup is the AST transformer that removes restated metadata from the
// start of the body, as the package documentation describes.
type dedup struct {
	key parser.ContextKey
}

// headerBlocks is how many blocks at the start of a body may restate the
// metadata.
const headerBlocks = 8

func (d *dedup) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	st, ok := pc.Get(d.key).(*dedupState)
	if !ok {
		return
	}
	src := reader.Source()
	st.title = firstTitle(doc, src)
	title := normalizeTitle(st.opt.Title)

	// The header: headings, the title restated, bold metadata lines and
	// bylines, up to the first block that is none of these.
	dropFooter(doc, src, st.opt.Present)
	header := true
	droppedTitle := false
	n := doc.FirstChild()
	for i := 0; n != nil && i < headerBlocks; i++ {
		next := n.NextSibling()
		switch b := n.(type) {
		case *ast.Heading:
			if !droppedTitle && header && (title == "" && b.Level == 1 && st.opt.Title == "" || title != "" && normalizeTitle(plainText(b, src)) == title) {
				doc.RemoveChild(doc, b)
				droppedTitle = true
			}
		case *ast.Paragraph:
			switch {
			case header && title != "" && normalizeTitle(plainText(b, src)) == title:
				doc.RemoveChild(doc, b)
			case byline(b, src, st.opt.Present):
				doc.RemoveChild(doc, b)
			case header && dropMetaLines(b, src, st.opt.Present):
				if b.ChildCount() == 0 {
					doc.RemoveChild(doc, b)
				}
			default:
				header = false
			}
		case *ast.Blockquote:
			if p, ok := b.FirstChild().(*ast.Paragraph); ok && b.ChildCount() == 1 && byline(p, src, st.opt.Present) {
				doc.RemoveChild(doc, b)
			} else {
				header = false
			}
		default:
			header = false
		}
		n = next
	}
}

// bylineRe matches a newspaper byline: "陈勐《人民日报》（2025年01月02日第 05 版）".
var bylineRe = regexp.MustCompile(`^\s*([^《》\s][^《》]{0,40}?)?\s*《([^《》]{1,40})》\s*[（(]\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)?\s*(第\s*[0-9A-Za-z０-９]+\s*版)?\s*[)）]\s*$`)

// byline reports whether p is a newspaper byline whose every part the page
// already shows: names (author), the paper (source), date and page.
func byline(p *ast.Paragraph, src []byte, present map[string]bool) bool {
	m := bylineRe.FindStringSubmatch(plainText(p, src))
	if m == nil {
		return false
	}
	return (m[1] == "" || present["author"]) &&
		(present["source"] || present["author"]) &&
		(m[3] == "" || present["date"]) &&
		(m[4] == "" || present["version"])
}

// firstTitle returns the text of the first level-1 heading in doc.
func firstTitle(doc ast.Node, src []byte) string {
	var title string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			if h.Level == 1 {
				title = plainText(h, src)
				return ast.WalkStop, nil
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return title
}
