package cite

import (
	"strings"
	"unicode"
)

// PageFromVersion returns the page of a newspaper's 版次 as GB/T 7714
// writes it: "第01版" → "1", "第 05 版" → "5", "A3版" → "A3", "第A03版" →
// "A3", "第01版：要闻" → "1". It reads full-width digits and letters, drops
// white space, keeps what comes before 版, and drops a leading 第. A number
// (after any Latin letters) loses its leading zeros; anything else is
// returned as it then reads ("要闻版" → "要闻").
func PageFromVersion(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return -1
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFF01 + '!'
		}
		return r
	}, s)
	if i := strings.Index(s, "版"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimPrefix(s, "第")
	letters := strings.TrimRightFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
	num := s[len(letters):]
	if num == "" || strings.IndexFunc(letters, func(r rune) bool { return !('A' <= r && r <= 'Z' || 'a' <= r && r <= 'z') }) >= 0 {
		return s
	}
	if n := strings.TrimLeft(num, "0"); n != "" {
		num = n
	} else {
		num = "0"
	}
	return letters + num
}
