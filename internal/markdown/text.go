package markdown

import (
	"bytes"
	"strings"
	"sync"
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
	text         textScratch // a block's text, valid until the next block
}

// block visits a block node; prose reports whether its paragraphs may be
// part of the summary.
func (a *analyzer) block(n ast.Node, prose bool) {
	switch n := n.(type) {
	case *ast.Heading:
		t := a.text.plain(n, a.src)
		id, _ := n.AttributeString("id")
		idb, _ := id.([]byte)
		a.headings = append(a.headings, Heading{Level: n.Level, ID: string(idb), Text: string(t)})
		a.count(t)
		return
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		lines := n.Lines()
		for i := range lines.Len() {
			seg := lines.At(i)
			a.count(seg.Value(a.src))
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
		for line := range strings.SplitSeq(sanitize.Text(raw.String()), "\n") {
			a.text.out = appendCollapsed(a.text.out[:0], []byte(line))
			a.inline(a.text.out, prose)
		}
		return
	case *east.Table, *east.FootnoteList:
		prose = false
	}
	if c := n.FirstChild(); c != nil && c.Type() == ast.TypeInline {
		a.inline(a.text.plain(n, a.src), prose)
		return
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		a.block(c, prose)
	}
}

// inline counts t, the text of a block of inline content, and adds it to
// the summary's source if it is prose.
func (a *analyzer) inline(t []byte, prose bool) {
	a.count(t)
	// The summary needs only its first blocks; the others are not copied.
	if prose && len(t) > 0 && a.proseRunes <= summaryRunes && !a.isTitle(t) {
		a.addProse(t)
	}
}

// isTitle reports whether t, a block's text with its white space
// collapsed, is the title restated.
func (a *analyzer) isTitle(t []byte) bool {
	// t's white space is collapsed already, so normalizing it only trims
	// its end: it can equal the title only if it starts with it.
	return bytes.HasPrefix(t, []byte(a.title)) && normalizeTitle(string(t)) == a.title
}

// addProse appends a block's text to the summary source, stopping once
// there is enough to summarize.
func (a *analyzer) addProse(t []byte) {
	if a.proseRunes > summaryRunes {
		return
	}
	if a.prose.Len() > 0 {
		a.prose.WriteByte(' ')
		a.proseRunes++
	}
	a.prose.Write(t)
	a.proseRunes += utf8.RuneCount(t)
}

// count adds the CJK characters and other words of t.
func (a *analyzer) count(t []byte) {
	inWord, wordHasAlnum := false, false
	endWord := func() {
		if inWord && wordHasAlnum {
			a.words++
		}
		inWord, wordHasAlnum = false, false
	}
	for _, r := range string(t) { // no copy: the compiler ranges over t
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
	s := scratchPool.Get().(*textScratch)
	t := string(s.plain(n, src))
	scratchPool.Put(s)
	return t
}

var scratchPool = sync.Pool{New: func() any { return new(textScratch) }}

// textScratch is the room plainText's work needs, kept from one block to
// the next: a document's text is otherwise copied three times over.
type textScratch struct {
	raw, out []byte
}

// plain is plainText's text, in s: valid until s is used again.
func (s *textScratch) plain(n ast.Node, src []byte) []byte {
	s.raw = appendInline(s.raw[:0], n, src)
	s.out = appendCollapsed(s.out[:0], s.raw)
	return s.out
}

// appendInline appends the text of n and its descendants, with a line
// break that renders as a space written as one.
func appendInline(b []byte, n ast.Node, src []byte) []byte {
	switch n := n.(type) {
	case *ast.Text:
		v := n.Value(src)
		if !n.IsRaw() {
			v = util.UnescapePunctuations(v)
			v = util.ResolveNumericReferences(v)
			v = util.ResolveEntityNames(v)
		}
		b = append(b, v...)
		if n.HardLineBreak() || n.SoftLineBreak() {
			b = append(b, ' ')
		}
		return b
	case *ast.String:
		return append(b, n.Value...)
	case *ast.AutoLink:
		return append(b, n.Label(src)...)
	case *ast.RawHTML, *ast.Image:
		return b // not rendered as text
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		b = appendInline(b, c, src)
	}
	return b
}

// appendCollapsed appends s to dst trimmed, with each run of white space
// turned into one space. An escaped space (`\ `), which renders as
// nothing, is removed.
func appendCollapsed(dst, s []byte) []byte {
	start := len(dst)
	space := false // a space is owed before the next word
	for i := 0; i < len(s); {
		c := s[i]
		if c == '\\' && i+1 < len(s) && s[i+1] == ' ' {
			i += 2
			continue
		}
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(s[i:])
		}
		if unicode.IsSpace(r) {
			space = len(dst) > start
		} else {
			if space {
				dst = append(dst, ' ')
				space = false
			}
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return dst
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
