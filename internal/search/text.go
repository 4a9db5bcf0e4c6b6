package search

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// skipped are elements whose content a reader does not see as text.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Template: true, atom.Noscript: true,
	atom.Head: true, atom.Title: true, atom.Svg: true, atom.Math: true,
	atom.Iframe: true, atom.Object: true, atom.Rp: true, atom.Select: true,
}

// blocks are elements that start a new line.
var blocks = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Br: true, atom.Caption: true, atom.Dd: true, atom.Details: true, atom.Div: true,
	atom.Dl: true, atom.Dt: true, atom.Fieldset: true, atom.Figcaption: true,
	atom.Figure: true, atom.Footer: true, atom.Form: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Header: true,
	atom.Hr: true, atom.Li: true, atom.Main: true, atom.Nav: true, atom.Ol: true,
	atom.P: true, atom.Pre: true, atom.Section: true, atom.Summary: true,
	atom.Table: true, atom.Tbody: true, atom.Td: true, atom.Tfoot: true, atom.Th: true,
	atom.Thead: true, atom.Tr: true, atom.Ul: true, atom.Body: true, atom.Html: true,
}

// TextFromHTML returns the text a reader sees in rendered body HTML, for
// Doc.Text: block elements on lines of their own, white space inside a
// line collapsed, scripts, styles and templates left out, entities
// decoded. The text of an image is its alt text.
func TextFromHTML(b []byte) string {
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
			if skipped[a] {
				if tt == html.StartTagToken {
					skip++
				}
				continue
			}
			if skip > 0 {
				continue
			}
			if blocks[a] && pending {
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
			if skipped[a] {
				if skip > 0 {
					skip--
				}
				continue
			}
			if skip == 0 && blocks[a] && pending {
				endLine()
			}
		}
	}
}
