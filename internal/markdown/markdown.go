// Package markdown converts a document body to HTML and reports what the
// site needs to know about it. It is the only package that imports goldmark.
//
// # Dialect
//
// The body is CommonMark with GitHub extensions (tables, strikethrough,
// autolinks, task lists) and footnotes. Typographic replacement is off.
// Raw HTML, inline or in blocks, is never rendered: it is replaced by an
// HTML comment.
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
// already shows from front matter. Only the start of the body is examined:
//
//  1. If the first block is a heading whose text equals [Options.Title], it is
//     dropped. The comparison ignores leading and trailing white space
//     (including U+3000), trailing punctuation, and collapses internal runs of
//     white space. If Options.Title is empty, a first block that is a level-1
//     heading is dropped instead; the caller uses [Result.Title] as the title.
//  2. Then each leading paragraph made only of "bold label" lines, such as
//     "**作者**: 人民日报" or "**日期：**2025年04月27日", is examined line by
//     line. The colon may be ASCII or full-width, inside or after the bold
//     text. Labels map to metadata keys:
//     作者, Author, By → author;
//     日期, 发布日期, 时间, Date → date;
//     版面, 版次, Version, Page → version;
//     来源, 出处, Source → source;
//     原文链接, 链接, 原文, URL, Link → original_url;
//     标题, Title → title
//     (English labels in any case). A line is dropped when its key is in
//     [Options.Present]; a paragraph whose lines are all dropped is removed,
//     otherwise it keeps its remaining lines. Examination stops at the first
//     block that is not such a paragraph, including a paragraph with any line
//     that is not a bold label line with a known label.
//
// Nothing else is ever dropped: a closing rule and source footer stay.
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

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
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
}

// Result is a converted body.
type Result struct {
	HTML     []byte
	Title    string // text of the first level-1 heading anywhere in the body ("" if none)
	Summary  string // plain-text summary of the prose, at most about 160 runes
	Chars    int    // CJK characters (Han, kana, hangul)
	Words    int    // non-CJK words
	Headings []Heading
}

// Heading is one heading of the converted body, for a table of contents.
type Heading struct {
	Level int
	ID    string
	Text  string
}

// New returns a Converter.
func New() *Converter {
	key := parser.NewContextKey()
	return &Converter{md: newMarkdown(key), key: key}
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
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithInlineParsers(util.Prioritized(delimiterParser{}, 100)),
			parser.WithASTTransformers(
				// dedup reads source lines, so it runs before lineBreaks joins them.
				util.Prioritized(&dedup{key: key}, 800),
				util.Prioritized(lineBreaks{}, 900),
			),
		),
	)
}

// Convert converts src, a document body without front matter.
func (c *Converter) Convert(src []byte, opt Options) (*Result, error) {
	st := &dedupState{opt: opt}
	pc := parser.NewContext(parser.WithIDs(newHeadingIDs()))
	pc.Set(c.key, st)
	doc := c.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))

	var buf bytes.Buffer
	if err := c.md.Renderer().Render(&buf, src, doc); err != nil {
		return nil, fmt.Errorf("render markdown: %w", err)
	}
	res := &Result{HTML: buf.Bytes(), Title: st.title}
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
}

// dedup is the AST transformer that removes restated metadata from the
// start of the body, as the package documentation describes.
type dedup struct {
	key parser.ContextKey
}

func (d *dedup) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	st, ok := pc.Get(d.key).(*dedupState)
	if !ok {
		return
	}
	src := reader.Source()
	st.title = firstTitle(doc, src)

	first := doc.FirstChild()
	if h, ok := first.(*ast.Heading); ok {
		if st.opt.Title == "" && h.Level == 1 ||
			st.opt.Title != "" && normalizeTitle(plainText(h, src)) == normalizeTitle(st.opt.Title) {
			doc.RemoveChild(doc, h)
		}
	}
	for n := doc.FirstChild(); n != nil; {
		p, ok := n.(*ast.Paragraph)
		if !ok {
			return
		}
		next := n.NextSibling()
		if !dropMetaLines(p, src, st.opt.Present) {
			return
		}
		if p.ChildCount() == 0 {
			doc.RemoveChild(doc, p)
		}
		n = next
	}
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
