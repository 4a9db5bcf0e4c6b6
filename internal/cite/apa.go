package cite

import (
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"
)

// span is a run of APA text, italic or not.
type span struct {
	text   string
	italic bool
}

// APA returns w as an APA 7 reference-list entry in plain text (see the
// package doc).
func APA(w Work) string {
	var b strings.Builder
	for _, s := range apa(w) {
		b.WriteString(s.text)
	}
	return b.String()
}

// APAHTML returns the entry APA returns as HTML, with the italic element
// in <i>.
func APAHTML(w Work) template.HTML {
	var b strings.Builder
	for _, s := range apa(w) {
		if s.italic {
			b.WriteString("<i>" + template.HTMLEscapeString(s.text) + "</i>")
		} else {
			b.WriteString(template.HTMLEscapeString(s.text))
		}
	}
	return template.HTML(b.String())
}

// apa returns the spans of w's APA entry.
func apa(w Work) []span {
	w = w.clean()
	names := w.responsible()
	var out []span
	add := func(s ...span) { out = append(out, s...) }
	// element adds spans as one element, followed by a period unless the
	// last one ends a sentence, and a space before the next element.
	element := func(s ...span) {
		text := ""
		for _, x := range s {
			text += x.text
		}
		if text == "" {
			return
		}
		if len(out) > 0 {
			add(span{text: " "})
		}
		add(s...)
		if !terminal(text) {
			add(span{text: "."})
		}
	}

	var title []span
	switch w.Kind {
	case Newspaper:
		title = []span{{text: w.Title}}
	case Online:
		title = []span{{text: w.Title, italic: true}}
	case GovDoc:
		title = []span{{text: w.Title, italic: true}}
		if w.DocNumber != "" {
			title = append(title, span{text: " (" + w.DocNumber + ")"})
		}
	}
	date := span{text: "(" + apaDate(w.Published) + ")"}
	if len(names) > 0 {
		element(span{text: apaNames(names)})
		element(date)
		element(title...)
	} else {
		element(title...)
		element(date)
	}

	switch w.Kind {
	case Newspaper:
		if w.Container != "" {
			src := []span{{text: w.Container, italic: true}}
			if w.Page != "" {
				src = append(src, span{text: ", " + w.Page})
			}
			element(src...)
		} else if w.Page != "" {
			element(span{text: w.Page})
		}
		return out
	case Online:
		if w.Container != "" && !slices.Contains(names, w.Container) {
			element(span{text: w.Container})
		}
	case GovDoc:
		if w.Issuer != "" && !slices.Contains(names, w.Issuer) {
			element(span{text: w.Issuer})
		}
	}
	if w.URL != "" {
		add(span{text: " " + w.URL})
	}
	return out
}

// apaNames joins names as APA lists authors.
func apaNames(names []string) string {
	switch n := len(names); {
	case n == 1:
		return names[0]
	case n > 20:
		return strings.Join(names[:19], ", ") + ", … " + names[n-1]
	default:
		return strings.Join(names[:n-1], ", ") + ", & " + names[n-1]
	}
}

// apaDate writes d as APA dates a work: 2025, April 27.
func apaDate(d Date) string {
	p := d.parts()
	if len(p) == 0 {
		return "n.d."
	}
	s := strconv.Itoa(p[0])
	if len(p) > 1 {
		s += ", " + time.Month(p[1]).String()
	}
	if len(p) > 2 {
		s += " " + strconv.Itoa(p[2])
	}
	return s
}
