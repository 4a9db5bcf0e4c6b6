package build

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/folio-ssg/folio/internal/site"
)

// catalogColumns are the fields of catalog.json and catalog.csv, in order.
var catalogColumns = []string{
	"url", "path", "title", "date", "written", "effective", "issuer", "doc_number", "doc_type",
	"status", "author", "source", "original_url", "version", "tags", "subjects", "lang",
	"retrieved", "sha256", "summary",
}

// catalogFiles lists every published document's metadata and URL, for
// researchers who want the data rather than the pages: catalog.json, an
// array of objects, and catalog.csv, UTF-8 with a byte order mark and CRLF
// line ends so that Excel opens Chinese text correctly. Lists are joined
// with "; " in the CSV and are arrays in the JSON. Each file comes as its
// parts, one after another (output.putParts): a row of each document and
// what goes before and after them, never joined in memory.
func catalogFiles(s *site.Site) (map[string][][]byte, error) {
	// Each document's CSV record and indented JSON object are made on
	// their own, on every core, each into a worker's arena (rowArena).
	csvRows := make([][]byte, 1+len(s.Docs))
	jsonRows := make([][]byte, 1+len(s.Docs)+1)
	errs := make([]error, len(s.Docs))
	var wg sync.WaitGroup
	nw := runtime.GOMAXPROCS(0)
	for k := range nw {
		wg.Go(func() {
			var cb bytes.Buffer
			var jb []byte
			var arena rowArena
			w := csv.NewWriter(&cb)
			w.UseCRLF = true
			row := make([]catalogCell, len(catalogColumns))
			rec := make([]string, len(catalogColumns))
			for i := k; i < len(s.Docs); i += nw {
				catalogRow(s, s.Docs[i], row)
				for j, c := range row {
					if c.isList {
						rec[j] = csvCell(strings.Join(c.list, "; "))
					} else {
						rec[j] = csvCell(c.s)
					}
				}
				cb.Reset()
				w.Write(rec)
				w.Flush()
				if err := w.Error(); err != nil {
					errs[i] = fmt.Errorf("catalog.csv: %w", err)
					continue
				}
				// An element of the array as json.MarshalIndent(rows, "",
				// "  ") writes it, with the comma before it.
				sep := ",\n  "
				if i == 0 {
					sep = "\n  "
				}
				jb = appendIndentedRow(jb[:0], sep, row)
				csvRows[1+i], jsonRows[1+i] = arena.copy(cb.Bytes()), arena.copy(jb)
			}
		})
	}
	wg.Wait()
	if err := cmp.Or(errs...); err != nil {
		return nil, err
	}
	var head bytes.Buffer
	head.WriteString("\ufeff")
	w := csv.NewWriter(&head)
	w.UseCRLF = true
	if err := w.Write(catalogColumns); err != nil {
		return nil, err
	}
	w.Flush()
	csvRows[0] = head.Bytes()
	jsonRows[0] = []byte("[")
	if len(s.Docs) > 0 {
		jsonRows[len(jsonRows)-1] = []byte("\n]\n")
	} else {
		jsonRows[len(jsonRows)-1] = []byte("]\n")
	}
	return map[string][][]byte{"catalog.csv": csvRows, "catalog.json": jsonRows}, nil
}

// rowArena holds the rows a catalog worker made, a megabyte to an
// allocation instead of one a row: at 100,000 documents a row a file
// and a document was 200,000 allocations, and a sixth of the catalog's
// time.
type rowArena struct{ free []byte }

// copy returns a copy of b in the arena.
func (a *rowArena) copy(b []byte) []byte {
	if len(b) > cap(a.free)-len(a.free) {
		a.free = make([]byte, 0, max(1<<20, len(b)))
	}
	n := len(a.free)
	a.free = append(a.free, b...)
	return a.free[n:len(a.free):len(a.free)]
}

// catalogCell is a document's value in one of catalogColumns: a string,
// or a list (isList).
type catalogCell struct {
	s      string
	list   []string
	isList bool
}

// csvCell makes a value safe for a spreadsheet: control characters other
// than line breaks and tabs go, and a cell that a spreadsheet would run as
// a formula (=, +, -, @ first) starts with an apostrophe, which Excel and
// LibreOffice show as text (OWASP's advice on CSV injection).
func csvCell(v string) string {
	v = strings.Map(func(r rune) rune {
		if r < ' ' && r != '\n' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, v)
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// catalogRow puts d's values into row, one cell a column of
// catalogColumns.
func catalogRow(s *site.Site, d *site.Doc, row []catalogCell) {
	date := func(has bool, v string) catalogCell {
		if !has {
			return catalogCell{}
		}
		return catalogCell{s: v}
	}
	text := func(v string) catalogCell { return catalogCell{s: v} }
	list := func(l []string) catalogCell { return catalogCell{list: l, isList: true} }
	status, retrieved := "", ""
	if d.Status.Slug() != "unknown" {
		status = d.Status.Slug()
	}
	if !d.Retrieved.IsZero() {
		retrieved = d.Retrieved.Format(time.RFC3339)
	}
	cells := []catalogCell{
		text(s.AbsURL(d.Path)),                  // url
		text(d.Doc.Path),                        // path
		text(d.Title),                           // title
		date(!d.Date.IsZero(), d.Date.String()), // date
		date(!d.Written.IsZero(), d.Written.String()),
		date(!d.Effective.IsZero(), d.Effective.String()),
		list(d.Issuers),         // issuer
		text(d.DocNumberText()), // doc_number
		text(d.DocType),         // doc_type
		text(status),            // status
		text(d.Author),          // author
		text(d.Source),          // source
		text(d.OriginalURL),     // original_url
		text(d.Version),         // version
		list(d.Tags),            // tags
		list(d.Subjects),        // subjects
		text(d.Lang),            // lang
		text(retrieved),         // retrieved
		text(d.SHA256),          // sha256
		text(d.Summary),         // summary
	}
	if len(cells) != len(row) {
		// A column added to catalogColumns and not here would be left
		// empty, in every row, without a word.
		panic(fmt.Sprintf("catalogRow gives %d cells for %d columns", len(cells), len(row)))
	}
	copy(row, cells)
}

// appendIndentedRow appends prefix and a row's JSON object with its keys
// in column order to b, indented as json.MarshalIndent(rows, "", "  ")
// indents an element of the array, without its reflection.
func appendIndentedRow(b []byte, prefix string, row []catalogCell) []byte {
	b = append(append(b, prefix...), '{')
	for j, c := range catalogColumns {
		if j > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n    "...)
		b = appendJSONString(b, c)
		b = append(b, ": "...)
		v := row[j]
		switch {
		case !v.isList:
			b = appendJSONString(b, v.s)
		case len(v.list) == 0:
			b = append(b, "[]"...)
		default:
			b = append(b, '[')
			for k, s := range v.list {
				if k > 0 {
					b = append(b, ',')
				}
				b = append(b, "\n      "...)
				b = appendJSONString(b, s)
			}
			b = append(b, "\n    ]"...)
		}
	}
	return append(b, "\n  }"...)
}

// appendJSONString appends s as encoding/json writes a string: with <, >
// and &, U+2028 and U+2029 escaped, and invalid UTF-8 as U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= ' ' && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
