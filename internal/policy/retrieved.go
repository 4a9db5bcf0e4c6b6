package policy

import (
	"strconv"
	"strings"
	"time"
)

// footerLines is how many non-blank lines at the end of a body Retrieved
// examines.
const footerLines = 3

// Retrieved finds the footer line that says when body was retrieved (see
// the package doc). footerStart and footerEnd are the byte offsets of
// that line in body, its line break included.
func Retrieved(body string) (t time.Time, footerStart, footerEnd int, ok bool) {
	end := len(body)
	for seen := 0; seen < footerLines && end > 0; {
		lineEnd := end
		if body[lineEnd-1] == '\n' {
			lineEnd--
		}
		lineStart := strings.LastIndexByte(body[:lineEnd], '\n') + 1
		line := strings.TrimSuffix(body[lineStart:lineEnd], "\r")
		if strings.TrimSpace(line) != "" {
			seen++
			if when, found := retrievedLine(line); found {
				return when, lineStart, end, true
			}
		}
		end = lineStart
	}
	return time.Time{}, 0, 0, false
}

// retrievedLine reads one footer line.
func retrievedLine(line string) (time.Time, bool) {
	line = strings.ReplaceAll(line, "*", "")
	line = strings.TrimSpace(strings.Trim(strings.TrimSpace(line), "_"))
	label := ""
	for _, l := range [...]string{"处理时间", "抓取时间", "采集时间", "获取时间", "retrieved on", "accessed on", "retrieved", "accessed"} {
		if len(line) >= len(l) && strings.EqualFold(line[:len(l)], l) {
			label = l
			break
		}
	}
	if label == "" {
		return time.Time{}, false
	}
	rest := strings.TrimSpace(line[len(label):])
	switch {
	case strings.HasPrefix(rest, ":"):
		rest = rest[len(":"):]
	case strings.HasPrefix(rest, "："):
		rest = rest[len("："):]
	case strings.HasSuffix(label, " on"):
	default:
		return time.Time{}, false
	}
	return parseRetrieved(rest)
}

// beijing returns China Standard Time, UTC+08:00.
func beijing() *time.Location { return time.FixedZone("CST", 8*3600) }

// parseRetrieved reads a time with an optional zone note after it.
func parseRetrieved(s string) (time.Time, bool) {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '：':
			return ':'
		case r == '－':
			return '-'
		case r == '（':
			return '('
		case r == '）':
			return ')'
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	loc := time.UTC
	if i := strings.IndexAny(s, "(北"); i > 0 {
		var ok bool
		if loc, ok = zoneNote(strings.TrimSpace(s[i:])); !ok {
			return time.Time{}, false
		}
		s = strings.TrimSpace(s[:i])
	}
	if len(s) > len("2006-01-02") && s[len("2006-01-02")] == ' ' {
		s = s[:len("2006-01-02")] + "T" + strings.TrimLeft(s[len("2006-01-02"):], " ")
	}
	for _, layout := range [...]string{time.RFC3339, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	for _, layout := range [...]string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// zoneNote reads the zone note after a time: 北京时间, (北京时间), (UTC),
// (UTC+8), (UTC+08:00), (GMT+8).
func zoneNote(s string) (*time.Location, bool) {
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if s == "北京时间" {
		return beijing(), true
	}
	var off string
	switch {
	case s == "UTC" || s == "GMT":
		return time.UTC, true
	case strings.HasPrefix(s, "UTC"), strings.HasPrefix(s, "GMT"):
		off = s[3:]
	default:
		return nil, false
	}
	if len(off) < 2 || off[0] != '+' && off[0] != '-' {
		return nil, false
	}
	hh, mm, _ := strings.Cut(off[1:], ":")
	h, err := strconv.Atoi(hh)
	if err != nil || len(hh) > 2 || h > 14 {
		return nil, false
	}
	m := 0
	if mm != "" {
		if m, err = strconv.Atoi(mm); err != nil || len(mm) != 2 || m > 59 {
			return nil, false
		}
	}
	sec := (h*60 + m) * 60
	if off[0] == '-' {
		sec = -sec
	}
	return time.FixedZone("", sec), true
}
