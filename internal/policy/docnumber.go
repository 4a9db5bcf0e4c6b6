package policy

import (
	"strconv"
	"strings"
	"unicode"
)

// DocNumber is a parsed document number (发文字号), 国办发〔2018〕128号.
type DocNumber struct {
	Agency string // the issuer's abbreviation and document kind: 国办发
	Year   int    // 2018
	Serial int    // 128
	Raw    string // the text as passed to ParseDocNumber
}

// String returns the normalized form, 国办发〔2018〕128号, or "" for the zero
// DocNumber.
func (n DocNumber) String() string {
	if n.Agency == "" {
		return ""
	}
	return n.Agency + "〔" + strconv.Itoa(n.Year) + "〕" + strconv.Itoa(n.Serial) + "号"
}

// ParseDocNumber reads s as one document number (see the package doc). It
// reports false, with the zero DocNumber, when s is not one.
func ParseDocNumber(s string) (DocNumber, bool) {
	var rs []rune
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || isZeroWidth(r):
			continue
		case r >= '０' && r <= '９':
			r -= '０' - '0'
		}
		rs = append(rs, r)
	}
	open := -1
	for i, r := range rs {
		if isOpenBracket(r) {
			open = i
			break
		}
	}
	if open <= 0 || !validAgency(rs[:open]) {
		return DocNumber{}, false
	}
	rest := rs[open+1:]
	year, rest, ok := digits(rest, 4, 4)
	if !ok || year < 1900 || year > 2099 || len(rest) == 0 || !isCloseBracket(rest[0]) {
		return DocNumber{}, false
	}
	rest = rest[1:]
	if len(rest) > 0 && rest[0] == '第' {
		rest = rest[1:]
	}
	serial, rest, ok := digits(rest, 1, 6)
	if !ok || serial == 0 || len(rest) != 1 || rest[0] != '号' {
		return DocNumber{}, false
	}
	return DocNumber{Agency: string(rs[:open]), Year: year, Serial: serial, Raw: s}, true
}

// digits reads min to max ASCII digits at the start of rs. It fails if
// fewer than min are there or if more than max follow one another.
func digits(rs []rune, min, max int) (n int, rest []rune, ok bool) {
	i := 0
	for i < len(rs) && rs[i] >= '0' && rs[i] <= '9' {
		if i == max {
			return 0, rs, false
		}
		n = n*10 + int(rs[i]-'0')
		i++
	}
	if i < min {
		return 0, rs, false
	}
	return n, rs[i:], true
}

// validAgency reports whether rs can be an agency abbreviation: Han and
// Latin letters only, with at least one Han character.
func validAgency(rs []rune) bool {
	han := false
	for _, r := range rs {
		switch {
		case unicode.Is(unicode.Han, r):
			han = true
		case unicode.Is(unicode.Latin, r) && unicode.IsLetter(r):
		default:
			return false
		}
	}
	return han
}

func isOpenBracket(r rune) bool { return strings.ContainsRune("〔﹝[［(（【〖", r) }

func isCloseBracket(r rune) bool { return strings.ContainsRune("〕﹞]］)）】〗", r) }
