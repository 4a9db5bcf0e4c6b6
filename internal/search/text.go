package search

import (
	"bytes"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// skipped reports whether an element's content is not seen as text.
func skipped(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Template, atom.Noscript,
		atom.Head, atom.Title, atom.Svg, atom.Math,
		atom.Iframe, atom.Object, atom.Rp, atom.Select:
		return true
	}
	return false
}

// block reports whether an element starts a new line.
func block(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote,
		atom.Br, atom.Caption, atom.Dd, atom.Details, atom.Div,
		atom.Dl, atom.Dt, atom.Fieldset, atom.Figcaption,
		atom.Figure, atom.Footer, atom.Form, atom.H1, atom.H2,
		atom.H3, atom.H4, atom.H5, atom.H6, atom.Header,
		atom.Hr, atom.Li, atom.Main, atom.Nav, atom.Ol,
		atom.P, atom.Pre, atom.Section, atom.Summary,
		atom.Table, atom.Tbody, atom.Td, atom.Tfoot, atom.Th,
		atom.Thead, atom.Tr, atom.Ul, atom.Body, atom.Html:
		return true
	}
	return false
}

// TextFromHTML returns the text a reader sees in rendered body HTML, for
// Doc.Text: block elements on lines of their own, white space inside a
// line collapsed, scripts, styles and templates left out, entities
// decoded. The text of an image is its alt text.
func TextFromHTML(b []byte) string {
	if s, ok := textFromPlainHTML(b); ok {
		return s
	}
	return textFromHTMLTokenizer(b)
}

// textFromHTMLTokenizer is TextFromHTML for any HTML, read with the
// tokenizer of golang.org/x/net/html.
func textFromHTMLTokenizer(b []byte) string {
	z := html.NewTokenizer(bytes.NewReader(b))
	var out strings.Builder
	out.Grow(len(b)) // the text is shorter than its HTML
	var line []byte
	skip := 0 // depth inside skipped elements
	pending := false
	endLine := func() {
		first := true
		for f := range bytes.FieldsFuncSeq(line, isSpace) {
			switch {
			case !first:
				out.WriteByte(' ')
			case out.Len() > 0:
				out.WriteByte('\n')
			}
			out.Write(f)
			first = false
		}
		line = line[:0]
		pending = false
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			endLine()
			return out.String()
		case html.TextToken:
			if skip == 0 {
				line = append(line, z.Text()...)
				pending = true
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			if skipped(a) {
				if tt == html.StartTagToken {
					skip++
				}
				continue
			}
			if skip > 0 {
				continue
			}
			if block(a) && pending {
				endLine()
			}
			if a == atom.Img && hasAttr {
				for {
					k, v, more := z.TagAttr()
					if string(k) == "alt" {
						line = append(append(append(line, ' '), v...), ' ')
						pending = true
					}
					if !more {
						break
					}
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipped(a) {
				if skip > 0 {
					skip--
				}
				continue
			}
			if skip == 0 && block(a) && pending {
				endLine()
			}
		}
	}
}

// textFromPlainHTML is TextFromHTML for the HTML folio renders, read
// without a tokenizer: text, and tags whose attribute values are quoted.
// It reads them as textFromHTMLTokenizer does, and returns false for
// anything it cannot be sure to read so: comments, doctypes, processing
// instructions and other markup starting "<!", "<?" or "</" without a
// letter; the start of an element whose content is skipped or raw text;
// unquoted attribute values and unusual bytes in attribute names; named
// entities in alt text other than the common ones; NUL and carriage
// return anywhere; a tag cut off by the end of the HTML.
func textFromPlainHTML(b []byte) (string, bool) {
	if bytes.IndexByte(b, 0) >= 0 || bytes.IndexByte(b, '\r') >= 0 {
		return "", false
	}
	t := linesPool.Get().(*lines)
	defer linesPool.Put(t)
	t.out, t.line, t.pending = t.out[:0], t.line[:0], false
	for i := 0; ; {
		j := markupIndex(b, i)
		if j > i {
			t.line, _ = appendUnescaped(t.line, b[i:j], false)
			t.pending = true
		}
		if j == len(b) {
			break
		}
		var tg tag
		if !tg.read(b, j) {
			return "", false
		}
		i = tg.next
		a := atom.Lookup(tg.name)
		if tg.end {
			// An end tag of a skipped element outside one changes nothing,
			// and no skipped element is a block.
			if block(a) && t.pending {
				t.endLine()
			}
			continue
		}
		if skipped(a) || rawText(tg.name) {
			return "", false
		}
		if block(a) && t.pending {
			t.endLine()
		}
		if a == atom.Img && tg.hasAlt {
			var ok bool
			t.line = append(t.line, ' ')
			if t.line, ok = appendUnescaped(t.line, tg.alt, true); !ok {
				return "", false
			}
			t.line = append(t.line, ' ')
			t.pending = true
		}
	}
	t.endLine()
	return string(t.out), true
}

// linesPool holds textFromPlainHTML's room, grown to the largest text a
// goroutine read: what it returns is then one exact copy.
var linesPool = sync.Pool{New: func() any { return new(lines) }}

// lines collects text into lines as TextFromHTML returns them.
type lines struct {
	out     []byte
	line    []byte // the text of the current line, as written
	pending bool   // whether text was added since the last line ended
}

// endLine adds the current line's words to out, one space apart, on a
// line of its own. Words are separated by white space as isSpace has it.
func (t *lines) endLine() {
	line := t.line
	first := true
	for i := 0; ; {
		for i < len(line) {
			n := spaceLen(line[i:])
			if n == 0 {
				break
			}
			i += n
		}
		if i == len(line) {
			break
		}
		// A byte that does not start a space cannot start one by being
		// inside a character, so the word can be scanned byte by byte.
		j := i + 1
		for {
			for j < len(line) && !spaceStarts[line[j]] {
				j++
			}
			if j == len(line) || spaceLen(line[j:]) > 0 {
				break
			}
			j++
		}
		switch {
		case !first:
			t.out = append(t.out, ' ')
		case len(t.out) > 0:
			t.out = append(t.out, '\n')
		}
		t.out = append(t.out, line[i:j]...)
		first = false
		i = j
	}
	t.line = t.line[:0]
	t.pending = false
}

// spaceStarts tells of each byte whether it can start a character
// isSpace finds a space.
var spaceStarts = [256]bool{
	' ': true, '\t': true, '\n': true, '\v': true, '\f': true, '\r': true,
	0xC2: true, 0xE1: true, 0xE2: true, 0xE3: true, 0xEF: true,
}

// spaceLen returns the length of the character at the start of b if
// isSpace finds it a space, or 0. An invalid byte is not space.
func spaceLen(b []byte) int {
	switch b[0] {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return 1
	case 0xC2: // U+00A0
		if len(b) > 1 && b[1] == 0xA0 {
			return 2
		}
	case 0xE1: // U+1680
		if len(b) > 2 && b[1] == 0x9A && b[2] == 0x80 {
			return 3
		}
	case 0xE2: // U+2000 to U+200A, U+2028, U+2029, U+202F, U+205F
		if len(b) > 2 && (b[1] == 0x80 && (0x80 <= b[2] && b[2] <= 0x8A || b[2] == 0xA8 || b[2] == 0xA9 || b[2] == 0xAF) ||
			b[1] == 0x81 && b[2] == 0x9F) {
			return 3
		}
	case 0xE3: // U+3000
		if len(b) > 2 && b[1] == 0x80 && b[2] == 0x80 {
			return 3
		}
	case 0xEF: // U+FEFF
		if len(b) > 2 && b[1] == 0xBB && b[2] == 0xBF {
			return 3
		}
	}
	return 0
}

// markupIndex returns the index of the first '<' at or after i that
// starts a tag or other markup for the tokenizer, or len(b). A '<' not
// followed by a letter, '/', '!' or '?' is text, and so is one at the end.
func markupIndex(b []byte, i int) int {
	for {
		k := bytes.IndexByte(b[i:], '<')
		if k < 0 || i+k+1 == len(b) {
			return len(b)
		}
		i += k + 1
		if c := b[i]; isLetter(c) || c == '/' || c == '!' || c == '?' {
			return i - 1
		}
	}
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isAlnum(c byte) bool { return isLetter(c) || '0' <= c && c <= '9' }

// isTagSpace reports whether c is white space inside a tag.
func isTagSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'
}

// isAttrName reports whether c is one of the bytes of attribute names
// textFromPlainHTML reads.
func isAttrName(c byte) bool { return isAlnum(c) || c == '-' || c == '_' || c == ':' || c == '.' }

// A tag is a start or end tag as textFromPlainHTML reads it.
type tag struct {
	end    bool
	name   []byte // lower case
	hasAlt bool   // whether it has an alt attribute
	alt    []byte // the value of its first one, as written
	next   int    // the index after it
}

// read reads the tag starting at b[i], a '<' that markupIndex found, and
// reports whether it is a tag textFromPlainHTML can read.
func (t *tag) read(b []byte, i int) bool {
	i++
	if b[i] == '/' {
		t.end = true
		i++
	}
	if i == len(b) || !isLetter(b[i]) {
		return false
	}
	n := i
	upper := false
	for n < len(b) && !isTagSpace(b[n]) && b[n] != '/' && b[n] != '>' {
		upper = upper || 'A' <= b[n] && b[n] <= 'Z'
		n++
	}
	t.name = b[i:n]
	if upper {
		t.name = bytes.Clone(t.name)
		for k, c := range t.name {
			if 'A' <= c && c <= 'Z' {
				t.name[k] = c + 'a' - 'A'
			}
		}
	}
	for i = n; ; {
		for i < len(b) && isTagSpace(b[i]) {
			i++
		}
		if i == len(b) {
			return false
		}
		switch c := b[i]; {
		case c == '>':
			t.next = i + 1
			return true
		case c == '/':
			// An attribute without a name: the slash alone.
			i++
			continue
		case !isAttrName(c):
			return false
		}
		k := i
		for i < len(b) && isAttrName(b[i]) {
			i++
		}
		if i == len(b) || !isTagSpace(b[i]) && b[i] != '=' && b[i] != '/' && b[i] != '>' {
			return false
		}
		key := b[k:i]
		for i < len(b) && isTagSpace(b[i]) {
			i++
		}
		if i == len(b) {
			return false
		}
		var val []byte
		switch b[i] {
		case '/':
			i++
		case '=':
			for i++; i < len(b) && isTagSpace(b[i]); i++ {
			}
			if i == len(b) {
				return false
			}
			switch q := b[i]; q {
			case '>':
			case '"', '\'':
				e := bytes.IndexByte(b[i+1:], q)
				if e < 0 {
					return false
				}
				val = b[i+1 : i+1+e]
				i += e + 2
			default:
				return false
			}
		}
		if !t.hasAlt && bytes.EqualFold(key, []byte("alt")) {
			t.hasAlt, t.alt = true, val
		}
	}
}

// rawText reports whether the tokenizer reads the content of an element
// of this name, in lower case, as text up to its end tag.
func rawText(name []byte) bool {
	switch string(name) {
	case "iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style", "textarea", "title", "xmp":
		return true
	}
	return false
}

// commonEntities are the named character references read without
// html.UnescapeString, and the only ones read in alt text.
var commonEntities = map[string]rune{
	"amp": '&', "lt": '<', "gt": '>', "quot": '"', "apos": '\'', "nbsp": '\u00a0',
}

// appendUnescaped appends s to dst with its character references
// decoded, as the tokenizer decodes text, or with attr an attribute value:
// there it reports false at a named reference other than the common ones.
func appendUnescaped(dst, s []byte, attr bool) ([]byte, bool) {
	for {
		k := bytes.IndexByte(s, '&')
		if k < 0 {
			return append(dst, s...), true
		}
		dst = append(dst, s[:k]...)
		s = s[k:]
		n := 1
		switch {
		case len(s) > 1 && s[1] == '#':
			dst, n = appendNumeric(dst, s)
		case len(s) > 1 && isAlnum(s[1]):
			n = 2
			for n < len(s) && isAlnum(s[n]) {
				n++
			}
			closed := n < len(s) && s[n] == ';'
			if r, ok := commonEntities[string(s[1:n])]; ok && closed {
				dst = utf8.AppendRune(dst, r)
				n++
				break
			}
			if attr {
				return dst, false
			}
			if closed {
				n++
			}
			// The reference alone decodes as it does in the text: what
			// follows it plays no part.
			dst = append(dst, html.UnescapeString(string(s[:n]))...)
		default:
			dst = append(dst, '&')
		}
		s = s[n:]
	}
}

// appendNumeric decodes the numeric character reference at the start of
// s, which starts with "&#", and returns the bytes it took; an '&' that
// starts none is kept, taking one byte.
func appendNumeric(dst, s []byte) ([]byte, int) {
	i := 2
	hex := i < len(s) && (s[i] == 'x' || s[i] == 'X')
	if hex {
		i++
	}
	i0 := i
	x := rune(0)
digits:
	for ; i < len(s); i++ {
		var d rune
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			d = rune(c - '0')
		case hex && 'a' <= c && c <= 'f':
			d = rune(c-'a') + 10
		case hex && 'A' <= c && c <= 'F':
			d = rune(c-'A') + 10
		default:
			break digits
		}
		if x <= utf8.MaxRune { // larger numbers stop growing
			if hex {
				x = x*16 + d
			} else {
				x = x*10 + d
			}
		}
	}
	if i == i0 {
		return append(dst, '&'), 1
	}
	if i < len(s) && s[i] == ';' {
		i++
	}
	switch {
	case 0x80 <= x && x <= 0x9F:
		// Windows-1252 code points, which html decodes by its own table.
		return append(dst, html.UnescapeString(string(s[:i]))...), i
	case x == 0 || 0xD800 <= x && x <= 0xDFFF || x > utf8.MaxRune:
		x = utf8.RuneError
	}
	return utf8.AppendRune(dst, x), i
}
