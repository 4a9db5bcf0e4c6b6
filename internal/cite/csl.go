package cite

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// cslItem is one CSL-JSON item, its fields in the order they are written.
type cslItem struct {
	ID             string    `json:"id"`
	Type           string    `json:"type"`
	Title          string    `json:"title"`
	Author         []cslName `json:"author,omitempty"`
	ContainerTitle string    `json:"container-title,omitempty"`
	Authority      string    `json:"authority,omitempty"`
	Number         string    `json:"number,omitempty"`
	Page           string    `json:"page,omitempty"`
	Issued         *cslDate  `json:"issued,omitempty"`
	Accessed       *cslDate  `json:"accessed,omitempty"`
	URL            string    `json:"URL,omitempty"`
	Language       string    `json:"language,omitempty"`
}

type cslName struct {
	Literal string `json:"literal"`
}

type cslDate struct {
	DateParts [][]int `json:"date-parts"`
}

func newCSLDate(d Date) *cslDate {
	if p := d.parts(); len(p) > 0 {
		return &cslDate{DateParts: [][]int{p}}
	}
	return nil
}

// CSLJSON returns w as a CSL-JSON array of one item (see the package doc).
func CSLJSON(w Work) ([]byte, error) {
	w = w.clean()
	item := cslItem{
		ID:             w.id(),
		Type:           "webpage",
		Title:          w.Title,
		ContainerTitle: w.Container,
		Page:           w.Page,
		Issued:         newCSLDate(w.Published),
		Accessed:       newCSLDate(w.Accessed),
		URL:            w.URL,
		Language:       w.lang(),
	}
	switch w.Kind {
	case Newspaper:
		item.Type = "article-newspaper"
	case GovDoc:
		item.Type = "legislation"
		item.Authority = w.Issuer
		item.Number = w.DocNumber
	}
	for _, a := range w.creators() {
		item.Author = append(item.Author, cslName{Literal: a})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode([]cslItem{item}); err != nil {
		return nil, fmt.Errorf("encode csl-json %s: %w", item.ID, err)
	}
	return buf.Bytes(), nil
}
