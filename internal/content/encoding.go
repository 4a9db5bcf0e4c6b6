package content

import (
	"bytes"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/folio-ssg/folio/internal/diag"
)

// decodeText makes a file's bytes UTF-8 text, or says why it cannot be a
// document. UTF-8 (with or without a byte order mark) is taken as it is;
// UTF-16 with a byte order mark is decoded; UTF-32, binary data (a NUL
// byte) and bytes that are not UTF-8 are errors at their position, the
// last with a hint for GBK files.
func decodeText(p string, src []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(src, []byte{0x00, 0x00, 0xFE, 0xFF}), bytes.HasPrefix(src, []byte{0xFF, 0xFE, 0x00, 0x00}):
		return nil, &diag.Error{Pos: diag.Position{Path: p, Line: 1, Col: 1}, Msg: "the file is UTF-32; save it as UTF-8"}
	case bytes.HasPrefix(src, []byte{0xFF, 0xFE}), bytes.HasPrefix(src, []byte{0xFE, 0xFF}):
		if len(src)%2 != 0 {
			return nil, &diag.Error{Pos: diag.Position{Path: p, Line: 1, Col: 1}, Msg: "the file starts as UTF-16 but has an odd number of bytes; save it as UTF-8"}
		}
		big := src[0] == 0xFE
		u := make([]uint16, 0, len(src)/2-1)
		for i := 2; i+1 < len(src); i += 2 {
			if big {
				u = append(u, uint16(src[i])<<8|uint16(src[i+1]))
			} else {
				u = append(u, uint16(src[i+1])<<8|uint16(src[i]))
			}
		}
		var b bytes.Buffer
		for _, r := range utf16.Decode(u) {
			b.WriteRune(r)
		}
		src = b.Bytes()
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		l, c := textPos(src, i)
		return nil, &diag.Error{Pos: diag.Position{Path: p, Line: l, Col: c}, Msg: "binary data (a NUL byte): not a text document; exclude it in folio.yaml or rename it"}
	}
	if !utf8.Valid(src) {
		off := 0
		for off < len(src) {
			r, n := utf8.DecodeRune(src[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		l, c := textPos(src, off)
		return nil, &diag.Error{Pos: diag.Position{Path: p, Line: l, Col: c}, Msg: fmt.Sprintf("byte 0x%02X is not UTF-8; save the file as UTF-8 (a GBK file converts with iconv -f GB18030 -t UTF-8)", src[off])}
	}
	return src, nil
}

// textPos is the line and column of src[off] as split counts them, once
// the byte order mark is gone and every line ends in "\n": a bare CR ends
// a line too.
func textPos(src []byte, off int) (line, col int) {
	before := bytes.TrimPrefix(src[:off], []byte("\ufeff"))
	before = bytes.ReplaceAll(before, []byte("\r\n"), []byte("\n"))
	before = bytes.ReplaceAll(before, []byte("\r"), []byte("\n"))
	return lineCol(before, len(before))
}

// unterminated reports an opening front-matter delimiter with no closing
// one: a file whose first non-blank line is "---", "+++" or ";;;" and that
// has no later line equal to it.
func unterminated(p string, src []byte) error {
	line := 0
	var open string
	for l := range bytes.Lines(src) {
		line++
		t := string(bytes.TrimRight(l, "\r\n"))
		if open == "" {
			if len(bytes.TrimSpace(l)) == 0 {
				continue
			}
			switch t {
			case "---", "+++", ";;;":
				open = t
				continue
			}
			return nil
		}
		if t == open {
			return nil
		}
	}
	if open == "" {
		return nil
	}
	first := 1
	for l := range bytes.Lines(src) {
		if len(bytes.TrimSpace(l)) > 0 {
			break
		}
		first++
	}
	return &diag.Error{Pos: diag.Position{Path: p, Line: first, Col: 1}, Msg: fmt.Sprintf("front matter opened with %s is not closed: add a %s line after its last key", open, open)}
}
