package markdown

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
)

// headingIDs is a parser.IDs that keeps Chinese in heading ids. A new one
// is made for each document.
type headingIDs struct {
	used map[string]bool
	next map[string]int // last suffix tried for each base id
}

func newHeadingIDs() *headingIDs {
	return &headingIDs{used: map[string]bool{}, next: map[string]int{}}
}

// Generate returns a unique id for a heading with source text value.
func (s *headingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	base := slug(string(value))
	id := base
	for n := s.next[base]; s.used[id]; {
		n++
		s.next[base] = n
		id = base + "-" + strconv.Itoa(n)
	}
	s.used[id] = true
	return []byte(id)
}

// Put records an id as used.
func (s *headingIDs) Put(value []byte) {
	s.used[string(value)] = true
}

// slug keeps letters, digits and combining marks, lowercases ASCII, turns
// each run of anything else into one "-" and trims "-" from the ends.
// An empty result becomes "heading".
func slug(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "heading"
	}
	return b.String()
}
