package markdown

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"

	"github.com/folio-ssg/folio/internal/sanitize"
)

// rawHTML renders raw HTML, inline and in blocks, as it is written. The
// Converter then sanitizes the whole body of a document that has any
// (package sanitize), unless Options.TrustHTML says not to. Markdown links
// and images keep goldmark's own check for dangerous URLs.
type rawHTML struct{}

func (rawHTML) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
	reg.Register(ast.KindRawHTML, renderRawHTML)
}

func renderHTMLBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		writeRaw(w, src, node)
	}
	return ast.WalkContinue, nil
}

func renderRawHTML(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		writeRaw(w, src, node)
	}
	return ast.WalkSkipChildren, nil
}

// writeRaw writes a raw HTML node's source, with the link markers the
// links transformer arranged in place of local URLs.
func writeRaw(w util.BufWriter, src []byte, node ast.Node) {
	var rws []rewrite
	if v, ok := node.Attribute(rewritesAttr); ok {
		rws, _ = v.([]rewrite)
	}
	for _, s := range rawSegments(node) {
		pos := s.start
		for _, r := range rws {
			if r.start < s.start || r.stop > s.stop {
				continue
			}
			_, _ = w.Write(src[pos:r.start])
			_, _ = w.WriteString(r.text)
			pos = r.stop
		}
		_, _ = w.Write(src[pos:s.stop])
	}
}

// Removal is something the sanitizer removed from a document's raw HTML,
// at a line and column of the body (both 1-based).
type Removal struct {
	Line, Col int
	What      string
}

// scanRawHTML lists what the sanitizer removes from every raw HTML node of
// doc, and reports whether doc has any raw HTML.
func scanRawHTML(doc ast.Node, src []byte) (removed []Removal, any bool) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.HTMLBlock, *ast.RawHTML:
		default:
			return ast.WalkContinue, nil
		}
		segs := rawSegments(n)
		any = true
		var frag bytes.Buffer
		for _, s := range segs {
			frag.Write(src[s.start:s.stop])
		}
		for _, r := range sanitize.Scan(frag.String()) {
			off := sourceOffset(segs, r.Offset)
			line, col := lineCol(src, off)
			removed = append(removed, Removal{Line: line, Col: col, What: r.What})
		}
		return ast.WalkSkipChildren, nil
	})
	return removed, any
}

type segment struct{ start, stop int }

// sourceOffset maps an offset into the concatenated segments to src.
func sourceOffset(segs []segment, off int) int {
	for _, s := range segs {
		if off < s.stop-s.start {
			return s.start + off
		}
		off -= s.stop - s.start
	}
	if len(segs) > 0 {
		return segs[len(segs)-1].stop
	}
	return 0
}

func lineCol(src []byte, off int) (line, col int) {
	off = min(max(off, 0), len(src))
	before := src[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = off - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}
