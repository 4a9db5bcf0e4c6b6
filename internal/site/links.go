package site

import (
	"bytes"
	"fmt"
	"html"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/folio-ssg/folio/internal/diag"
)

// Link is a local link in a document's body: relative to its source file
// or to the site. Its destination in Doc.Raw is Marker.
type Link struct {
	Dest   string        // as written: "./other.md", "../laws/宪法.md#第一章", "/tags/"
	Marker string        // what stands for it in Doc.Raw until the site resolves it
	Pos    diag.Position // in the source file
}

// resolveLinks gives every document's local links their URLs.
//
// A relative link names a file beside the document's source: another
// document's source file becomes that document's URL, with the fragment
// kept ("../laws/宪法.md#第一章" → "/laws/宪法/#第一章"); a folder with
// documents becomes its section page; any other file (an image, a PDF) is
// the asset published at the same place. A root-relative link ("/tags/")
// is a site path and gets the base path. Links are made like every other
// link of the page: relative when the site has no base URL. A link to
// nothing, or to a draft that is not published, is a warning, and the link
// is left as written.
func (s *Site) resolveLinks() (warnings []string) {
	// Without a local link there is nothing to resolve, and no index of
	// every document and page to make.
	if !slices.ContainsFunc(s.Docs, func(d *Doc) bool { return len(d.Links) > 0 }) {
		return nil
	}
	bySource := make(map[string]*Doc, len(s.Docs))
	for _, d := range s.Docs {
		bySource[d.Doc.Path] = d
	}
	all := s.Pages()
	pages := make(map[string]bool, len(all))
	for _, p := range all {
		pages[p.Path] = true
	}
	for _, d := range s.Docs {
		if len(d.Links) == 0 {
			continue
		}
		d.targets = make([]string, len(d.Links))
		for i, l := range d.Links {
			target, problem := s.resolve(d, l.Dest, bySource, pages)
			if problem != "" {
				warnings = append(warnings, fmt.Sprintf("%s: link to %s: %s", l.Pos, l.Dest, problem))
				continue
			}
			d.targets[i] = target
		}
	}
	return warnings
}

// Raw is the document's rendered body with a marker for each of its
// local links.
func (d *Doc) Raw() []byte {
	if d.HTMLFrom == nil {
		return nil
	}
	return d.HTMLFrom()
}

// HTML is the document's rendered body with its local links resolved, for
// its page. The body is read (and its links resolved) on each call: a
// large collection's bodies are not all held at once.
func (d *Doc) HTML() []byte {
	if len(d.Links) == 0 {
		return d.Raw()
	}
	return d.substitute(func(t string) string { return d.site.URLFrom(d.Path, t) })
}

// resolve finds the site path a link leads to, with its query and
// fragment, or says what is wrong.
func (s *Site) resolve(d *Doc, dest string, bySource map[string]*Doc, pages map[string]bool) (target, problem string) {
	u, err := url.Parse(dest)
	if err != nil {
		return "", "not a valid URL"
	}
	suffix := ""
	if u.RawQuery != "" {
		suffix += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		suffix += "#" + u.Fragment // heading ids are written as they read: #第一章
	}
	p := u.Path
	if strings.HasPrefix(p, "/") {
		clean := path.Clean(p)
		if strings.HasSuffix(p, "/") && clean != "/" {
			clean += "/"
		}
		if pages[clean] || pages[clean+"/"] || s.Config.Files != nil && s.Config.Files(clean) {
			if pages[clean+"/"] {
				clean += "/"
			}
			return clean + suffix, ""
		}
		return "", "no page or file of the site has that URL"
	}
	src := path.Join("content", d.Doc.Dir(), p)
	if src != "content" && !strings.HasPrefix(src, "content/") {
		return "", "it leads out of content/"
	}
	if t := bySource[src]; t != nil {
		return t.Path + suffix, ""
	}
	if s.Config.Drafts != nil && s.Config.Drafts(src) {
		return "", "it is a draft, which this build leaves out"
	}
	rel := strings.TrimPrefix(src, "content")
	if sec := s.bySection[strings.TrimPrefix(rel, "/")]; sec != nil && sec.Total > 0 {
		return sec.Path + suffix, ""
	}
	if rel != "" && s.Config.Files != nil && s.Config.Files(rel) {
		return rel + suffix, ""
	}
	return "", "no document or file " + src
}

// substitute writes the document's HTML with each link marker replaced by
// url(target), or by the link as written where it was not resolved.
func (d *Doc) substitute(url func(target string) string) []byte {
	raw := d.Raw()
	var b bytes.Buffer
	b.Grow(len(raw) + 64*len(d.Links))
	rest := raw
	for i, l := range d.Links {
		j := bytes.Index(rest, []byte(l.Marker))
		if j < 0 {
			continue
		}
		b.Write(rest[:j])
		if t := d.target(i); t != "" {
			p, suffix := t, ""
			if j := strings.IndexAny(t, "?#"); j >= 0 {
				p, suffix = t[:j], t[j:]
			}
			b.WriteString(html.EscapeString(url(p) + suffix))
		} else {
			b.WriteString(html.EscapeString(l.Dest))
		}
		rest = rest[j+len(l.Marker):]
	}
	b.Write(rest)
	return b.Bytes()
}

// AbsHTML is the document's body with its local links absolute, for feeds
// read away from the site.
func (d *Doc) AbsHTML() []byte {
	if len(d.Links) == 0 {
		return d.Raw()
	}
	return d.substitute(d.site.AbsURL)
}

// target is where link i leads, or "" before the site resolved it or where
// it leads nowhere.
func (d *Doc) target(i int) string {
	if i < len(d.targets) {
		return d.targets[i]
	}
	return ""
}

// LinkTargets lists where the document's local links lead, for page stamps.
func (d *Doc) LinkTargets() string {
	var b strings.Builder
	for i, t := range d.targets {
		b.WriteString(strconv.Itoa(i))
		b.WriteByte('=')
		b.WriteString(t)
		b.WriteByte(0)
	}
	return b.String()
}

// ReplaceBody gives d, in place, the body of nd: d's document read again,
// whose front matter the caller found unchanged (folio serve's preview of
// an edit). It changes nothing and reports false when the new body's
// links would change what the site was made from: their number, where
// they lead, or the position of one that leads nowhere, which a warning
// names. The site stays as New made it, but for the body, its reading
// time and characters, and the document's source digest.
func (d *Doc) ReplaceBody(nd *Doc) bool {
	if len(nd.Links) != len(d.Links) {
		return false
	}
	for i, l := range nd.Links {
		old := d.Links[i]
		if l.Dest != old.Dest || l.Marker != old.Marker || d.target(i) == "" && l.Pos != old.Pos {
			return false
		}
	}
	d.Doc, d.HTMLFrom, d.Links, d.Sum, d.Minutes, d.Chars = nd.Doc, nd.HTMLFrom, nd.Links, nd.Sum, nd.Minutes, nd.Chars
	return true
}
