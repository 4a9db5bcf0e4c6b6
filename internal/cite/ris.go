package cite

import (
	"strconv"
	"strings"
)

// RIS returns w as one RIS record with CRLF line ends (see the package
// doc).
func RIS(w Work) string {
	w = w.clean()
	var b strings.Builder
	line := func(tag, value string) {
		if value != "" || tag == "ER" {
			b.WriteString(tag + "  - " + value + "\r\n")
		}
	}
	switch w.Kind {
	case Newspaper:
		line("TY", "NEWS")
	case GovDoc:
		line("TY", "GOVDOC")
	default:
		line("TY", "ELEC")
	}
	line("ID", w.id())
	for _, a := range w.creators() {
		line("AU", a)
	}
	line("TI", w.Title)
	if w.Kind == GovDoc {
		line("PB", w.Issuer)
		line("SN", w.DocNumber)
	} else {
		line("T2", w.Container)
	}
	if !w.Published.IsZero() {
		line("PY", strconv.Itoa(w.Published.Year))
	}
	line("DA", risDate(w.Published))
	line("SP", w.Page)
	line("UR", w.URL)
	line("Y2", risDate(w.Accessed))
	line("LA", w.lang())
	line("ER", "")
	return b.String()
}

// risDate writes d as 2025/04/27/, with empty parts for an unknown month
// or day (2019///), or "" for the zero Date.
func risDate(d Date) string {
	p := d.parts()
	if len(p) == 0 {
		return ""
	}
	s := strconv.Itoa(p[0]) + "/"
	for i := 1; i < 3; i++ {
		if i < len(p) {
			if p[i] < 10 {
				s += "0"
			}
			s += strconv.Itoa(p[i])
		}
		s += "/"
	}
	return s
}
