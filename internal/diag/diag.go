// Package diag reports problems in a site's files as positioned diagnostics.
//
// A diagnostic reads like a Go compiler error, so editors and CI annotate it:
//
//	content/2025/04/x.md:7:3: date "2025年13月01日": month out of range
//
// The path is relative to the site root and slash-separated. Line and column
// count from 1; a zero line or column is left out. A build collects every
// diagnostic in a List and reports them all at once, sorted by position.
package diag

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Position is a place in a file of the site.
type Position struct {
	Path string // slash-separated, relative to the site root
	Line int    // 1-based; 0 if unknown
	Col  int    // 1-based, in bytes; 0 if unknown
}

func (p Position) String() string {
	s := p.Path
	if strings.ContainsFunc(s, unicode.IsControl) {
		// A file name with a newline would split the line editors and CI
		// read: its control characters are written as Go escapes.
		q := strconv.Quote(s)
		s = q[1 : len(q)-1]
	}
	if p.Line > 0 {
		s += fmt.Sprintf(":%d", p.Line)
		if p.Col > 0 {
			s += fmt.Sprintf(":%d", p.Col)
		}
	}
	return s
}

// Error is one problem at one position.
type Error struct {
	Pos Position
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Errorf returns an Error at pos with a formatted message.
func Errorf(pos Position, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// List is a set of diagnostics. Its zero value is empty and ready to use.
type List []*Error

// Add appends an error at pos.
func (l *List) Add(pos Position, msg string) { *l = append(*l, &Error{Pos: pos, Msg: msg}) }

// Append adds err to the list: a *Error or List as it is, an
// *fs.PathError at the file it names, anything else positioned at the file
// path alone.
func (l *List) Append(path string, err error) {
	var e *Error
	var el List
	var pe *fs.PathError
	switch {
	case err == nil:
	case errors.As(err, &el):
		*l = append(*l, el...)
	case errors.As(err, &e):
		*l = append(*l, e)
	case errors.As(err, &pe):
		// An I/O error names its own file: report it there.
		*l = append(*l, &Error{Pos: Position{Path: pe.Path}, Msg: pe.Op + ": " + pe.Err.Error()})
	default:
		*l = append(*l, &Error{Pos: Position{Path: path}, Msg: err.Error()})
	}
}

// Sort orders the list by path, line, column and message, and drops exact duplicates.
func (l List) Sort() List {
	slices.SortFunc(l, func(a, b *Error) int {
		return cmp.Or(
			cmp.Compare(a.Pos.Path, b.Pos.Path),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			cmp.Compare(a.Msg, b.Msg),
		)
	})
	return slices.CompactFunc(l, func(a, b *Error) bool { return *a == *b })
}

// Err returns the sorted list as an error, or nil if it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l.Sort()
}

// Error prints one diagnostic a line.
func (l List) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}
