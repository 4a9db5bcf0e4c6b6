package build

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

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
// with "; " in the CSV and are arrays in the JSON.
func catalogFiles(s *site.Site) (map[string][]byte, error) {
	// Each document's CSV record and indented JSON object are made on
	// their own, on every core, then joined in order.
	type row struct {
		csv, json []byte
		err       error
	}
	rows := make([]row, len(s.Docs))
	var wg sync.WaitGroup
	nw := runtime.GOMAXPROCS(0)
	for k := range nw {
		wg.Go(func() {
			for i := k; i < len(s.Docs); i += nw {
				r := catalogRow(s, s.Docs[i])
				rec := make([]string, len(catalogColumns))
				for j, c := range catalogColumns {
					switch v := r[c].(type) {
					case string:
						rec[j] = csvCell(v)
					case []string:
						rec[j] = csvCell(strings.Join(v, "; "))
					}
				}
				var cb, jb bytes.Buffer
				w := csv.NewWriter(&cb)
				w.UseCRLF = true
				w.Write(rec)
				w.Flush()
				if err := w.Error(); err != nil {
					rows[i].err = fmt.Errorf("catalog.csv: %w", err)
					continue
				}
				// As json.MarshalIndent(rows, "", "  ") indents an element.
				if err := json.Indent(&jb, orderedRow(r), "  ", "  "); err != nil {
					rows[i].err = fmt.Errorf("catalog.json: %w", err)
					continue
				}
				rows[i].csv, rows[i].json = cb.Bytes(), jb.Bytes()
			}
		})
	}
	wg.Wait()
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	if err := w.Write(catalogColumns); err != nil {
		return nil, err
	}
	w.Flush()
	var js bytes.Buffer
	js.WriteString("[")
	for i, r := range rows {
		if r.err != nil {
			return nil, r.err
		}
		buf.Write(r.csv)
		if i > 0 {
			js.WriteByte(',')
		}
		js.WriteString("\n  ")
		js.Write(r.json)
	}
	if len(rows) > 0 {
		js.WriteString("\n")
	}
	js.WriteString("]\n")
	return map[string][]byte{"catalog.csv": buf.Bytes(), "catalog.json": js.Bytes()}, nil
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

func catalogRow(s *site.Site, d *site.Doc) map[string]any {
	date := func(has bool, v string) string {
		if !has {
			return ""
		}
		return v
	}
	row := map[string]any{
		"url":          s.AbsURL(d.Path),
		"path":         d.Doc.Path,
		"title":        d.Title,
		"date":         date(!d.Date.IsZero(), d.Date.String()),
		"written":      date(!d.Written.IsZero(), d.Written.String()),
		"effective":    date(!d.Effective.IsZero(), d.Effective.String()),
		"issuer":       nonNil(d.Issuers),
		"doc_number":   d.DocNumberText(),
		"doc_type":     d.DocType,
		"status":       "",
		"author":       d.Author,
		"source":       d.Source,
		"original_url": d.OriginalURL,
		"version":      d.Version,
		"tags":         nonNil(d.Tags),
		"subjects":     nonNil(d.Subjects),
		"lang":         d.Lang,
		"retrieved":    "",
		"sha256":       d.SHA256,
		"summary":      d.Summary,
	}
	if d.Status.Slug() != "unknown" {
		row["status"] = d.Status.Slug()
	}
	if !d.Retrieved.IsZero() {
		row["retrieved"] = d.Retrieved.Format(time.RFC3339)
	}
	return row
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// orderedRow is a row's JSON object with its keys in column order.
func orderedRow(r map[string]any) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for j, c := range catalogColumns {
		if j > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(c)
		v, _ := json.Marshal(r[c])
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes()
}
