package content

import (
	"slices"
	"strings"
)

// Type is what a front-matter key's value is read as.
type Type int

// Key types.
const (
	Text Type = iota // one line of text; a list is joined with ", "
	Date             // a date, see package date
	List             // a list, or one string split at "," "，" "、" ";" "；"
	Bool             // true or false
	URL              // an absolute URL
	Path             // a site path starting with "/"
)

// Key is one front-matter key folio understands. Keys is the one table of
// them: the parser, the Markdown cleanup (which drops body lines restating
// a key), the renderer's list of extra keys, and the incremental build's
// page stamps all read it.
type Key struct {
	Name    string    // the canonical name: "original_url"
	Aliases []string  // other names archives use for it, in order of preference
	Type    Type      // how the value is read
	Label   [2]string // a human label: Chinese, English
	// Restated are the bold labels with which a scraped body restates the
	// key at its start ("**作者**: 人民日报"), lowercase.
	Restated []string
	// Listed keys are shown in list entries (the home page, tag and
	// archive lists), not only on the document's own page.
	Listed bool
}

// Keys is the front-matter schema. A key's aliases are matched case
// insensitively, like the names themselves; folio.yaml's keys: map adds
// a collection's own names (Config.Keys).
var Keys = []Key{
	{Name: "title", Aliases: []string{"headline", "标题"}, Type: Text, Label: [2]string{"标题", "Title"}, Restated: []string{"标题", "title"}, Listed: true},
	{Name: "date", Aliases: []string{"publish_date", "pubdate", "published", "publishdate", "pub_date", "date_published", "date_signed", "signed", "issued", "发布日期", "日期"}, Type: Date, Label: [2]string{"日期", "Date"}, Restated: []string{"日期", "发布日期", "时间", "date"}, Listed: true},
	{Name: "tags", Aliases: []string{"keywords", "categories", "标签", "关键词"}, Type: List, Label: [2]string{"标签", "Tags"}, Listed: true},
	{Name: "draft", Type: Bool, Label: [2]string{"草稿", "Draft"}},
	{Name: "slug", Type: Text, Label: [2]string{"网址名", "Slug"}},
	{Name: "url", Type: Path, Label: [2]string{"网址", "URL"}},
	{Name: "aliases", Type: List, Label: [2]string{"旧网址", "Aliases"}},
	{Name: "summary", Aliases: []string{"description", "abstract", "摘要"}, Type: Text, Label: [2]string{"摘要", "Summary"}, Listed: true},
	{Name: "author", Aliases: []string{"authors", "byline", "作者"}, Type: Text, Label: [2]string{"作者", "Author"}, Restated: []string{"作者", "author", "by"}},
	{Name: "source", Aliases: []string{"publisher", "来源"}, Type: Text, Label: [2]string{"来源", "Source"}, Restated: []string{"来源", "出处", "source"}, Listed: true},
	{Name: "original_url", Aliases: []string{"source_url", "url", "link", "original_link", "原文链接"}, Type: URL, Label: [2]string{"原文链接", "Original"}, Restated: []string{"原文链接", "链接", "原文", "url", "link"}},
	{Name: "version", Aliases: []string{"section", "page", "版面", "版次"}, Type: Text, Label: [2]string{"版面", "Page"}, Restated: []string{"版面", "版次", "version", "page"}, Listed: true},
	{Name: "lang", Aliases: []string{"language", "语言"}, Type: Text, Label: [2]string{"语言", "Language"}},
	{Name: "search", Type: Bool, Label: [2]string{"可搜索", "Searchable"}},
	// The policy-document model.
	{Name: "id", Type: Text, Label: [2]string{"编号", "ID"}},
	{Name: "issuer", Aliases: []string{"issuers", "issuing_authority", "issued_by", "agency", "发文机关", "发布机关", "制定机关"}, Type: List, Label: [2]string{"发文机关", "Issuer"}, Restated: []string{"发文机关", "issuer"}},
	{Name: "doc_number", Aliases: []string{"document_number", "docno", "发文字号", "文号"}, Type: Text, Label: [2]string{"发文字号", "Document number"}, Restated: []string{"发文字号", "文号"}},
	{Name: "doc_type", Aliases: []string{"document_type", "type", "文种", "类型"}, Type: Text, Label: [2]string{"文种", "Type"}},
	{Name: "written", Aliases: []string{"written_date", "date_written", "成文日期"}, Type: Date, Label: [2]string{"成文日期", "Written"}, Restated: []string{"成文日期"}},
	{Name: "effective", Aliases: []string{"effective_date", "in_force_date", "施行日期", "生效日期"}, Type: Date, Label: [2]string{"施行日期", "In force from"}, Restated: []string{"施行日期", "生效日期"}},
	{Name: "status", Aliases: []string{"validity", "in_effect", "效力", "时效性", "效力状态"}, Type: Text, Label: [2]string{"效力", "Status"}, Restated: []string{"效力", "时效性"}},
	{Name: "subjects", Aliases: []string{"subject", "topics", "主题分类", "主题"}, Type: List, Label: [2]string{"主题分类", "Subjects"}},
	{Name: "supersedes", Aliases: []string{"replaces", "取代"}, Type: List, Label: [2]string{"取代", "Supersedes"}},
	{Name: "superseded_by", Aliases: []string{"replaced_by", "被取代"}, Type: List, Label: [2]string{"被取代", "Superseded by"}},
	{Name: "amends", Aliases: []string{"修改"}, Type: List, Label: [2]string{"修改", "Amends"}},
	{Name: "amended_by", Aliases: []string{"被修改"}, Type: List, Label: [2]string{"被修改", "Amended by"}},
	{Name: "related", Aliases: []string{"see_also", "相关"}, Type: List, Label: [2]string{"相关文件", "Related"}},
	{Name: "retrieved", Aliases: []string{"accessed", "retrieved_at", "fetched_at", "crawled_at", "scraped_at", "处理时间", "抓取时间", "采集时间"}, Type: Date, Label: [2]string{"获取时间", "Retrieved"}},
	{Name: "translation_of", Aliases: []string{"original", "原文"}, Type: Text, Label: [2]string{"原文", "Translation of"}},
	{Name: "translation_key", Aliases: []string{"key"}, Type: Text, Label: [2]string{"译本组", "Translation key"}},
}

var keyIndex = func() map[string]*Key {
	m := map[string]*Key{}
	for i := range Keys {
		m[Keys[i].Name] = &Keys[i]
	}
	return m
}()

// LookupKey returns the table entry of a canonical key name, or nil.
func LookupKey(name string) *Key { return keyIndex[name] }

// Relations are the keys that name other documents, each with its reverse.
var Relations = [][2]string{{"supersedes", "superseded_by"}, {"superseded_by", "supersedes"}, {"amends", "amended_by"}, {"amended_by", "amends"}, {"related", "related"}}

// RestatedKey returns the canonical key a bold label in a body restates
// ("作者" → "author", "Date" → "date"), or "".
func RestatedKey(label string) string {
	label = strings.ToLower(strings.TrimSpace(label))
	for _, k := range Keys {
		for _, r := range k.Restated {
			if r == label {
				return k.Name
			}
		}
	}
	return ""
}

// resolver maps the keys of one front matter to canonical keys.
type resolver struct {
	own map[string]string // lowercased collection name -> canonical (folio.yaml keys:)
}

// candidates lists, for the canonical key name, the front-matter keys that
// may hold it, most preferred first: the name itself, the collection's own
// names for it (sorted), then the table's aliases.
func (r resolver) candidates(name string) []string {
	c := []string{name}
	var own []string
	for k, v := range r.own {
		if v == name {
			own = append(own, k)
		}
	}
	slices.Sort(own)
	c = append(c, own...)
	if k := keyIndex[name]; k != nil {
		c = append(c, k.Aliases...)
	}
	return c
}

// find returns the front-matter key present in fm that holds name, with
// its value. Keys match case insensitively.
func (r resolver) find(fm map[string]any, lower map[string]string, name string, accept func(any) bool) (string, any, bool) {
	for _, c := range r.candidates(name) {
		k, ok := lower[strings.ToLower(c)]
		if !ok {
			continue
		}
		v := fm[k]
		if accept != nil && !accept(v) {
			continue
		}
		return k, v, true
	}
	return "", nil, false
}
