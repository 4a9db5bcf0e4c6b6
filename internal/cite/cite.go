// Package cite formats citations of one document: GB/T 7714-2015 and APA 7
// text for readers, and BibTeX, RIS and CSL-JSON records for reference
// managers. It is pure: the output depends only on the Work passed in, byte
// for byte, and nothing reads the clock.
//
// # The work
//
// The caller fills a Work from front matter. Kind picks the rules:
// Newspaper for an article with a newspaper and page (报纸, 版次), GovDoc
// for a law, regulation, notice or order (it usually has an Issuer, and a
// Chinese one a DocNumber), and Online, the zero Kind, for anything else
// found on the web. Every text field has its white space runs turned into
// one space and its ends trimmed before use; empty authors are dropped.
// Title is required; any other field may be empty, and what is empty is
// left out of every format.
// Names are kept as written: persons and organisations alike, in any
// script, never inverted or abbreviated.
//
// The responsible party (主要责任者, the author) is Authors; a GovDoc
// without Authors has its Issuer. In the GB/T 7714 and APA text an Online
// work without either has its Container (the site) instead. BibTeX, RIS and
// CSL-JSON record only Authors and the Issuer, so the site is not made an
// author in a reference manager.
//
// Dates have a year and, when known, a month and a day; a month outside
// 1–12 or a day outside 1–31 counts as unknown, and so does everything
// after it. Accessed is the day the page was retrieved (see the policy
// package's Retrieved); never pass the build date, which would change with
// every build and claim a check nobody made. A zero Date is unknown.
//
// Lang is "zh" or "en"; a BCP 47 tag starting with either counts
// ("zh-CN"). When it is "", the work is Chinese if its title has a Han
// character, else English. Other languages are cited as English. Lang
// chooses the word that ends a cut author list ("等" or "et al.") and is
// recorded in BibTeX (langid chinese or english), RIS (LA) and CSL-JSON
// (language); Lang as given, or the inferred "zh" or "en", is written there.
//
// # GB/T 7714-2015
//
// GBT7714 writes one entry of a reference list without its number, in the
// standard's punctuation for Chinese and English works alike: ". " between
// elements, ", " inside them, and a final ".". At most three authors are
// listed, then ", 等" (Chinese) or ", et al." (English).
//
// A Newspaper is cited as printed, [N], with the newspaper, the date and
// the page (版次) in parentheses:
//
//	人民日报. 习近平在中共中央政治局第二十次集体学习时强调[N]. 人民日报, 2025-04-27(1).
//
// Its URL and access date are left out even when known. The standard would
// mark a newspaper read online 题名[N/OL] and add "[引用日期]. URL", but a page
// number identifies the printed article, which is what the digital edition
// (电子版) of a paper reproduces; the URL still goes into BibTeX, RIS and
// CSL-JSON. A story that only ever appeared online is an Online work.
//
// An Online work is an electronic resource, 题名[EB/OL], with its publication
// date in parentheses, the access date in brackets and the URL:
//
//	新华社. 题名[EB/OL]. (2025-04-26)[2025-04-27]. https://www.example.cn/a.htm.
//
// An unknown date leaves out its parentheses or brackets; when both are
// unknown the element is left out.
//
// A GovDoc is an archive document, [A], as the Zotero GB/T 7714-2015
// style reads 档案 (files kept for reference, laws, regulations and
// government documents among them) and cites CSL legislation. Its document
// number follows the title as other title information (题名: 其他题名信息),
// as the standard places the number of a standard or patent:
//
//	国务院. 国务院关于印发新一代人工智能发展规划的通知: 国发〔2017〕35号[A/OL]. (2017-07-20)[2025-04-27]. http://www.gov.cn/….
//
// With a URL it is online, 题名[A/OL], and its dates and URL are given as for
// an Online work. Without one it is cited as a printed document, with the
// year of publication only: 国务院. 题名: 国发〔2017〕35号[A]. 2017.
// An Online work without a URL is likewise [EB] with the year.
//
// # APA 7
//
// APA writes the reference-list entry; APAHTML writes the same entry as
// HTML, escaped, with <i> around the italic element. The authors are
// joined by ", " with ", & " before the last (up to 20; beyond that the
// first 19, "…" and the last), and followed by the date in parentheses with
// the month in English whatever the work's language, as an English
// reference list has it: (2025, April 27), (2025, April), (2025), or (n.d.).
// Without an author the title takes the author's place, before the date.
//
//	Newspaper  Author. (2025, April 27). Title. <i>Newspaper</i>, 1.
//	Online     Author. (2025, April 27). <i>Title</i>. Site. URL
//	GovDoc     Author. (2017, July 20). <i>Title</i> (国发〔2017〕35号). Issuer. URL
//
// A newspaper is the printed article, so has its page and no URL, as in
// GB/T 7714. The site is left out when it is one of the authors, and so is
// the issuer. A title ending in ?, !, ？ or ！ takes no extra period.
//
// # BibTeX
//
// BibTeX writes one biblatex entry: @article with entrysubtype = {newspaper}
// and journal for a Newspaper, @online with organization (the site) for an
// Online work, and @misc with organization (the issuer, else the site) and
// number (the document number) for a GovDoc. The key is ID with every character other
// than letters, digits and -_:./ replaced by "-" ("item" if ID is empty).
// Each author is braced, {{人民日报}} or {{A} and {B}}, so an
// organisation's name is never split into first and last names. Dates are
// ISO 8601 (date = {2025-04-27}, urldate), so the entry is for biber;
// pages, url and langid follow. In text fields the characters \ { } % & $
// # _ ~ ^ are escaped (\&, \textasciitilde{}, …); the url field is
// verbatim, with only { and } percent-encoded.
//
// # RIS
//
// RIS writes one record: TY NEWS, ELEC or GOVDOC; ID; one AU per author; TI;
// T2 (the newspaper or site) for a Newspaper or Online work, but PB (the
// issuer) and SN (the document number) for a GovDoc, as Zotero reads a
// GOVDOC record, a report; PY and DA (2025/04/27/, with
// empty parts for an unknown month or day: 2019///); SP (the page); UR; Y2
// (the access date, in DA's form); LA; and ER. A line is "TG  - value";
// lines end in CRLF, as the RIS specification's line format is commonly
// read, and the record ends with "ER  - " and CRLF.
//
// # CSL-JSON
//
// CSLJSON writes a one-item array, as the CSL-JSON schema's top level is an
// array of items: type article-newspaper, webpage, or legislation (a
// GovDoc, with authority for the issuer and number for the document
// number); id (ID, or "item"); title; author as literal names (the
// creators, as in BibTeX); container-title (the newspaper or site); page; issued and accessed as date-parts; URL; and
// language. The output is indented with two spaces, ends in a newline, and
// does not escape <, > and &.
package cite

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Kind is what sort of work is cited; the zero Kind is Online.
type Kind uint8

const (
	Online    Kind = iota // a web page or other online resource: 题名[EB/OL]
	Newspaper             // a newspaper article, cited by its printed page: [N]
	GovDoc                // a law, regulation, notice or order: [A]
)

// Date is a calendar date whose Month and Day are 0 when unknown.
type Date struct {
	Year, Month, Day int
}

// DateOf returns the date of t's wall clock in t's location.
func DateOf(t time.Time) Date {
	if t.IsZero() {
		return Date{}
	}
	return Date{t.Year(), int(t.Month()), t.Day()}
}

// IsZero reports whether d is unknown.
func (d Date) IsZero() bool { return d.Year == 0 }

// parts returns the known parts of d: none, the year, the year and month,
// or all three.
func (d Date) parts() []int {
	switch {
	case d.Year == 0:
		return nil
	case d.Month < 1 || d.Month > 12:
		return []int{d.Year}
	case d.Day < 1 || d.Day > 31:
		return []int{d.Year, d.Month}
	}
	return []int{d.Year, d.Month, d.Day}
}

// iso returns d as 2025-04-27, 2025-04, 2025 or "".
func (d Date) iso() string {
	var b strings.Builder
	for i, p := range d.parts() {
		if i > 0 {
			b.WriteByte('-')
			if p < 10 {
				b.WriteByte('0')
			}
		}
		b.WriteString(strconv.Itoa(p))
	}
	return b.String()
}

// Work is the document to cite; see the package doc for how each field is
// used.
type Work struct {
	Kind      Kind
	Title     string
	Authors   []string // persons or organisations, as written: "人民日报", "NYC Mayor's Office"
	Container string   // the newspaper or site: "人民日报", "中国政府网"
	Issuer    string   // 发文机关, for a GovDoc: "国务院办公厅", "Office of the Mayor"
	DocNumber string   // the normalized 发文字号: "国办发〔2018〕128号"
	Published Date
	Page      string // 版次 as written but for 第 and 版: "1", "A3"; see PageFromVersion
	URL       string
	Accessed  Date   // the day the page was retrieved; zero if unknown
	Lang      string // "zh" or "en"; "" is inferred from the title
	ID        string // a stable key: the document's slug or path
}

// clean returns w with its text fields' white space normalized and empty
// authors dropped.
func (w Work) clean() Work {
	w.Title = clean(w.Title)
	var authors []string
	for _, a := range w.Authors {
		if a = clean(a); a != "" {
			authors = append(authors, a)
		}
	}
	w.Authors = authors
	w.Container = clean(w.Container)
	w.Issuer = clean(w.Issuer)
	w.DocNumber = clean(w.DocNumber)
	w.Page = clean(w.Page)
	w.URL = clean(w.URL)
	w.Lang = clean(w.Lang)
	w.ID = clean(w.ID)
	return w
}

// clean turns runs of white space into one space and trims the ends.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// chinese reports whether w is cited as a Chinese work.
func (w Work) chinese() bool {
	l := strings.ToLower(w.Lang)
	switch {
	case l == "zh" || strings.HasPrefix(l, "zh-"):
		return true
	case l != "":
		return false
	}
	for _, r := range w.Title {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// lang returns Lang, or the inferred "zh" or "en".
func (w Work) lang() string {
	switch {
	case w.Lang != "":
		return w.Lang
	case w.chinese():
		return "zh"
	}
	return "en"
}

// creators returns the authors recorded in data formats: Authors, else a
// GovDoc's Issuer.
func (w Work) creators() []string {
	if len(w.Authors) == 0 && w.Kind == GovDoc && w.Issuer != "" {
		return []string{w.Issuer}
	}
	return w.Authors
}

// responsible returns the authors shown in GB/T 7714 and APA text: the
// creators, else an Online work's Container.
func (w Work) responsible() []string {
	if c := w.creators(); len(c) > 0 || w.Kind != Online || w.Container == "" {
		return c
	}
	return []string{w.Container}
}

// id returns ID, or "item".
func (w Work) id() string {
	if w.ID == "" {
		return "item"
	}
	return w.ID
}

// terminal reports whether s ends in a mark that ends a sentence, so that
// no period is added after it.
func terminal(s string) bool {
	return strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") ||
		strings.HasSuffix(s, "。") || strings.HasSuffix(s, "？") || strings.HasSuffix(s, "！")
}
