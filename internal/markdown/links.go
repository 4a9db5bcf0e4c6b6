package markdown

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
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
	u, err := url.Parse(dest)
	return err != nil || u.Scheme == ""
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
