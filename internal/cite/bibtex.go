package cite

import (
	"strings"
	"unicode"
)

// BibTeX returns w as one biblatex entry (see the package doc).
func BibTeX(w Work) string {
	w = w.clean()
	typ := "online"
	switch w.Kind {
	case Newspaper:
		typ = "article"
	case GovDoc:
		typ = "misc"
	}
	var fields [][2]string
	field := func(name, value string) {
		if value != "" {
			fields = append(fields, [2]string{name, value})
		}
	}
	if names := w.creators(); len(names) > 0 {
		if len(names) == 1 {
			field("author", "{"+bibEscape(names[0])+"}")
		} else {
			braced := make([]string, len(names))
			for i, n := range names {
				braced[i] = "{" + bibEscape(n) + "}"
			}
			field("author", strings.Join(braced, " and "))
		}
	}
	field("title", bibEscape(w.Title))
	switch w.Kind {
	case Newspaper:
		field("journal", bibEscape(w.Container))
		field("entrysubtype", "newspaper")
	case Online:
		field("organization", bibEscape(w.Container))
	case GovDoc:
		org := w.Issuer
		if org == "" {
			org = w.Container
		}
		field("organization", bibEscape(org))
		field("number", bibEscape(w.DocNumber))
	}
	field("date", w.Published.iso())
	field("pages", bibEscape(w.Page))
	if w.URL != "" {
		field("url", bibURL.Replace(w.URL))
		field("urldate", w.Accessed.iso())
	}
	if w.chinese() {
		field("langid", "chinese")
	} else {
		field("langid", "english")
	}

	var b strings.Builder
	b.WriteString("@" + typ + "{" + bibKey(w.id()) + ",\n")
	for _, f := range fields {
		b.WriteString("  " + f[0] + " = {" + f[1] + "},\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// bibEscape escapes the characters that TeX or BibTeX would read as
// markup.
func bibEscape(s string) string { return bibEscaper.Replace(s) }

var bibEscaper = strings.NewReplacer(
	`\`, `\textbackslash{}`,
	`{`, `\{`,
	`}`, `\}`,
	`%`, `\%`,
	`&`, `\&`,
	`$`, `\$`,
	`#`, `\#`,
	`_`, `\_`,
	`~`, `\textasciitilde{}`,
	`^`, `\textasciicircum{}`,
)

// bibURL escapes the braces of a URL, which BibTeX would read as markup.
var bibURL = strings.NewReplacer("{", "%7B", "}", "%7D")

// bibKey returns id with the characters a BibTeX key cannot hold replaced
// by "-".
func bibKey(id string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_:./", r) {
			return r
		}
		return '-'
	}, id)
}
