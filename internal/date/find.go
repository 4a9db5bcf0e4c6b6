package date

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

var (
	// In file names and text.
	cnDayIn   = regexp.MustCompile(cnYear + `\s*年\s*` + cnSmall + `\s*月\s*` + cnSmall + `\s*[日号]`)
	cnMonthIn = regexp.MustCompile(cnYear + `\s*年\s*` + cnSmall + `\s*月`)
	isoDayIn  = regexp.MustCompile(`(\d{4})([-_./])(\d{1,2})[-_./](\d{1,2})`)
	compactIn = regexp.MustCompile(`\d{8}`)

	// A label naming a date at the start of a line: "日期：", "**发布日期**:".
	dateLabel = regexp.MustCompile(`^\**[\p{Han}A-Za-z ]{0,8}(?:日期|时间|[Dd]ate)\**\s*:\s*\**\s*`)
)

// found is a date found in a string, at s[start:end].
type found struct {
	date       Date
	start, end int
}

// FromName finds a date in a file name, as the package comment describes.
func FromName(name string) (Date, bool) {
	name = normalize(name)
	var best found
	ok := false
	for _, f := range findDates(name, true) {
		y := f.date.Year()
		if y < 1800 || y > 2199 {
			continue
		}
		if !ok || f.start < best.start {
			best, ok = f, true
		}
	}
	return best.date, ok
}

// FromText finds the date a document is "as of" in its opening lines, as
// the package comment describes. The result is a Day date; loc is not
// needed for that and is accepted for symmetry with Parse.
func FromText(text string, loc *time.Location) (Date, bool) {
	var latest Date
	n := 0
	for line := range strings.Lines(text) {
		if n++; n > 40 {
			break
		}
		line = normalize(line)
		if strings.Contains(line, "INFO END") || strings.HasPrefix(line, "## ") {
			break
		}
		line = stripMarkers(line)
		counted := false
		if m := dateLabel.FindString(line); m != "" {
			line, counted = line[len(m):], true
		}
		counted = counted || strings.HasPrefix(line, "(") || strings.HasPrefix(line, "【")
		dates := findDates(line, false)
		if !counted && (len(dates) == 0 || dates[0].start != 0) {
			continue
		}
		for _, f := range dates {
			if f.date.Precision() == Day && !effective(line, f) && f.date.Compare(latest) > 0 {
				latest = f.date
			}
		}
	}
	return latest, !latest.IsZero()
}

// stripMarkers removes what may open a Markdown line before its text: a
// quote marker, a list bullet, emphasis.
func stripMarkers(line string) string {
	for {
		t := strings.TrimLeft(line, " \t")
		for _, p := range []string{"> ", "- ", "+ ", "* "} {
			t = strings.TrimPrefix(t, p)
		}
		if !dateLabel.MatchString(t) {
			t = strings.TrimLeft(t, "*_")
		}
		if t == line {
			return t
		}
		line = t
	}
}

// effective reports whether the date f in line is an effective date: "自"
// before it, or "施行", "实施" or "生效" (perhaps after "起") just after it.
func effective(line string, f found) bool {
	before := strings.TrimRight(line[:f.start], " \t")
	if strings.HasSuffix(before, "自") {
		return true
	}
	after := strings.TrimLeft(line[f.end:], " \t")
	after = strings.TrimPrefix(after, "起")
	for _, w := range []string{"施行", "实施", "生效", "开始施行"} {
		if strings.HasPrefix(after, w) {
			return true
		}
	}
	return false
}

// findDates returns the valid dates in s, in order of position. In a name
// it also finds eight-digit dates (20250427) and Chinese months (2025年4月).
// A date must not touch other ASCII digits; an eight-digit one must not
// touch ASCII letters either.
func findDates(s string, name bool) []found {
	var out []found
	taken := func(i int) bool {
		for _, f := range out {
			if i >= f.start && i < f.end {
				return true
			}
		}
		return false
	}
	add := func(start, end int, d Date, reason string) {
		if reason == "" && !taken(start) && !touches(s, start, end, false) {
			out = append(out, found{d, start, end})
		}
	}
	for _, m := range cnDayIn.FindAllStringSubmatchIndex(s, -1) {
		d, reason := cnDate(s, m, true)
		add(m[0], m[1], d, reason)
	}
	if name {
		for _, m := range cnMonthIn.FindAllStringSubmatchIndex(s, -1) {
			d, reason := cnDate(s, m, false)
			add(m[0], m[1], d, reason)
		}
	}
	for _, m := range isoDayIn.FindAllStringSubmatchIndex(s, -1) {
		if !name && s[m[4]:m[5]] == "_" {
			continue
		}
		d, reason := fields{year: atoi(s[m[2]:m[3]]), month: atoi(s[m[6]:m[7]]), day: atoi(s[m[8]:m[9]])}.date(nil)
		add(m[0], m[1], d, reason)
	}
	if name {
		for _, m := range compactIn.FindAllStringIndex(s, -1) {
			if touches(s, m[0], m[1], true) {
				continue
			}
			t := s[m[0]:m[1]]
			d, reason := fields{year: atoi(t[:4]), month: atoi(t[4:6]), day: atoi(t[6:])}.date(nil)
			add(m[0], m[1], d, reason)
		}
	}
	// Few dates per string: a simple insertion sort by position.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].start < out[j-1].start; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// cnDate reads a cnDayIn or cnMonthIn match.
func cnDate(s string, m []int, day bool) (Date, string) {
	f := fields{month: -1, day: -1}
	var ok1, ok2, ok3 bool
	f.year, ok1 = cnNumber(s[m[2]:m[3]])
	f.month, ok2 = cnNumber(s[m[4]:m[5]])
	ok3 = true
	if day {
		f.day, ok3 = cnNumber(s[m[6]:m[7]])
	}
	if !ok1 || !ok2 || !ok3 {
		return Date{}, "unrecognized format"
	}
	return f.date(nil)
}

// touches reports whether s[start:end] has an ASCII digit (or, if letters,
// an ASCII letter) right before or after it. A Chinese-digit year
// (二〇二五年) must not follow another Chinese digit either.
func touches(s string, start, end int, letters bool) bool {
	bad := func(r rune) bool {
		return r >= '0' && r <= '9' || letters && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}
	if start > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:start])
		first, _ := utf8.DecodeRuneInString(s[start:])
		if bad(r) || first > utf8.RuneSelf && cnDigitValue(r) >= 0 {
			return true
		}
	}
	if end < len(s) {
		r, _ := utf8.DecodeRuneInString(s[end:])
		if bad(r) {
			return true
		}
	}
	return false
}
