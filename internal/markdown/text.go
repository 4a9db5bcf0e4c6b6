package markdown

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/util"

	"github.com/folio-ssg/folio/internal/sanitize"
)

// summaryRunes is the length a summary is cut to.
const summaryRunes = 160

// analyze fills res.Headings, Summary, Chars and Words from the transformed
// document.
func analyze(doc ast.Node, src []byte, title string, res *Result) {
	a := analyzer{src: src, title: normalizeTitle(title)}
	a.block(doc, true)
	res.Headings = a.headings
	res.Chars, res.Words = a.chars, a.words
	res.Summary = summarize(a.prose.String())
}

type analyzer struct {
	src          []byte
	title        string // normalized; prose equal to it is left out of the summary
	headings     []Heading
	chars, words int
	prose        strings.Builder
	proseRunes   int
}

// block visits a block node; prose reports whether its paragraphs may be
// part of the summary.
func (a *analyzer) block(n ast.Node, prose bool) {
	switch n := n.(type) {
	case *ast.Heading:
		t := plainText(n, a.src)
		id, _ := n.AttributeString("id")
		idb, _ := id.([]byte)
		a.headings = append(a.headings, Heading{Level: n.Level, ID: string(idb), Text: t})
		a.count(t)
		return
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		lines := n.Lines()
		for i := range lines.Len() {
			seg := lines.At(i)
			a.count(string(seg.Value(a.src)))
		}
		return
	case *ast.HTMLBlock:
		// Scraped HTML paragraphs are prose too.
		var raw strings.Builder
		lines := n.Lines()
		for i := range lines.Len() {
			seg := lines.At(i)
			raw.Write(seg.Value(a.src))
		}
		for _, t := range strings.Split(sanitize.Text(raw.String()), "\n") {
			if t = collapseSpace(t); t != "" {
				a.count(t)
				if prose && normalizeTitle(t) != a.title {
					a.addProse(t)
				}
			}
		}
		return
	case *east.Table, *east.FootnoteList:
		prose = false
	}
	if c := n.FirstChild(); c != nil && c.Type() == ast.TypeInline {
		t := plainText(n, a.src)
		a.count(t)
		if prose && t != "" && normalizeTitle(t) != a.title {
			a.addProse(t)
		}
		return
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		a.block(c, prose)
	}
}

// addProse appends a block's text to the summary source, stopping once
// there is enough to summarize.
func (a *analyzer) addProse(t string) {
	if a.proseRunes > summaryRunes {
		return
	}
	if a.prose.Len() > 0 {
		a.prose.WriteByte(' ')
		a.proseRunes++
	}
	a.prose.WriteString(t)
	a.proseRunes += utf8.RuneCountInString(t)
}

// count adds the CJK characters and other words of t.
func (a *analyzer) count(t string) {
	inWord, wordHasAlnum := false, false
	endWord := func() {
		if inWord && wordHasAlnum {
			a.words++
		}
		inWord, wordHasAlnum = false, false
	}
	for _, r := range t {
		switch {
		case isCJK(r):
			endWord()
			a.chars++
		case unicode.IsSpace(r), r > unicode.MaxASCII && (unicode.IsPunct(r) || unicode.IsSymbol(r)):
			endWord()
		default:
			inWord = true
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				wordHasAlnum = true
			}
		}
	}
	endWord()
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// plainText returns the text of n's inline descendants without markup,
// with white space collapsed as for display.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	writeInline(&b, n, src)
	return collapseSpace(b.String())
}

// writeInline writes the text of n and its descendants, with a line break
// that renders as a space written as one.
func writeInline(b *strings.Builder, n ast.Node, src []byte) {
	switch n := n.(type) {
	case *ast.Text:
		v := n.Value(src)
		if !n.IsRaw() {
			v = util.UnescapePunctuations(v)
			v = util.ResolveNumericReferences(v)
			v = util.ResolveEntityNames(v)
		}
		b.Write(v)
		if n.HardLineBreak() || n.SoftLineBreak() {
			b.WriteByte(' ')
		}
		return
	case *ast.String:
		b.Write(n.Value)
		return
	case *ast.AutoLink:
		b.Write(n.Label(src))
		return
	case *ast.RawHTML, *ast.Image:
		return // not rendered as text
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		writeInline(b, c, src)
	}
}

// collapseSpace trims s and turns each run of white space into one space.
// An escaped space (`\ `), which renders as nothing, is removed.
func collapseSpace(s string) string {
	s = strings.ReplaceAll(s, `\ `, "")
	var b strings.Builder
	b.Grow(len(s))
	for f := range strings.FieldsSeq(s) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f)
	}
	return b.String()
}

// summarize cuts s to about summaryRunes runes, at a sentence end in the
// last third when there is one, else with "…".
func summarize(s string) string {
	r := []rune(s)
	if len(r) <= summaryRunes {
		return s
	}
	for i := summaryRunes - 1; i >= summaryRunes*2/3; i-- {
		if !isSentenceEnd(r, i) {
			continue
		}
		j := i + 1
		for j < summaryRunes && strings.ContainsRune("”’」』）)》〉\"'", r[j]) {
			j++
		}
		return strings.TrimSpace(string(r[:j]))
	}
	cut := summaryRunes
	// Do not split a non-CJK word when a space falls in the last third.
	if isWordRune(r[cut-1]) && isWordRune(r[cut]) {
		for i := cut - 1; i >= summaryRunes*2/3; i-- {
			if unicode.IsSpace(r[i]) {
				cut = i
				break
			}
		}
	}
	return strings.TrimRightFunc(string(r[:cut]), func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",，、;；:：", r)
	}) + "…"
}

func isSentenceEnd(r []rune, i int) bool {
	switch r[i] {
	case '。', '！', '？':
		return true
	case '.', '!', '?':
		return i+1 == len(r) || unicode.IsSpace(r[i+1])
	}
	return false
}

func isWordRune(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !isCJK(r)
}
