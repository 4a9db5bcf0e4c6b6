package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

var cst = time.FixedZone("CST", 8*3600)

// testFeed has a full entry, a summary-only entry and an undated entry.
func testFeed() *Feed {
	return &Feed{
		Title:    "政策文件库",
		Subtitle: "法律 & 法规",
		Language: "zh-CN",
		HomeURL:  "https://user.github.io/repo/",
		FeedURL:  "https://user.github.io/repo/feed.xml",
		Author:   "编辑部",
		Icon:     "https://user.github.io/repo/favicon.svg",
		Entries: []Entry{
			{
				ID:          "https://user.github.io/repo/2025/04/ai/",
				Title:       "关于人工智能的意见 <草案>",
				URL:         "https://user.github.io/repo/2025/04/ai/",
				Published:   time.Date(2025, 4, 27, 0, 0, 0, 0, cst),
				Updated:     time.Date(2025, 5, 1, 9, 30, 0, 0, cst),
				Summary:     "人工智能 & 数据",
				ContentHTML: `<p>第一条 <a href="/repo/x/?a=1&amp;b=2">链接</a></p>`,
				Authors:     []string{"国务院"},
				Tags:        []string{"人工智能", "数据安全"},
			},
			{
				ID:        "https://user.github.io/repo/2001/law/",
				Title:     "中华人民共和国著作权法",
				URL:       "https://user.github.io/repo/2001/law/",
				Published: time.Date(2001, 10, 27, 0, 0, 0, 0, cst),
				Summary:   "为保护文学、艺术和科学作品作者的著作权",
			},
			{
				Title:   "无日期文件",
				URL:     "https://user.github.io/repo/undated/",
				Summary: "",
			},
		},
	}
}

type atomDoc struct {
	XMLName  xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID       string   `xml:"id"`
	Title    string   `xml:"title"`
	Subtitle string   `xml:"subtitle"`
	Updated  string   `xml:"updated"`
	Icon     string   `xml:"icon"`
	Links    []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Author  []string `xml:"author>name"`
	Entries []struct {
		ID    string `xml:"id"`
		Title string `xml:"title"`
		Links []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Published  string   `xml:"published"`
		Updated    []string `xml:"updated"`
		Authors    []string `xml:"author>name"`
		Categories []struct {
			Term string `xml:"term,attr"`
		} `xml:"category"`
		Summary string `xml:"summary"`
		Content *struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"content"`
	} `xml:"entry"`
}

func parseAtom(t *testing.T, f *Feed) (atomDoc, []byte) {
	t.Helper()
	out, err := Atom(f)
	if err != nil {
		t.Fatalf("Atom: %v", err)
	}
	var doc atomDoc
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("Atom output does not parse: %v\n%s", err, out)
	}
	return doc, out
}

func TestAtomRoundTrip(t *testing.T) {
	doc, out := parseAtom(t, testFeed())
	if !bytes.HasPrefix(out, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Errorf("no XML declaration:\n%s", out)
	}
	if !strings.Contains(string(out), "关于人工智能的意见") {
		t.Errorf("Chinese title not written as UTF-8:\n%s", out)
	}
	tests := []struct{ name, got, want string }{
		{"lang", doc.Lang, "zh-CN"},
		{"id", doc.ID, "https://user.github.io/repo/feed.xml"},
		{"title", doc.Title, "政策文件库"},
		{"subtitle", doc.Subtitle, "法律 & 法规"},
		{"updated", doc.Updated, "2025-05-01T09:30:00+08:00"},
		{"icon", doc.Icon, "https://user.github.io/repo/favicon.svg"},
		{"author", strings.Join(doc.Author, ","), "编辑部"},
		{"entry 0 id", doc.Entries[0].ID, "https://user.github.io/repo/2025/04/ai/"},
		{"entry 0 title", doc.Entries[0].Title, "关于人工智能的意见 <草案>"},
		{"entry 0 published", doc.Entries[0].Published, "2025-04-27T00:00:00+08:00"},
		{"entry 0 updated", strings.Join(doc.Entries[0].Updated, ","), "2025-05-01T09:30:00+08:00"},
		{"entry 0 author", strings.Join(doc.Entries[0].Authors, ","), "国务院"},
		{"entry 0 summary", doc.Entries[0].Summary, "人工智能 & 数据"},
		{"entry 0 content type", doc.Entries[0].Content.Type, "html"},
		{"entry 0 content", doc.Entries[0].Content.Text, `<p>第一条 <a href="/repo/x/?a=1&amp;b=2">链接</a></p>`},
		{"entry 1 updated from published", strings.Join(doc.Entries[1].Updated, ","), "2001-10-27T00:00:00+08:00"},
		{"entry 2 id from url", doc.Entries[2].ID, "https://user.github.io/repo/undated/"},
		{"entry 2 published", doc.Entries[2].Published, ""},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	var rels []string
	for _, l := range doc.Links {
		rels = append(rels, l.Rel+" "+l.Href)
	}
	if got, want := strings.Join(rels, "; "), "alternate https://user.github.io/repo/; self https://user.github.io/repo/feed.xml"; got != want {
		t.Errorf("feed links = %q, want %q", got, want)
	}
	var terms []string
	for _, c := range doc.Entries[0].Categories {
		terms = append(terms, c.Term)
	}
	if got, want := strings.Join(terms, ","), "人工智能,数据安全"; got != want {
		t.Errorf("categories = %q, want %q", got, want)
	}
	if l := doc.Entries[0].Links; len(l) != 1 || l[0].Rel != "alternate" || l[0].Href != "https://user.github.io/repo/2025/04/ai/" {
		t.Errorf("entry 0 links = %+v", l)
	}
}

func TestAtomEntryWithoutContentHasNoContentElement(t *testing.T) {
	doc, out := parseAtom(t, testFeed())
	if doc.Entries[1].Content != nil || doc.Entries[2].Content != nil {
		t.Errorf("summary-only entries have <content>:\n%s", out)
	}
	if got := strings.Count(string(out), "<content"); got != 1 {
		t.Errorf("%d <content> elements, want 1", got)
	}
	if got := strings.Count(string(out), "<summary"); got != 2 {
		t.Errorf("%d <summary> elements, want 2 (the empty one is left out)", got)
	}
}

func TestAtomUndatedEntriesGetUpdated(t *testing.T) {
	tests := []struct {
		name        string
		edit        func(*Feed)
		feedUpdated string
		undated     string
	}{
		{
			name:        "from newest entry",
			edit:        func(*Feed) {},
			feedUpdated: "2025-05-01T09:30:00+08:00",
			undated:     "2025-05-01T09:30:00+08:00",
		},
		{
			name:        "from Feed.Updated",
			edit:        func(f *Feed) { f.Updated = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
			feedUpdated: "2026-01-02T03:04:05Z",
			undated:     "2026-01-02T03:04:05Z",
		},
		{
			name:        "from Feed.Undated, which also counts toward the feed's",
			edit:        func(f *Feed) { f.Undated = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
			feedUpdated: "2026-01-02T03:04:05Z",
			undated:     "2026-01-02T03:04:05Z",
		},
		{
			name:        "Feed.Undated older than the newest entry",
			edit:        func(f *Feed) { f.Undated = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC) },
			feedUpdated: "2025-05-01T09:30:00+08:00",
			undated:     "2020-01-01T00:00:00Z",
		},
		{
			name: "nothing dated but Feed.Undated",
			edit: func(f *Feed) {
				undate(f)
				f.Undated = time.Date(2025, 4, 27, 0, 0, 0, 0, time.UTC)
			},
			feedUpdated: "2025-04-27T00:00:00Z",
			undated:     "2025-04-27T00:00:00Z",
		},
		{
			name:        "nothing dated: the placeholder, never the epoch",
			edit:        undate,
			feedUpdated: "2000-01-01T00:00:00Z",
			undated:     "2000-01-01T00:00:00Z",
		},
		{
			name: "no entries",
			edit: func(f *Feed) {
				f.Entries = nil
			},
			feedUpdated: "2000-01-01T00:00:00Z",
		},
		{
			name: "no entries but Feed.Undated",
			edit: func(f *Feed) {
				f.Entries = nil
				f.Undated = time.Date(2025, 4, 27, 0, 0, 0, 0, time.UTC)
			},
			feedUpdated: "2025-04-27T00:00:00Z",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := testFeed()
			tt.edit(f)
			doc, out := parseAtom(t, f)
			if doc.Updated != tt.feedUpdated {
				t.Errorf("feed updated = %q, want %q", doc.Updated, tt.feedUpdated)
			}
			for i, e := range doc.Entries {
				if len(e.Updated) != 1 || e.Updated[0] == "" {
					t.Errorf("entry %d updated = %q, want exactly one\n%s", i, e.Updated, out)
				}
			}
			if len(doc.Entries) == 3 && doc.Entries[2].Updated[0] != tt.undated {
				t.Errorf("undated entry updated = %q, want %q", doc.Entries[2].Updated[0], tt.undated)
			}
		})
	}
}

// undate removes every entry's dates.
func undate(f *Feed) {
	for i := range f.Entries {
		f.Entries[i].Published, f.Entries[i].Updated = time.Time{}, time.Time{}
	}
}

func TestAtomMonthDateIsAFullTime(t *testing.T) {
	f := testFeed()
	f.Entries[1].Published = time.Date(2025, 4, 1, 0, 0, 0, 0, cst) // 2025年4月
	doc, _ := parseAtom(t, f)
	if got := doc.Entries[1].Published; got != "2025-04-01T00:00:00+08:00" {
		t.Errorf("month-precision entry published = %q, want 2025-04-01T00:00:00+08:00", got)
	}
}

func TestJSONUndatedItemHasNoDates(t *testing.T) {
	f := testFeed()
	f.Undated = time.Date(2025, 4, 27, 0, 0, 0, 0, time.UTC)
	out, err := JSON(f)
	if err != nil {
		t.Fatal(err)
	}
	var doc jsonDoc
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if it := doc.Items[2]; it.DatePublished != nil || it.DateModified != nil {
		t.Errorf("undated item dates = %v, %v; want none", it.DatePublished, it.DateModified)
	}
	if strings.Contains(string(out), "2025-04-27T00:00:00Z") || strings.Contains(string(out), "1970") {
		t.Errorf("JSON Feed writes a made-up date:\n%s", out)
	}
}

func TestAtomEscapesMarkup(t *testing.T) {
	_, out := parseAtom(t, testFeed())
	for _, bad := range []string{"<草案>", "<p>", "& 数据"} {
		if strings.Contains(string(out), bad) {
			t.Errorf("Atom output contains unescaped %q", bad)
		}
	}
}

func TestErrors(t *testing.T) {
	noID := testFeed()
	noID.Entries[2].URL = ""
	noFeedID := testFeed()
	noFeedID.FeedURL, noFeedID.HomeURL = "", ""
	tests := []struct {
		name    string
		f       *Feed
		atom    bool
		json    bool
		wantErr string
	}{
		{"nil feed", nil, true, true, "nil feed"},
		{"entry without id or url", noID, true, true, `entry 2 "无日期文件": no id or url`},
		{"atom feed without id", noFeedID, true, false, "neither FeedURL nor HomeURL"},
	}
	for _, tt := range tests {
		if tt.atom {
			if _, err := Atom(tt.f); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: Atom error = %v, want %q", tt.name, err, tt.wantErr)
			}
		}
		if tt.json {
			if _, err := JSON(tt.f); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: JSON error = %v, want %q", tt.name, err, tt.wantErr)
			}
		}
	}
}

type jsonDoc struct {
	Version     string `json:"version"`
	Title       string `json:"title"`
	HomePageURL string `json:"home_page_url"`
	FeedURL     string `json:"feed_url"`
	Description string `json:"description"`
	Icon        string `json:"icon"`
	Language    string `json:"language"`
	Authors     []struct {
		Name string `json:"name"`
	} `json:"authors"`
	Items []struct {
		ID            string  `json:"id"`
		URL           string  `json:"url"`
		Title         string  `json:"title"`
		ContentHTML   *string `json:"content_html"`
		ContentText   *string `json:"content_text"`
		Summary       string  `json:"summary"`
		DatePublished *string `json:"date_published"`
		DateModified  *string `json:"date_modified"`
		Authors       []struct {
			Name string `json:"name"`
		} `json:"authors"`
		Tags []string `json:"tags"`
	} `json:"items"`
}

func TestJSONRoundTrip(t *testing.T) {
	f := testFeed()
	f.FeedURL = "https://user.github.io/repo/feed.json"
	out, err := JSON(f)
	if err != nil {
		t.Fatalf("JSON: %v", err)
	}
	var doc jsonDoc
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("JSON output does not parse: %v\n%s", err, out)
	}
	str := func(p *string) string {
		if p == nil {
			return "<absent>"
		}
		return *p
	}
	tests := []struct{ name, got, want string }{
		{"version", doc.Version, "https://jsonfeed.org/version/1.1"},
		{"title", doc.Title, "政策文件库"},
		{"home_page_url", doc.HomePageURL, "https://user.github.io/repo/"},
		{"feed_url", doc.FeedURL, "https://user.github.io/repo/feed.json"},
		{"description", doc.Description, "法律 & 法规"},
		{"icon", doc.Icon, "https://user.github.io/repo/favicon.svg"},
		{"language", doc.Language, "zh-CN"},
		{"authors", doc.Authors[0].Name, "编辑部"},
		{"item 0 id", doc.Items[0].ID, "https://user.github.io/repo/2025/04/ai/"},
		{"item 0 title", doc.Items[0].Title, "关于人工智能的意见 <草案>"},
		{"item 0 content_html", str(doc.Items[0].ContentHTML), `<p>第一条 <a href="/repo/x/?a=1&amp;b=2">链接</a></p>`},
		{"item 0 content_text", str(doc.Items[0].ContentText), "<absent>"},
		{"item 0 summary", doc.Items[0].Summary, "人工智能 & 数据"},
		{"item 0 date_published", str(doc.Items[0].DatePublished), "2025-04-27T00:00:00+08:00"},
		{"item 0 date_modified", str(doc.Items[0].DateModified), "2025-05-01T09:30:00+08:00"},
		{"item 0 authors", doc.Items[0].Authors[0].Name, "国务院"},
		{"item 0 tags", strings.Join(doc.Items[0].Tags, ","), "人工智能,数据安全"},
		{"item 1 content_html", str(doc.Items[1].ContentHTML), "<absent>"},
		{"item 1 content_text", str(doc.Items[1].ContentText), "为保护文学、艺术和科学作品作者的著作权"},
		{"item 1 date_modified", str(doc.Items[1].DateModified), "<absent>"},
		{"item 2 id from url", doc.Items[2].ID, "https://user.github.io/repo/undated/"},
		{"item 2 content_text", str(doc.Items[2].ContentText), ""},
		{"item 2 date_published", str(doc.Items[2].DatePublished), "<absent>"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	s := string(out)
	if !strings.HasSuffix(s, "}\n") || !strings.HasPrefix(s, "{\n  \"version\"") {
		t.Errorf("JSON not indented by two spaces with a trailing newline:\n%s", s)
	}
	if strings.Contains(s, `\u003c`) || strings.Contains(s, `\u0026`) || !strings.Contains(s, "<草案>") {
		t.Errorf("JSON escapes HTML characters:\n%s", s)
	}
}

func TestJSONEmptyFeedHasItemsArray(t *testing.T) {
	out, err := JSON(&Feed{Title: "空"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"items": []`) {
		t.Errorf("JSON(empty) = %s, want an empty items array", out)
	}
}

func TestOutputIsDeterministic(t *testing.T) {
	for name, write := range map[string]func(*Feed) ([]byte, error){"Atom": Atom, "JSON": JSON} {
		first, err := write(testFeed())
		if err != nil {
			t.Fatal(err)
		}
		for range 20 {
			again, err := write(testFeed())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first, again) {
				t.Fatalf("%s output differs between runs:\n%s\n---\n%s", name, first, again)
			}
		}
	}
}

func TestAtomFeedAuthor(t *testing.T) {
	tests := []struct {
		name         string
		author       string
		entryAuthors []string
		want         string
	}{
		{"explicit", "编辑部", nil, "编辑部"},
		{"title stands in when an entry has no author", "", nil, "政策文件库"},
		{"omitted when every entry has an author", "", []string{"国务院"}, ""},
	}
	for _, tt := range tests {
		f := testFeed()
		f.Author = tt.author
		for i := range f.Entries {
			if tt.entryAuthors != nil {
				f.Entries[i].Authors = tt.entryAuthors
			}
		}
		doc, _ := parseAtom(t, f)
		if got := strings.Join(doc.Author, ","); got != tt.want {
			t.Errorf("%s: feed author = %q, want %q", tt.name, got, tt.want)
		}
	}
}
