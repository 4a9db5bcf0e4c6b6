package policy

import (
	"strings"
	"unicode"
)

// Measures are counts of a text and its reading time.
type Measures struct {
	Han     int // Han, Hiragana, Katakana and Hangul characters
	Latin   int // words of other letters and digits
	Minutes int // reading time, rounded up
}

// Measure counts text and estimates its reading time (see the package doc).
func Measure(text string) Measures {
	var m Measures
	inWord := false // inside a word
	joiner := false // the previous rune was a joiner inside a word
	for _, r := range text {
		switch {
		case isHan(r):
			m.Han++
			inWord, joiner = false, false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !inWord {
				m.Latin++
			}
			inWord, joiner = true, false
		case inWord && !joiner && (r == '\'' || r == '’' || r == '-'):
			joiner = true
		default:
			inWord, joiner = false, false
		}
	}
	if units := m.Han + 2*m.Latin; units > 0 {
		m.Minutes = (units + 399) / 400
	}
	return m
}

// isHan reports whether r is counted as a Han character.
func isHan(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// Summary shortens text to at most max runes, at a sentence end where it
// can (see the package doc).
func Summary(text string, max int) string {
	if max <= 0 {
		return ""
	}
	text = strings.Join(strings.Fields(text), " ")
	rs := []rune(text)
	if len(rs) <= max {
		return text
	}
	best := 0
	for i := 0; i < max; i++ {
		if end, ok := sentenceEnd(rs, i); ok && end <= max {
			best = end
		}
	}
	if best > 0 && 2*best >= max {
		return strings.TrimSpace(string(rs[:best]))
	}
	cut := max - 1 // room for "…"
	if cut > 0 && isWordRune(rs[cut-1]) && isWordRune(rs[cut]) {
		for j := cut - 1; 2*j >= cut; j-- {
			if rs[j] == ' ' {
				cut = j
				break
			}
		}
	}
	return strings.TrimRight(string(rs[:cut]), " 、，；：,;:") + "…"
}

// sentenceEnd reports whether rs[i] ends a sentence and where the sentence
// ends, closing quotes and brackets included.
func sentenceEnd(rs []rune, i int) (end int, ok bool) {
	r := rs[i]
	cjk := r == '。' || r == '！' || r == '？'
	if !cjk && r != '.' && r != '!' && r != '?' {
		return 0, false
	}
	end = i + 1
	for end < len(rs) && strings.ContainsRune("”’」』\"')）", rs[end]) {
		end++
	}
	if !cjk && end < len(rs) && rs[end] != ' ' {
		return 0, false
	}
	return end, true
}

// isWordRune reports whether r belongs to a Latin word, which a cut should
// not split.
func isWordRune(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !isHan(r)
}
