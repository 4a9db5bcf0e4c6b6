package markdown

import (
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// isCJKChar reports whether r is a CJK character in the sense of the
// CommonMark CJK-friendly amendments (github.com/tats-u/markdown-cjk-friendly):
// East Asian Width W, F or H, or Hangul. Emoji are not excluded.
func isCJKChar(r rune) bool {
	if r < 0x1100 {
		return false
	}
	switch util.EastAsianWidth(r) {
	case "W", "F", "H":
		return true
	}
	return unicode.Is(unicode.Hangul, r)
}

// delimiterParser parses the delimiter runs of emphasis (* and _) and
// strikethrough (~) with the CJK-friendly flanking rules, so that
// "**日期：**2025" and "中文**“引号”**中文" are emphasis. For text without CJK
// characters the rules are CommonMark's. It takes precedence over goldmark's
// own emphasis and strikethrough parsers.
type delimiterParser struct{}

func (delimiterParser) Trigger() []byte { return []byte{'*', '_', '~'} }

func (delimiterParser) Parse(_ ast.Node, block text.Reader, pc parser.Context) ast.Node {
	before := block.PrecendingCharacter()
	line, segment := block.PeekLine()
	if len(line) == 0 {
		return nil
	}
	c := line[0]
	n := 1
	for n < len(line) && line[n] == c {
		n++
	}
	if c == '~' && (n > 2 || before == '~') {
		return nil // as GFM: ~ or ~~ only
	}
	after := ' ' // the end of the line counts as white space
	if n < len(line) {
		after, _ = utf8.DecodeRune(line[n:])
	}

	beforeSpace, afterSpace := util.IsSpaceRune(before), util.IsSpaceRune(after)
	beforePunct, afterPunct := util.IsPunctRune(before), util.IsPunctRune(after)
	beforeCJK, afterCJK := isCJKChar(before), isCJKChar(after)
	beforeNonCJKPunct := beforePunct && !beforeCJK
	afterNonCJKPunct := afterPunct && !afterCJK

	left := !afterSpace &&
		(!afterNonCJKPunct || beforeSpace || beforeNonCJKPunct || beforeCJK)
	right := !beforeSpace &&
		(!beforeNonCJKPunct || afterSpace || afterNonCJKPunct || afterCJK)

	canOpen, canClose := left, right
	if c == '_' {
		canOpen = left && (!right || beforePunct)
		canClose = right && (!left || afterPunct)
	}
	var proc parser.DelimiterProcessor = emphasisProcessor{}
	if c == '~' {
		proc = strikeProcessor{}
	}
	d := parser.NewDelimiter(canOpen, canClose, n, c, proc)
	d.Segment = segment.WithStop(segment.Start + n)
	block.Advance(n)
	pc.PushDelimiter(d)
	return d
}

type emphasisProcessor struct{}

func (emphasisProcessor) IsDelimiter(b byte) bool { return b == '*' || b == '_' }
func (emphasisProcessor) CanOpenCloser(opener, closer *parser.Delimiter) bool {
	return opener.Char == closer.Char
}
func (emphasisProcessor) OnMatch(consumes int) ast.Node { return ast.NewEmphasis(consumes) }

type strikeProcessor struct{}

func (strikeProcessor) IsDelimiter(b byte) bool { return b == '~' }
func (strikeProcessor) CanOpenCloser(opener, closer *parser.Delimiter) bool {
	return opener.Char == closer.Char
}
func (strikeProcessor) OnMatch(int) ast.Node { return east.NewStrikethrough() }

// lineBreaks is an AST transformer that removes a soft line break between
// two wide characters (East Asian Width W, F or H, except Hangul), or
// between a wide character and non-ASCII punctuation such as “, so that a
// hard-wrapped Chinese paragraph renders without stray spaces. Every other
// soft line break is kept. (goldmark's own East Asian line break styles
// drop the break before an inline element such as emphasis even between
// English words, so they are not used.)
type lineBreaks struct{}

func (lineBreaks) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		t, ok := n.(*ast.Text)
		if !ok || !entering || !t.SoftLineBreak() {
			return ast.WalkContinue, nil
		}
		if joinAcrossBreak(runeBefore(t, src), runeAfter(t, src)) {
			t.SetSoftLineBreak(false)
		}
		return ast.WalkContinue, nil
	})
}

func joinAcrossBreak(before, after rune) bool {
	wide := func(r rune) bool { return isCJKChar(r) && !unicode.Is(unicode.Hangul, r) }
	punct := func(r rune) bool { return r > unicode.MaxASCII && unicode.IsPunct(r) }
	return wide(before) && (wide(after) || punct(after)) ||
		punct(before) && wide(after)
}

// runeBefore returns the last rune rendered as text up to and including t
// within its block, or 0.
func runeBefore(t *ast.Text, src []byte) rune {
	if v := t.Value(src); len(v) > 0 {
		r, _ := utf8.DecodeLastRune(v)
		return r
	}
	for cur := ast.Node(t); cur != nil && cur.Type() == ast.TypeInline; cur = cur.Parent() {
		for s := cur.PreviousSibling(); s != nil; s = s.PreviousSibling() {
			if r, ok := edgeRune(s, src, true); ok {
				return r
			}
		}
	}
	return 0
}

// runeAfter returns the first rune rendered as text after t within its
// block, or 0.
func runeAfter(t *ast.Text, src []byte) rune {
	for cur := ast.Node(t); cur != nil && cur.Type() == ast.TypeInline; cur = cur.Parent() {
		for s := cur.NextSibling(); s != nil; s = s.NextSibling() {
			if r, ok := edgeRune(s, src, false); ok {
				return r
			}
		}
	}
	return 0
}

// edgeRune returns the first (or, if last, the last) rune of the text of
// inline node n. A line break ends the search with a space, so that the
// search stays on one line; an image stands for U+FFFC.
func edgeRune(n ast.Node, src []byte, last bool) (rune, bool) {
	var v []byte
	switch n := n.(type) {
	case *ast.Text:
		v = n.Value(src)
		if (n.SoftLineBreak() || n.HardLineBreak()) && (last || len(v) == 0) {
			return ' ', true // another line: stop looking
		}
	case *ast.Image:
		return '\uFFFC', true // an object, not text
	case *ast.String:
		v = n.Value
	case *ast.AutoLink:
		v = n.Label(src)
	default:
		if last {
			for c := n.LastChild(); c != nil; c = c.PreviousSibling() {
				if r, ok := edgeRune(c, src, last); ok {
					return r, true
				}
			}
		} else {
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if r, ok := edgeRune(c, src, last); ok {
					return r, true
				}
			}
		}
		return 0, false
	}
	if len(v) == 0 {
		return 0, false
	}
	if last {
		r, _ := utf8.DecodeLastRune(v)
		return r, true
	}
	r, _ := utf8.DecodeRune(v)
	return r, true
}
