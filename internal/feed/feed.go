// Package feed writes a site's syndication feeds: Atom 1.0 (RFC 4287) and
// JSON Feed 1.1 (https://jsonfeed.org/version/1.1).
//
// Both writers take the same Feed; the caller has already sorted and
// truncated its entries, and they are written in the order given. The
// output depends only on the input, byte for byte: nothing reads the clock.
// URLs are written as given: the caller passes them absolute and
// percent-encoded (folio's build uses sitemap.EscapeURL), since Atom wants
// an absolute IRI as an id and JSON Feed full URLs.
//
// # Atom
//
// The feed's id is FeedURL (else HomeURL); it links to HomeURL
// (rel="alternate") and to FeedURL (rel="self"). Every element Atom requires
// is present, and every date is a full RFC 3339 time, as Atom's date
// construct (xsd:dateTime) requires:
//
//   - an entry's updated is Entry.Updated, else Entry.Published, else
//     Feed.Undated, else the feed's updated; published is written only for
//     a dated entry;
//   - the feed's updated is Feed.Updated; if that is zero, the newest
//     updated among its entries (an undated one counting as Feed.Undated);
//     with no entries, Feed.Undated;
//   - when all of that is zero — no date anywhere — every updated is
//     2000-01-01T00:00:00Z. It is a placeholder that stays the same from
//     build to build, so readers see nothing change; the caller avoids it
//     by setting Undated (folio's build: SOURCE_DATE_EPOCH, else the date of
//     the site's newest dated document). The Unix epoch is never written;
//   - an entry's id is Entry.ID, else Entry.URL; an entry with neither is an
//     error.
//
// Times are RFC 3339 in the zone they carry, without fractional seconds.
// A month-precision date arrives as a time on the first of the month and
// is written as such. An entry's Lang, when set, is its xml:lang (and a
// JSON Feed item's language). Summary is text; ContentHTML is written as
// <content type="html">, escaped, and left out when empty (a summary-only
// feed). Each tag is a <category term="…">. Feed.Author is the feed's
// <author>; when it is "" and some entry has no Authors, Atom still
// requires a feed author, so the Title stands in.
//
// # JSON Feed
//
// The version is "https://jsonfeed.org/version/1.1"; Subtitle is the
// description and Icon the icon. JSON Feed has no feed-level date, so
// Feed.Updated and Feed.Undated are not written, and an undated item has
// neither date_published nor date_modified. Because an item must carry
// content_html or content_text, an item without ContentHTML gets its
// Summary as content_text. Dates are RFC 3339. The output is indented with
// two spaces, ends in a newline, and does not escape <, > and & inside
// strings.
package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"time"
)

// Feed is one feed: the site's, or one tag page's.
type Feed struct {
	Title, Subtitle string
	Language        string    // BCP 47, e.g. "zh-CN"
	HomeURL         string    // absolute URL of the page the feed describes
	FeedURL         string    // absolute URL of the feed file itself
	Author          string    // default author name, may be ""
	Updated         time.Time // zero: derived from the entries (Atom only)
	Undated         time.Time // Atom's updated for an undated entry; zero: the feed's
	Icon            string    // absolute URL or ""
	Entries         []Entry   // in output order
}

// Entry is one document in a feed.
type Entry struct {
	ID          string // stable, e.g. the absolute permalink; "" means URL
	Title       string
	URL         string    // absolute
	Published   time.Time // zero if undated
	Updated     time.Time // zero means Published
	Summary     string    // plain text
	ContentHTML string    // "" leaves the content out
	Authors     []string
	Tags        []string
	Lang        string // BCP 47 when it differs from the feed's, else ""
}

const atomNS = "http://www.w3.org/2005/Atom"

type atomFeed struct {
	XMLName  xml.Name     `xml:"feed"`
	NS       string       `xml:"xmlns,attr"`
	Lang     string       `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	ID       string       `xml:"id"`
	Title    atomText     `xml:"title"`
	Subtitle *atomText    `xml:"subtitle,omitempty"`
	Updated  string       `xml:"updated"`
	Links    []atomLink   `xml:"link"`
	Author   *atomPerson  `xml:"author,omitempty"`
	Icon     string       `xml:"icon,omitempty"`
	Entries  []*atomEntry `xml:"entry"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Text string `xml:",chardata"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	Lang       string         `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Links      []atomLink     `xml:"link"`
	Published  string         `xml:"published,omitempty"`
	Updated    string         `xml:"updated"`
	Authors    []atomPerson   `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Content    *atomText      `xml:"content,omitempty"`
}

// Atom returns f as an Atom 1.0 document.
func Atom(f *Feed) ([]byte, error) {
	if f == nil {
		return nil, errors.New("atom: nil feed")
	}
	updated := f.Updated
	if updated.IsZero() {
		for _, e := range f.Entries {
			t := entryUpdated(e)
			if t.IsZero() {
				t = f.Undated
			}
			if t.After(updated) {
				updated = t
			}
		}
	}
	if updated.IsZero() {
		updated = f.Undated
	}
	if updated.IsZero() {
		updated = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) // nothing is dated: see the package doc
	}
	undated := f.Undated
	if undated.IsZero() {
		undated = updated
	}

	a := &atomFeed{
		NS:      atomNS,
		Lang:    f.Language,
		ID:      f.FeedURL,
		Title:   atomText{Text: f.Title},
		Updated: rfc3339(updated),
		Icon:    f.Icon,
	}
	if a.ID == "" {
		a.ID = f.HomeURL
	}
	if a.ID == "" {
		return nil, errors.New("atom: feed has neither FeedURL nor HomeURL")
	}
	if f.Subtitle != "" {
		a.Subtitle = &atomText{Text: f.Subtitle}
	}
	if f.HomeURL != "" {
		a.Links = append(a.Links, atomLink{Rel: "alternate", Type: "text/html", Href: f.HomeURL})
	}
	if f.FeedURL != "" {
		a.Links = append(a.Links, atomLink{Rel: "self", Type: "application/atom+xml", Href: f.FeedURL})
	}
	if name := atomFeedAuthor(f); name != "" {
		a.Author = &atomPerson{Name: name}
	}
	for i, e := range f.Entries {
		id := e.ID
		if id == "" {
			id = e.URL
		}
		if id == "" {
			return nil, fmt.Errorf("atom: entry %d %q: no id or url", i, e.Title)
		}
		t := entryUpdated(e)
		if t.IsZero() {
			t = undated
		}
		ae := &atomEntry{
			ID:      id,
			Lang:    e.Lang,
			Title:   atomText{Text: e.Title},
			Updated: rfc3339(t),
		}
		if e.URL != "" {
			ae.Links = []atomLink{{Rel: "alternate", Type: "text/html", Href: e.URL}}
		}
		if !e.Published.IsZero() {
			ae.Published = rfc3339(e.Published)
		}
		for _, name := range e.Authors {
			ae.Authors = append(ae.Authors, atomPerson{Name: name})
		}
		for _, tag := range e.Tags {
			ae.Categories = append(ae.Categories, atomCategory{Term: tag})
		}
		if e.Summary != "" {
			ae.Summary = &atomText{Type: "text", Text: e.Summary}
		}
		if e.ContentHTML != "" {
			ae.Content = &atomText{Type: "html", Text: e.ContentHTML}
		}
		a.Entries = append(a.Entries, ae)
	}

	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(a); err != nil {
		return nil, fmt.Errorf("atom: %w", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

type jsonFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url,omitempty"`
	FeedURL     string       `json:"feed_url,omitempty"`
	Description string       `json:"description,omitempty"`
	Icon        string       `json:"icon,omitempty"`
	Language    string       `json:"language,omitempty"`
	Authors     []jsonAuthor `json:"authors,omitempty"`
	Items       []jsonItem   `json:"items"`
}

type jsonAuthor struct {
	Name string `json:"name"`
}

type jsonItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url,omitempty"`
	Title         string       `json:"title,omitempty"`
	ContentHTML   string       `json:"content_html,omitempty"`
	ContentText   *string      `json:"content_text,omitempty"`
	Summary       string       `json:"summary,omitempty"`
	DatePublished string       `json:"date_published,omitempty"`
	DateModified  string       `json:"date_modified,omitempty"`
	Authors       []jsonAuthor `json:"authors,omitempty"`
	Tags          []string     `json:"tags,omitempty"`
	Language      string       `json:"language,omitempty"`
}

// JSON returns f as a JSON Feed 1.1 document.
func JSON(f *Feed) ([]byte, error) {
	if f == nil {
		return nil, errors.New("json feed: nil feed")
	}
	j := jsonFeed{
		Version:     "https://jsonfeed.org/version/1.1",
		Title:       f.Title,
		HomePageURL: f.HomeURL,
		FeedURL:     f.FeedURL,
		Description: f.Subtitle,
		Icon:        f.Icon,
		Language:    f.Language,
		Items:       make([]jsonItem, 0, len(f.Entries)),
	}
	if f.Author != "" {
		j.Authors = []jsonAuthor{{Name: f.Author}}
	}
	for i, e := range f.Entries {
		it := jsonItem{
			ID:          e.ID,
			URL:         e.URL,
			Title:       e.Title,
			ContentHTML: e.ContentHTML,
			Summary:     e.Summary,
			Tags:        e.Tags,
			Language:    e.Lang,
		}
		if it.ID == "" {
			it.ID = e.URL
		}
		if it.ID == "" {
			return nil, fmt.Errorf("json feed: entry %d %q: no id or url", i, e.Title)
		}
		if e.ContentHTML == "" {
			it.ContentText = &e.Summary
		}
		if !e.Published.IsZero() {
			it.DatePublished = rfc3339(e.Published)
		}
		if !e.Updated.IsZero() {
			it.DateModified = rfc3339(e.Updated)
		}
		for _, name := range e.Authors {
			it.Authors = append(it.Authors, jsonAuthor{Name: name})
		}
		j.Items = append(j.Items, it)
	}

	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(j); err != nil { // Encode ends with a newline
		return nil, fmt.Errorf("json feed: %w", err)
	}
	return b.Bytes(), nil
}

// atomFeedAuthor is the feed's author: Feed.Author, else the Title when an
// entry has no author of its own (Atom requires one), else "".
func atomFeedAuthor(f *Feed) string {
	if f.Author != "" {
		return f.Author
	}
	for _, e := range f.Entries {
		if len(e.Authors) == 0 {
			return f.Title
		}
	}
	return ""
}

// entryUpdated is when e last changed: Updated, else Published, else zero.
func entryUpdated(e Entry) time.Time {
	if !e.Updated.IsZero() {
		return e.Updated
	}
	return e.Published
}

func rfc3339(t time.Time) string {
	return t.Format(time.RFC3339)
}
