package markdown

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"golang.org/x/net/html"
)

// Link is a link or image in a body whose destination is relative to the
// document's source file ("./other.md", "../laws/宪法.md#第一章",
// "img/a.png") or to the site ("/laws/"). Its destination in Result.HTML
// is LinkMarker(i), for the site to replace once it knows every URL.
type Link struct {
	Dest      string // as written
	Image     bool
	Line, Col int // of the link in the body, 1-based
}

// markerPrefix starts every link marker: a root-relative path, which the
// sanitizer keeps, that no real link has.
const markerPrefix = "/__folio_link__/"

// LinkMarker is the destination written for the i-th Link.
func LinkMarker(i int) string { return markerPrefix + strconv.Itoa(i) + "/" }

// Local reports whether a destination is relative to the document or the
// site, rather than absolute (https:, mailto:, //host) or a fragment of
// the page itself.
func Local(dest string) bool {
	if dest == "" || strings.HasPrefix(dest, "#") || strings.HasPrefix(dest, "//") {
		return false
	}
	// A browser drops leading spaces and controls, and tabs and newlines
	// anywhere, before it reads a scheme: " java\tscript:x" is a script.
	if strings.TrimFunc(dest, func(r rune) bool { return r <= ' ' }) != dest || strings.ContainsAny(dest, "\t\n\r") {
		return false
	}
	u, err := url.Parse(dest)
	return err == nil && u.Scheme == ""
}

// links is the AST transformer that collects local links and puts markers
// in their place.
type links struct {
	key parser.ContextKey
}

func (l *links) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	st, ok := pc.Get(l.key).(*dedupState)
	if !ok || !st.opt.Links {
		return
	}
	src := reader.Source()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var dest *[]byte
		image := false
		switch n := n.(type) {
		case *ast.RawHTML, *ast.HTMLBlock:
			l.rawLinks(n, src, st)
			return ast.WalkSkipChildren, nil
		case *ast.Link:
			dest = &n.Destination
		case *ast.Image:
			dest, image = &n.Destination, true
		default:
			return ast.WalkContinue, nil
		}
		d := string(*dest)
		if !Local(d) {
			return ast.WalkContinue, nil
		}
		line, col := nodePosition(n, src, image)
		st.links = append(st.links, Link{Dest: d, Image: image, Line: line, Col: col})
		*dest = []byte(LinkMarker(len(st.links) - 1))
		return ast.WalkContinue, nil
	})
}

// rewrite replaces src[start:stop] with text when raw HTML is written.
type rewrite struct {
	start, stop int
	text        string
}

// rewritesAttr names the node attribute that carries a raw HTML node's
// rewrites to the renderer.
var rewritesAttr = []byte("folio-rewrites")

// rawLinks finds local URLs in the href and src attributes of raw HTML
// (scraped pages link their images and neighbours too) and arranges for
// markers to be written in their place.
func (l *links) rawLinks(n ast.Node, src []byte, st *dedupState) {
	var rws []rewrite
	for _, s := range rawSegments(n) {
		frag := src[s.start:s.stop]
		z := html.NewTokenizer(bytes.NewReader(frag))
		off := 0
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				break
			}
			raw := z.Raw()
			start := off
			off += len(raw)
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			_, hasAttr := z.TagName()
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if a := string(k); a != "href" && a != "src" {
					continue
				}
				dest := string(v)
				if !Local(dest) {
					continue
				}
				// Find the written value in the tag to replace it.
				i := bytes.Index(raw, v)
				if i < 0 || bytes.Contains(v, []byte("&")) {
					continue
				}
				at := s.start + start + i
				line, col := lineCol(src, at)
				st.links = append(st.links, Link{Dest: dest, Image: string(k) == "src", Line: line, Col: col})
				rws = append(rws, rewrite{at, at + len(v), LinkMarker(len(st.links) - 1)})
				raw = raw[i+len(v):]
				start += i + len(v)
			}
		}
	}
	if len(rws) > 0 {
		n.SetAttribute(rewritesAttr, rws)
	}
}

// rawSegments are the source ranges of a raw HTML node.
func rawSegments(n ast.Node) []segment {
	var segs []segment
	switch n := n.(type) {
	case *ast.HTMLBlock:
		lines := n.Lines()
		for i := range lines.Len() {
			s := lines.At(i)
			segs = append(segs, segment{s.Start, s.Stop})
		}
		if n.HasClosure() {
			segs = append(segs, segment{n.ClosureLine.Start, n.ClosureLine.Stop})
		}
	case *ast.RawHTML:
		for i := range n.Segments.Len() {
			s := n.Segments.At(i)
			segs = append(segs, segment{s.Start, s.Stop})
		}
	}
	return segs
}

// nodePosition is where an inline link starts: just before its first text.
func nodePosition(n ast.Node, src []byte, image bool) (line, col int) {
	back := 1
	if image {
		back = 2
	}
	for c := n.FirstChild(); c != nil; c = c.FirstChild() {
		if t, ok := c.(*ast.Text); ok {
			return lineCol(src, t.Segment.Start-back)
		}
	}
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
			return lineCol(src, p.Lines().At(0).Start)
		}
	}
	return 1, 1
}
