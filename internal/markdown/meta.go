package markdown

import (
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/folio-ssg/folio/internal/content"
)

// metaKey maps a bold label to the metadata key it restates, from the
// front-matter key table.
func metaKey(label string) string { return content.RestatedKey(label) }

// normalizeTitle prepares a title for comparison: white space (including
// U+3000) is trimmed and collapsed, and trailing punctuation is removed.
func normalizeTitle(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.TrimRightFunc(s, func(r rune) bool {
		return unicode.IsPunct(r) || unicode.IsSpace(r)
	})
}

// dropMetaLines reports whether p consists only of bold label lines with
// known labels. If so, it removes from p the lines whose key is in present.
// p is left without children when every line was removed.
func dropMetaLines(p *ast.Paragraph, src []byte, present map[string]bool) bool {
	lines := splitLines(p)
	if len(lines) == 0 {
		return false
	}
	drop := make([]bool, len(lines))
	for i, line := range lines {
		key := lineKey(line, src)
		if key == "" {
			return false
		}
		drop[i] = present[key]
	}

	for i, line := range lines {
		if drop[i] {
			for _, n := range line {
				p.RemoveChild(p, n)
			}
		}
	}
	// The last remaining line no longer ends in a line break.
	if t, ok := p.LastChild().(*ast.Text); ok {
		t.SetSoftLineBreak(false)
		t.SetHardLineBreak(false)
	}
	// Keep the source lines in step with the inline lines when they match
	// one to one, as they do for ordinary paragraphs.
	if segs := p.Lines(); segs.Len() == len(lines) {
		kept := text.NewSegments()
		for i := range lines {
			if !drop[i] {
				kept.Append(segs.At(i))
			}
		}
		p.SetLines(kept)
	}
	return true
}

// splitLines groups p's inline children into source lines: a line ends with
// a text node that carries a soft or hard line break.
func splitLines(p *ast.Paragraph) [][]ast.Node {
	var lines [][]ast.Node
	var cur []ast.Node
	for c := p.FirstChild(); c != nil; c = c.NextSibling() {
		cur = append(cur, c)
		if t, ok := c.(*ast.Text); ok && (t.SoftLineBreak() || t.HardLineBreak()) {
			lines = append(lines, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		lines = append(lines, cur)
	}
	return lines
}

// lineKey returns the metadata key of a bold label line such as
// "**作者**: 人民日报" or "**作者：**人民日报", or "" if line is not one.
func lineKey(line []ast.Node, src []byte) string {
	label, ok := lineLabel(line, src, 2)
	if !ok {
		return ""
	}
	return metaKey(label)
}

// lineLabel returns the label of a line that starts with emphasis of at
// least the given level holding "label:" or followed by ":".
func lineLabel(line []ast.Node, src []byte, level int) (string, bool) {
	em, ok := line[0].(*ast.Emphasis)
	if !ok || em.Level < level {
		return "", false
	}
	bold := plainText(em, src)
	var label string
	if i := strings.IndexAny(bold, ":："); i >= 0 {
		label = bold[:i]
	} else {
		var rest strings.Builder
		for _, n := range line[1:] {
			rest.WriteString(plainText(n, src))
		}
		after := strings.TrimLeftFunc(rest.String(), unicode.IsSpace)
		if !strings.HasPrefix(after, ":") && !strings.HasPrefix(after, "：") {
			return "", false
		}
		label = bold
	}
	label = strings.TrimFunc(label, unicode.IsSpace)
	return label, label != "" && len([]rune(label)) <= 12
}

// dropFooter removes from a closing paragraph of emphasized "label: value"
// lines (the seed's "*来源: [人民日报](…)*") the lines restating a key in
// present; the others stay. A paragraph left empty goes, and so does a
// rule left closing the body.
func dropFooter(doc ast.Node, src []byte, present map[string]bool) {
	p, ok := doc.LastChild().(*ast.Paragraph)
	if !ok {
		return
	}
	lines := splitLines(p)
	drop := make([]bool, len(lines))
	for i, line := range lines {
		label, ok := lineLabel(line, src, 1)
		if !ok {
			return
		}
		drop[i] = present[metaKey(label)]
	}
	for i, line := range lines {
		if drop[i] {
			for _, n := range line {
				p.RemoveChild(p, n)
			}
		}
	}
	if t, ok := p.LastChild().(*ast.Text); ok {
		t.SetSoftLineBreak(false)
		t.SetHardLineBreak(false)
	}
	if p.ChildCount() > 0 {
		return
	}
	doc.RemoveChild(doc, p)
	if hr, ok := doc.LastChild().(*ast.ThematicBreak); ok {
		doc.RemoveChild(doc, hr)
	}
}
