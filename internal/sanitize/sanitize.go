// Package sanitize makes raw HTML from scraped documents safe to publish.
// It is the only package that imports bluemonday.
//
// # Policy
//
// What a reader needs of a scraped page survives: paragraphs, line breaks,
// headings, emphasis, links, images, figures, tables, lists, quotations,
// code, definition lists, details, ruby annotations, and the attributes
// that carry meaning (href, src, alt, title, id, class, lang, dir, colspan,
// rowspan, datetime, start, a table cell's text-align). Everything else is
// removed:
//
//   - script, style, iframe, frame, object, embed, applet, form controls,
//     template, noscript, noembed, noframes, svg and math elements, with
//     their content, which ends at the element's own end tag (one of its
//     kind nested in it is counted); an end tag with no such element open
//     is ignored, as browsers ignore it;
//   - any other element not listed (font, center, Word's o:p), keeping its
//     text;
//   - event handlers (onclick, onerror, …), style (but a cell's alignment)
//     and every other attribute not listed;
//   - URLs whose scheme is not http, https, mailto or tel (javascript:,
//     data:, vbscript:); relative URLs are kept.
//
// HTML comments are dropped and not reported: they are not content.
//
// Policy is the table both the sanitizer and Scan are built from, so what
// Scan reports is what HTML removes.
package sanitize

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
)

// elements maps each allowed element to its allowed attributes besides the
// global ones.
var elements = map[string][]string{
	"p": nil, "br": nil, "hr": nil, "div": nil, "span": nil, "section": nil, "article": nil,
	"header": nil, "footer": nil, "aside": nil, "main": nil, "address": nil,
	"h1": nil, "h2": nil, "h3": nil, "h4": nil, "h5": nil, "h6": nil,
	"strong": nil, "b": nil, "em": nil, "i": nil, "u": nil, "s": nil, "strike": nil, "del": {"datetime", "cite"},
	"ins": {"datetime", "cite"}, "mark": nil, "small": nil, "big": nil, "sub": nil, "sup": nil, "code": nil, "pre": nil,
	"kbd": nil, "samp": nil, "var": nil, "tt": nil, "blockquote": {"cite"}, "q": {"cite"}, "cite": nil,
	"abbr": nil, "dfn": nil, "time": {"datetime"}, "bdi": nil, "bdo": nil, "wbr": nil,
	"a":      {"href", "name", "rel"},
	"img":    {"src", "alt", "width", "height", "loading"},
	"figure": nil, "figcaption": nil, "picture": nil,
	"ul": nil, "ol": {"start", "reversed", "type"}, "li": {"value"}, "dl": nil, "dt": nil, "dd": nil,
	"table": {"summary"}, "thead": nil, "tbody": nil, "tfoot": nil, "tr": nil, "caption": nil,
	"th": {"colspan", "rowspan", "scope", "align", "style"}, "td": {"colspan", "rowspan", "align", "style"},
	"colgroup": {"span"}, "col": {"span"},
	"details": {"open"}, "summary": nil, "ruby": nil, "rt": nil, "rp": nil,
	// goldmark's task list items.
	"input": {"type", "checked", "disabled"},
}

// global attributes are allowed on every allowed element.
var global = []string{"id", "class", "title", "lang", "dir", "role"}

// dropped elements are removed with their content. The list includes
// every element bluemonday drops with its content by default (noembed,
// noframes, nostyle, …), so that what Scan reports is what HTML does.
var dropped = []string{"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
	"template", "noscript", "noembed", "noframes", "nostyle", "svg", "math", "select", "textarea", "button",
	"option", "canvas", "audio", "video", "head", "title", "meta", "link", "base"}

// void elements have no content to drop.
func void(tag string) bool {
	return tag == "embed" || tag == "meta" || tag == "link" || tag == "base"
}

var urlAttrs = map[string]bool{"href": true, "src": true, "cite": true}

var schemes = []string{"http", "https", "mailto", "tel"}

var (
	alignEnum = regexp.MustCompile(`^(?i)(left|right|center|justify)$`)
	inputType = regexp.MustCompile(`^checkbox$`)
)

var policy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowStandardURLs()
	p.AllowURLSchemes(schemes...)
	p.AllowRelativeURLs(true)
	for _, el := range dropped {
		if !void(el) {
			p.SkipElementsContent(el)
		}
	}
	p.AllowAttrs(global...).Globally()
	names := make([]string, 0, len(elements))
	for el, attrs := range elements {
		names = append(names, el)
		for _, a := range attrs {
			switch a {
			case "style":
				continue
			case "type":
				if el == "input" {
					p.AllowAttrs(a).Matching(inputType).OnElements(el)
					continue
				}
			case "align":
				p.AllowAttrs(a).Matching(alignEnum).OnElements(el)
				continue
			}
			p.AllowAttrs(a).OnElements(el)
		}
	}
	p.AllowElements(names...)
	p.AllowStyles("text-align").MatchingEnum("left", "right", "center", "justify").OnElements("th", "td")
	p.AllowNoAttrs().OnElements("br", "hr", "wbr")
	// No rel="nofollow" and no target: links in an archive are citations.
	p.RequireNoFollowOnLinks(false)
	return p
})

// HTML sanitizes a fragment of HTML by the package's policy.
//
// The dropped elements are removed here, by the same rules Scan and Text
// follow, before bluemonday sees the fragment: bluemonday's own count of
// them goes below zero at a stray end tag (a "</form>" left over from a
// scraped page), after which it drops everything that follows the next one.
func HTML(b []byte) []byte {
	var kept bytes.Buffer
	var skip dropping
	gap := false
	z := html.NewTokenizer(bytes.NewReader(b))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		var name []byte
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken || tt == html.EndTagToken {
			name, _ = z.TagName()
		}
		if removed, _ := skip.next(tt, string(name)); removed {
			gap = true
			continue
		}
		if gap && kept.Len() > 0 {
			// An empty comment keeps the tokens on either side of what
			// was removed from running together ("<" and "p>").
			kept.WriteString("<!---->")
		}
		gap = false
		kept.Write(z.Raw())
	}
	return policy().SanitizeBytes(kept.Bytes())
}

// dropping follows a fragment's tokens through the dropped elements.
type dropping struct {
	tag   string // the dropped element being removed; "" outside one
	depth int    // how many elements named tag are open
}

// next reports whether the token of type tt (with tag name, for a tag) is
// removed with a dropped element, and whether it starts the removal.
func (d *dropping) next(tt html.TokenType, name string) (removed, starts bool) {
	if d.tag != "" {
		switch {
		case tt == html.StartTagToken && name == d.tag:
			d.depth++
		case tt == html.EndTagToken && name == d.tag:
			if d.depth--; d.depth == 0 {
				d.tag = ""
			}
		}
		return true, false
	}
	if (tt == html.StartTagToken || tt == html.SelfClosingTagToken || tt == html.EndTagToken) && slices.Contains(dropped, name) {
		if tt == html.StartTagToken && !void(name) {
			d.tag, d.depth = name, 1
		}
		return true, tt != html.EndTagToken
	}
	return false, false
}

// Removal is one thing HTML removes from a fragment.
type Removal struct {
	Offset int    // byte offset in the fragment of the tag it was found in
	What   string // "<script> and its content", "attribute onclick of <a>"
}

// Scan lists what HTML removes from a fragment, in order. Comments are not
// listed.
func Scan(fragment string) []Removal {
	var out []Removal
	z := html.NewTokenizer(strings.NewReader(fragment))
	off := 0
	var skip dropping
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		raw := len(z.Raw())
		at := off
		off += raw
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			if removed, starts := skip.next(tt, tag); removed || tt == html.EndTagToken {
				if starts {
					what := "<%s> and its content"
					if void(tag) || tt == html.SelfClosingTagToken {
						what = "<%s>"
					}
					out = append(out, Removal{at, fmt.Sprintf(what, tag)})
				}
				continue
			}
			allowed, ok := elements[tag]
			if !ok {
				out = append(out, Removal{at, fmt.Sprintf("<%s> (its text is kept)", tag)})
				continue
			}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attr := string(k)
				switch {
				case slices.Contains(global, attr):
				case !slices.Contains(allowed, attr):
					out = append(out, Removal{at, fmt.Sprintf("attribute %s of <%s>", attr, tag)})
				case attr == "style" && !alignStyle(string(v)):
					out = append(out, Removal{at, fmt.Sprintf("attribute style of <%s>", tag)})
				case attr == "align" && !alignEnum.MatchString(string(v)):
					out = append(out, Removal{at, fmt.Sprintf("attribute align of <%s>", tag)})
				case attr == "type" && tag == "input" && string(v) != "checkbox":
					out = append(out, Removal{at, fmt.Sprintf("<input type=%q>", v)})
				case urlAttrs[attr] && !safeURL(string(v)):
					out = append(out, Removal{at, fmt.Sprintf("%s URL in %s of <%s>", scheme(string(v)), attr, tag)})
				}
			}
		}
	}
}

func alignStyle(v string) bool {
	prop, val, ok := strings.Cut(strings.TrimSuffix(strings.TrimSpace(v), ";"), ":")
	return ok && strings.TrimSpace(strings.ToLower(prop)) == "text-align" && alignEnum.MatchString(strings.TrimSpace(val))
}

func safeURL(v string) bool {
	u, err := url.Parse(strings.TrimSpace(v))
	if err != nil {
		return false
	}
	return u.Scheme == "" || slices.Contains(schemes, strings.ToLower(u.Scheme))
}

func scheme(v string) string {
	u, err := url.Parse(strings.TrimSpace(v))
	if err != nil || u.Scheme == "" {
		return "malformed"
	}
	return strings.ToLower(u.Scheme) + ":"
}

// Text returns the text a reader sees of a fragment of HTML: text outside
// the elements HTML drops with their content, entities decoded, with a
// newline between blocks.
func Text(fragment string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(fragment))
	var skip dropping
	for {
		tt := z.Next()
		var tag string
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			tag = string(name)
		}
		if removed, _ := skip.next(tt, tag); removed {
			continue
		}
		switch {
		case tt == html.TextToken:
			b.Write(z.Text())
		case tt == html.EndTagToken:
		case tag == "br" || tag == "p" || tag == "div" || tag == "li" || tag == "tr" || len(tag) == 2 && tag[0] == 'h':
			b.WriteByte('\n')
		}
	}
}

// Blocks splits a fragment of HTML into its top-level elements (and runs
// of text between them), each as written: the paragraphs, headings, lists
// and tables of a rendered body, for showing two texts side by side.
func Blocks(fragment []byte) [][]byte {
	var out [][]byte
	z := html.NewTokenizer(bytes.NewReader(fragment))
	depth, start, off := 0, 0, 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		n := len(z.Raw())
		switch tt {
		case html.StartTagToken:
			name, _ := z.TagName()
			if !voidElement(string(name)) {
				depth++
			} else if depth == 0 {
				out = appendBlock(out, fragment[start:off+n])
				start = off + n
			}
		case html.EndTagToken:
			depth--
			if depth <= 0 {
				depth = 0
				out = appendBlock(out, fragment[start:off+n])
				start = off + n
			}
		case html.SelfClosingTagToken, html.TextToken, html.CommentToken:
			if depth == 0 && tt != html.TextToken {
				out = appendBlock(out, fragment[start:off+n])
				start = off + n
			}
		}
		off += n
	}
	return appendBlock(out, fragment[start:])
}

func appendBlock(out [][]byte, b []byte) [][]byte {
	if len(bytes.TrimSpace(b)) == 0 {
		return out
	}
	return append(out, bytes.TrimSpace(b))
}

func voidElement(tag string) bool {
	switch tag {
	case "br", "hr", "img", "input", "wbr", "col", "embed", "meta", "link", "base", "source", "area", "track":
		return true
	}
	return false
}
