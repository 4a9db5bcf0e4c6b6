package policy

import (
	"strings"
	"unicode"
)

// Key returns the grouping key of a facet value (see the package doc).
func Key(v string) string {
	var b strings.Builder
	b.Grow(len(v))
	space := false // a space is pending between two kept runes
	for _, r := range v {
		switch {
		case isZeroWidth(r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(fold(r))
	}
	return b.String()
}

// fold maps one non-space rune to its key form.
func fold(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		r -= 0xFF01 - '!'
	}
	switch r {
	case '〔', '【', '〖', '﹝':
		return '['
	case '〕', '】', '〗', '﹞':
		return ']'
	case '⦅':
		return '('
	case '⦆':
		return ')'
	}
	if r < 0x80 {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	if unicode.Is(unicode.Latin, r) {
		return unicode.ToLower(r)
	}
	return r
}

// isZeroWidth reports whether r is one of the invisible characters that
// scraped text carries: U+200B–U+200D, U+2060, U+FEFF.
func isZeroWidth(r rune) bool {
	return r >= 0x200B && r <= 0x200D || r == 0x2060 || r == 0xFEFF
}
