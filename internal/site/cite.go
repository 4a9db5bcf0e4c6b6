package site

import (
	"strings"

	"github.com/folio-ssg/folio/internal/cite"
	"github.com/folio-ssg/folio/internal/policy"
)

// Work is the document as package cite cites it:
//
//   - a newspaper article ([N]) when it has a page (version, 版面), with
//     its author, the paper (source) and the page number;
//   - a government document ([A]) when it has a document number or an
//     issuer, the issuer standing in for an author;
//   - otherwise an online resource ([EB/OL]).
//
// The URL is original_url, else the page's own absolute URL when the site
// has a base URL. The access date is the retrieval time, never the build's.
func (d *Doc) Work() cite.Work {
	w := cite.Work{
		Title:     d.Title,
		Container: d.Source,
		URL:       d.OriginalURL,
		Lang:      "zh",
		ID:        strings.Trim(d.Path, "/"),
	}
	if w.ID == "" {
		w.ID = d.Name()
	}
	if lang := d.Lang; lang != "" && !strings.HasPrefix(lang, "zh") || lang == "" && !strings.HasPrefix(strings.ToLower(d.site.Config.Language), "zh") {
		w.Lang = "en"
	}
	if w.URL == "" && d.site.origin != "" {
		w.URL = d.AbsURL()
	}
	if d.Author != "" {
		w.Authors = []string{d.Author}
	}
	if !d.Date.IsZero() {
		w.Published = cite.Date{Year: d.Date.Year(), Month: int(d.Date.Month()), Day: d.Date.Day()}
	}
	if !d.Retrieved.IsZero() {
		w.Accessed = cite.DateOf(d.Retrieved)
	}
	w.Issuer = strings.Join(d.Issuers, ", ")
	switch {
	case d.Version != "":
		w.Kind = cite.Newspaper
		w.Page = cite.PageFromVersion(d.Version)
	case d.Doc.DocNumber != "" || len(d.Issuers) > 0:
		w.Kind = cite.GovDoc
		w.DocNumber = d.DocNumberText()
	}
	return w
}

// DocNumberText is the document number as shown: normalized with 〔〕 when
// folio can read it, else as written.
func (d *Doc) DocNumberText() string {
	if d.DocNo.Agency != "" {
		return d.DocNo.String()
	}
	return d.Doc.DocNumber
}

// Citation formats the document's citation: "gbt7714", "apa", "bibtex",
// "ris" or "csl-json".
func (d *Doc) Citation(format string) string {
	w := d.Work()
	switch format {
	case "gbt7714":
		return cite.GBT7714(w)
	case "apa":
		return cite.APA(w)
	case "bibtex":
		return cite.BibTeX(w)
	case "ris":
		return cite.RIS(w)
	case "csl-json":
		b, err := cite.CSLJSON(w)
		if err != nil {
			return ""
		}
		return string(b)
	}
	return ""
}

// LegalForce is schema.org's legislationLegalForce for the status, or "".
func (d *Doc) LegalForce() string {
	switch d.Status {
	case policy.InForce:
		return "InForce"
	case policy.Repealed:
		return "NotInForce"
	case policy.Amended:
		return "PartiallyInForce"
	}
	return ""
}
