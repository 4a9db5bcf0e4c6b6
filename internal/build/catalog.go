package build

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
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
	rows := make([]map[string]any, 0, len(s.Docs))
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	if err := w.Write(catalogColumns); err != nil {
		return nil, err
	}
	for _, d := range s.Docs {
		row := catalogRow(s, d)
		rows = append(rows, row)
		rec := make([]string, len(catalogColumns))
		for i, c := range catalogColumns {
			switch v := row[c].(type) {
			case string:
				rec[i] = csvCell(v)
			case []string:
				rec[i] = csvCell(strings.Join(v, "; "))
			}
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("catalog.csv: %w", err)
	}
	js, err := json.MarshalIndent(orderedRows(rows), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("catalog.json: %w", err)
	}
	return map[string][]byte{"catalog.csv": buf.Bytes(), "catalog.json": append(js, '\n')}, nil
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

// orderedRows keeps the JSON's keys in column order.
func orderedRows(rows []map[string]any) []json.RawMessage {
	out := make([]json.RawMessage, len(rows))
	for i, r := range rows {
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
		out[i] = b.Bytes()
	}
	return out
}
