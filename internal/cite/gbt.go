package cite

import (
	"strconv"
	"strings"
)

// GBT7714 returns w as an entry of a GB/T 7714-2015 reference list (see
// the package doc).
func GBT7714(w Work) string {
	w = w.clean()
	var parts []string
	if names := w.responsible(); len(names) > 0 {
		etal := ", et al."
		if w.chinese() {
			etal = ", 等"
		}
		if len(names) > 3 {
			parts = append(parts, strings.Join(names[:3], ", ")+etal)
		} else {
			parts = append(parts, strings.Join(names, ", "))
		}
	}
	title := w.Title
	if w.Kind == GovDoc && w.DocNumber != "" {
		title += ": " + w.DocNumber
	}
	code := "EB"
	switch w.Kind {
	case Newspaper:
		code = "N"
	case GovDoc:
		code = "A"
	}
	if w.URL != "" && w.Kind != Newspaper {
		code += "/OL"
	}
	parts = append(parts, title+"["+code+"]")

	switch {
	case w.Kind == Newspaper:
		var src []string
		if w.Container != "" {
			src = append(src, w.Container)
		}
		if d := w.Published.iso(); d != "" || w.Page != "" {
			if w.Page != "" {
				d += "(" + w.Page + ")"
			}
			src = append(src, d)
		}
		if len(src) > 0 {
			parts = append(parts, strings.Join(src, ", "))
		}
	case w.URL != "":
		var dates string
		if d := w.Published.iso(); d != "" {
			dates = "(" + d + ")"
		}
		if d := w.Accessed.iso(); d != "" {
			dates += "[" + d + "]"
		}
		if dates != "" {
			parts = append(parts, dates)
		}
		parts = append(parts, w.URL)
	case !w.Published.IsZero():
		parts = append(parts, strconv.Itoa(w.Published.Year))
	}
	return join(parts, ". ") + "."
}

// join joins parts with sep, whose leading period is dropped after a part
// that already ends a sentence ("et al.").
func join(parts []string, sep string) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			if terminal(parts[i-1]) {
				b.WriteString(strings.TrimPrefix(sep, "."))
			} else {
				b.WriteString(sep)
			}
		}
		b.WriteString(p)
	}
	return strings.TrimSuffix(b.String(), ".")
}
