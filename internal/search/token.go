package search

import (
	"unicode"
	"unicode/utf8"
)

// Character classes, after folding.
const (
	sep     = iota // whitespace, punctuation, symbols: breaks words and bigrams, counts one gap
	han            // Han, kana, Hangul: one unit per character, indexed as bigrams
	word           // other letters, digits and marks: a run of them is one unit
	ignored        // invisible format characters: dropped
)

// titleSpan is the position where the body starts: title units have
// positions below it, body units at or above it. Titles are indexed up to
// maxTitleUnits units.
const (
	titleSpan     = 1024
	maxTitleUnits = 1000
)

// fold folds one code point: full-width ASCII to ASCII, the ideographic
// space to a space, and letters of the Latin, Greek, Cyrillic and Armenian
// blocks and of Latin Extended Additional to lower case (simple mapping,
// except U+0130, whose lower case is two code points in JavaScript).
func fold(r rune) rune {
	switch {
	case r < 0x80:
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	case r == 0x3000:
		return ' '
	case r == 0x130:
		return r
	case r < 0x530 || (r >= 0x1E00 && r < 0x1F00):
		return unicode.ToLower(r)
	}
	return r
}

// class returns the class of a folded code point.
func class(r rune) int {
	switch {
	case r < 0x80:
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z' {
			return word
		}
		return sep
	case r == 0xAD, r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E,
		r >= 0x2060 && r <= 0x2064, r >= 0x2066 && r <= 0x2069,
		r >= 0xFE00 && r <= 0xFE0F, r == 0xFEFF:
		return ignored
	case r >= 0x3005 && r <= 0x3007, r >= 0x3041 && r <= 0x3096, r >= 0x309D && r <= 0x309F,
		r >= 0x30A1 && r <= 0x30FA, r >= 0x30FC && r <= 0x30FF,
		r >= 0x3400 && r <= 0x4DBF, r >= 0x4E00 && r <= 0x9FFF, r >= 0xF900 && r <= 0xFAFF,
		r >= 0xAC00 && r <= 0xD7A3, r >= 0x20000 && r <= 0x3FFFF:
		return han
	case unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r):
		return word
	}
	return sep
}

// normalize folds s and drops ignored characters: the form in which
// documents and queries are compared.
func normalize(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		r = fold(r)
		if class(r) != ignored {
			b = utf8.AppendRune(b, r)
		}
	}
	return string(b)
}

// A unit is one Han character or one word, at a position. Positions count
// units, plus one for every run of separators, so two units are adjacent
// in the text exactly when their positions are consecutive.
type unit struct {
	pos  int32
	han  rune   // the character, for a Han unit
	word string // the folded word, for a word unit
	off  int    // byte offset of the unit's first character in the source
}

// scan splits folded text into units, numbering them from pos. It returns
// the units and the position after the text.
func scan(dst []unit, s string, pos int32) ([]unit, int32) {
	prev := sep
	wstart := -1 // byte offset in s where the current word began
	var wbuf []byte
	endWord := func() {
		if wstart >= 0 {
			dst = append(dst, unit{pos: pos, word: string(wbuf), off: wstart})
			pos++
			wstart = -1
			wbuf = wbuf[:0]
		}
	}
	for i, r := range s {
		r = fold(r)
		c := class(r)
		switch c {
		case ignored:
			continue
		case han:
			endWord()
			dst = append(dst, unit{pos: pos, han: r, off: i})
			pos++
		case word:
			if wstart < 0 {
				wstart = i
			}
			wbuf = utf8.AppendRune(wbuf, r)
		case sep:
			endWord()
			if prev != sep {
				pos++
			}
		}
		prev = c
	}
	endWord()
	return dst, pos
}

// countUnits is the number of units scan finds in s.
func countUnits(s string) int {
	n := 0
	inWord := false
	for _, r := range s {
		switch class(fold(r)) {
		case han:
			if inWord {
				n++
			}
			n++
			inWord = false
		case word:
			inWord = true
		case sep:
			if inWord {
				n++
			}
			inWord = false
		}
	}
	if inWord {
		n++
	}
	return n
}

// A token is what the index keys: a Han bigram ("人工"), a lone Han
// character ("股"), a word ("gdp", "2025"), or a filter value (tagKey,
// facetKey).
type token struct {
	text string
	pos  int32
}

// adjacent reports whether units i and i+1 of us are adjacent Han characters.
func adjacentHan(us []unit, i int) bool {
	return i+1 < len(us) && us[i].han != 0 && us[i+1].han != 0 && us[i+1].pos == us[i].pos+1
}

// An itoken is an indexed token: a Han bigram or character, packed in
// key, or a word.
type itoken struct {
	key  uint64 // hanBigram or hanChar bits and the characters; 0 for a word
	word string
	pos  int32
}

const (
	hanBigram = 1 << 62
	hanChar   = 1 << 63
)

func (t itoken) text() string {
	switch {
	case t.key&hanBigram != 0:
		return string([]rune{rune(t.key >> 21 & 0x1FFFFF), rune(t.key & 0x1FFFFF)})
	case t.key&hanChar != 0:
		return string(rune(t.key & 0x1FFFFF))
	}
	return t.word
}

// docTokens returns the tokens indexed for a document's units: every word;
// every bigram of adjacent Han characters; and a Han character on its own
// where it is in the title, has no Han neighbour, or touches a word. The
// last rule lets "A股" and "第5条" find "A股市场" and "依照第5条规定".
func docTokens(dst []itoken, us []unit) []itoken {
	for i, u := range us {
		if u.han == 0 {
			dst = append(dst, itoken{word: u.word, pos: u.pos})
			continue
		}
		next := adjacentHan(us, i)
		if next {
			dst = append(dst, itoken{key: hanBigram | uint64(u.han)<<21 | uint64(us[i+1].han), pos: u.pos})
		}
		prevHan := i > 0 && adjacentHan(us, i-1)
		touchesWord := i > 0 && us[i-1].han == 0 && us[i-1].pos == u.pos-1 ||
			i+1 < len(us) && us[i+1].han == 0 && us[i+1].pos == u.pos+1
		if u.pos < titleSpan || !next && !prevHan || touchesWord {
			dst = append(dst, itoken{key: hanChar | uint64(u.han), pos: u.pos})
		}
	}
	return dst
}

// cover returns the tokens that prove a query term's units occur together
// at the same relative positions: every word, every lone Han character,
// and for a run of adjacent Han characters bigrams at offsets 0, 2, 4, …
// plus one ending at the run's last character. Positions are relative to
// the term's first unit.
func cover(us []unit) []token {
	var ts []token
	base := int32(0)
	if len(us) > 0 {
		base = us[0].pos
	}
	for i := 0; i < len(us); {
		u := us[i]
		if u.han == 0 {
			ts = append(ts, token{u.word, u.pos - base})
			i++
			continue
		}
		j := i + 1
		for j < len(us) && adjacentHan(us, j-1) {
			j++
		}
		run := us[i:j]
		if len(run) == 1 {
			ts = append(ts, token{string(u.han), u.pos - base})
		} else {
			k := 0
			for ; k+1 < len(run); k += 2 {
				ts = append(ts, token{string([]rune{run[k].han, run[k+1].han}), run[k].pos - base})
			}
			if k == len(run)-1 {
				ts = append(ts, token{string([]rune{run[k-1].han, run[k].han}), run[k-1].pos - base})
			}
		}
		i = j
	}
	return ts
}

// shardKey is what a token's shard is chosen by: a word's first three
// characters, so that the words sharing a prefix share a shard; any other
// token whole.
func shardKey(t string) string {
	r, _ := utf8.DecodeRuneInString(t)
	if class(r) != word {
		return t
	}
	n := 0
	for i := range t {
		if n == prefixLen {
			return t[:i]
		}
		n++
	}
	return t
}

// prefixLen is the shortest last word that is also matched as a prefix.
const prefixLen = 3

// fnv32 is the 32-bit FNV-1a hash of s.
func fnv32(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// Filter tokens: a tag or a facet value, which cannot collide with text
// tokens because they start with a control character.
func tagToken(tag string) string          { return "\x01" + tag }
func facetToken(key, value string) string { return "\x02" + key + "\x1f" + value }
