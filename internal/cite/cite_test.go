package cite

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// seed is the People's Daily article of ../../../shared/seed, filled as
// the caller fills a Work from its front matter and footer.
var seed = Work{
	Kind:      Newspaper,
	Title:     "习近平在中共中央政治局第二十次集体学习时强调",
	Authors:   []string{"人民日报"},
	Container: "人民日报",
	Published: Date{2025, 4, 27},
	Page:      PageFromVersion("第01版"),
	URL:       "http://paper.people.com.cn/rmrb/pc/content/202504/27/content_30070122.html",
	Accessed:  DateOf(time.Date(2025, 4, 27, 5, 31, 23, 0, time.FixedZone("CST", 8*3600))),
	Lang:      "zh",
	ID:        "news/000_0cc289df36280051",
}

// cases are the works of the golden files testdata/<name>.txtar.
var cases = map[string]Work{
	"seed-newspaper": seed,
	"nyc-executive-order": {
		Kind:      GovDoc,
		Title:     "Executive Order 47: Strengthening Our Commitment to Community and Ethnic Media",
		Issuer:    "Office of the Mayor",
		Published: Date{2019, 5, 22},
		URL:       "https://www.nyc.gov/assets/home/downloads/pdf/executive-orders/2019/eo-47.pdf",
		Accessed:  Date{2025, 5, 1},
		Lang:      "en",
		ID:        "nyc-eo/2019/2019-EO-047",
	},
	"gov-notice-zh": {
		Kind:      GovDoc,
		Title:     "国务院关于印发新一代人工智能发展规划的通知",
		Issuer:    "国务院",
		DocNumber: "国发〔2017〕35号",
		Container: "中国政府网",
		Published: Date{2017, 7, 20},
		URL:       "http://www.gov.cn/zhengce/content/2017-07/20/content_5211996.htm",
		Accessed:  Date{2025, 4, 27},
		Lang:      "zh",
		ID:        "notices/国发2017-35",
	},
	"law-without-url": {
		Kind:      GovDoc,
		Title:     "中华人民共和国统计法",
		Issuer:    "全国人民代表大会常务委员会",
		Published: Date{2009, 6, 27},
		ID:        "laws/economic/统计法",
	},
	"online-without-access-date": {
		Kind:      Online,
		Title:     "人工智能治理国际合作论坛在京举行",
		Authors:   []string{"新华社"},
		Container: "新华网",
		Published: Date{2025, 4, 26},
		URL:       "https://www.example.cn/20250426/a.htm",
		ID:        "news/forum",
	},
	"five-authors": {
		Kind:      Newspaper,
		Title:     "基层治理数字化转型的实践探索",
		Authors:   []string{"张三", "李四", "王五", "赵六", "钱七"},
		Container: "光明日报",
		Published: Date{2024, 11, 3},
		Page:      PageFromVersion("第 05 版"),
		ID:        "news/five",
	},
	"specials-in-title": {
		Kind:      Online,
		Title:     `Budget {FY2025}: 50% cut & $1.5M "savings" for #NYC_parks ~ 10^2 \ done?`,
		Authors:   []string{"O'Brien & Partners", "Data_Lab #1"},
		Container: "City & State",
		Published: Date{2025, 3, 0},
		URL:       "https://example.org/budget?a=1&b={2}#sec_3%20x",
		Accessed:  Date{2025, 4, 2},
		ID:        "budget {2025}, draft",
	},
}

// formats are the files of a golden archive, in order. RIS is stored with
// LF line ends; TestRISLinesEndInCRLF checks the CRLF.
var formats = []struct {
	name string
	fn   func(Work) string
}{
	{"gbt7714.txt", func(w Work) string { return GBT7714(w) + "\n" }},
	{"apa.txt", func(w Work) string { return APA(w) + "\n" }},
	{"apa.html", func(w Work) string { return string(APAHTML(w)) + "\n" }},
	{"bibtex.bib", BibTeX},
	{"ris.txt", func(w Work) string { return strings.ReplaceAll(RIS(w), "\r\n", "\n") }},
	{"csl.json", func(w Work) string {
		b, err := CSLJSON(w)
		if err != nil {
			return "error: " + err.Error() + "\n"
		}
		return string(b)
	}},
}

// TestGolden compares every format of every case with
// testdata/<case>.txtar. Refresh them with go test ./internal/cite -update,
// and review the diff.
func TestGolden(t *testing.T) {
	for name, w := range cases {
		t.Run(name, func(t *testing.T) {
			var ar txtar.Archive
			ar.Comment = []byte("Citations of one Work (cases in cite_test.go); refresh with go test ./internal/cite -update\n")
			for _, f := range formats {
				ar.Files = append(ar.Files, txtar.File{Name: f.name, Data: []byte(f.fn(w))})
			}
			got := txtar.Format(&ar)
			golden := filepath.Join("testdata", name+".txtar")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			data, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if bytes.Equal(got, data) {
				return
			}
			want := map[string]string{}
			for _, f := range txtar.Parse(data).Files {
				want[f.Name] = string(f.Data)
			}
			for _, f := range ar.Files {
				if string(f.Data) != want[f.Name] {
					t.Errorf("%s: %s differs:\n--- got ---\n%s--- want ---\n%s", golden, f.Name, f.Data, want[f.Name])
				}
			}
		})
	}
}

func TestGoldenFilesHaveCases(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if _, ok := cases[strings.TrimSuffix(filepath.Base(f), ".txtar")]; !ok {
			t.Errorf("%s has no case in cite_test.go", f)
		}
	}
}

// TestSeedNewspaperGBT7714 checks the seed article's citation character
// for character: the newspaper form, without its URL.
func TestSeedNewspaperGBT7714(t *testing.T) {
	const want = "人民日报. 习近平在中共中央政治局第二十次集体学习时强调[N]. 人民日报, 2025-04-27(1)."
	if got := GBT7714(seed); got != want {
		t.Errorf("GBT7714(seed) = %q, want %q", got, want)
	}
}

func TestPageFromVersion(t *testing.T) {
	tests := []struct{ in, want string }{
		{"第01版", "1"},
		{"第 05 版", "5"},
		{"第１２版", "12"},
		{"A3版", "A3"},
		{"第A03版", "A3"},
		{"Ａ０３版", "A3"},
		{"第01版：要闻", "1"},
		{"12", "12"},
		{"第00版", "0"},
		{"要闻版", "要闻"},
		{"", ""},
		{"  ", ""},
	}
	for _, tt := range tests {
		if got := PageFromVersion(tt.in); got != tt.want {
			t.Errorf("PageFromVersion(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestGBT7714(t *testing.T) {
	five := []string{"张三", "李四", "王五", "赵六", "钱七"}
	fiveEn := []string{"Alice Zhang", "Bob Li", "Carol Wang", "Dan Liu", "Eve Chen"}
	tests := []struct {
		name string
		w    Work
		want string
	}{
		{"three authors are all listed",
			Work{Kind: Newspaper, Title: "题名", Authors: five[:3], Container: "光明日报", Published: Date{2024, 11, 3}, Page: "5"},
			"张三, 李四, 王五. 题名[N]. 光明日报, 2024-11-03(5)."},
		{"a fourth author becomes 等",
			Work{Kind: Newspaper, Title: "题名", Authors: five[:4], Container: "光明日报", Published: Date{2024, 11, 3}, Page: "5"},
			"张三, 李四, 王五, 等. 题名[N]. 光明日报, 2024-11-03(5)."},
		{"English authors end in et al. with one period",
			Work{Title: "Title", Authors: fiveEn, URL: "https://example.org/", Published: Date{2025, 1, 2}, Accessed: Date{2025, 2, 3}},
			"Alice Zhang, Bob Li, Carol Wang, et al. Title[EB/OL]. (2025-01-02)[2025-02-03]. https://example.org/."},
		{"the language is inferred from a Han title",
			Work{Title: "人工智能", Authors: fiveEn, URL: "https://example.org/"},
			"Alice Zhang, Bob Li, Carol Wang, 等. 人工智能[EB/OL]. https://example.org/."},
		{"Lang wins over the title",
			Work{Title: "人工智能", Authors: five, URL: "https://example.org/", Lang: "en-US"},
			"张三, 李四, 王五, et al. 人工智能[EB/OL]. https://example.org/."},
		{"a newspaper never shows its URL",
			Work{Kind: Newspaper, Title: "题名", Authors: []string{"人民日报"}, Container: "人民日报", Published: Date{2025, 4, 27}, Page: "1", URL: "http://x/", Accessed: Date{2025, 4, 27}},
			"人民日报. 题名[N]. 人民日报, 2025-04-27(1)."},
		{"a newspaper without page",
			Work{Kind: Newspaper, Title: "题名", Container: "人民日报", Published: Date{2025, 4, 27}},
			"题名[N]. 人民日报, 2025-04-27."},
		{"an online work without author is by its site",
			Work{Title: "题名", Container: "中国政府网", Published: Date{2025, 4, 27}, URL: "https://www.gov.cn/"},
			"中国政府网. 题名[EB/OL]. (2025-04-27). https://www.gov.cn/."},
		{"access date alone",
			Work{Title: "题名", Authors: []string{"新华社"}, URL: "https://a/", Accessed: Date{2025, 4, 27}},
			"新华社. 题名[EB/OL]. [2025-04-27]. https://a/."},
		{"a month-precision date",
			Work{Title: "题名", Authors: []string{"新华社"}, URL: "https://a/", Published: Date{2025, 4, 0}},
			"新华社. 题名[EB/OL]. (2025-04). https://a/."},
		{"an online work without URL",
			Work{Title: "题名", Authors: []string{"新华社"}, Published: Date{2025, 4, 27}},
			"新华社. 题名[EB]. 2025."},
		{"a government document by its issuer, with its number",
			Work{Kind: GovDoc, Title: "国务院办公厅关于印发某某办法的通知", Issuer: "国务院办公厅", DocNumber: "国办发〔2018〕128号", Published: Date{2018, 12, 29}, URL: "https://www.gov.cn/a.htm", Accessed: Date{2025, 4, 27}},
			"国务院办公厅. 国务院办公厅关于印发某某办法的通知: 国办发〔2018〕128号[A/OL]. (2018-12-29)[2025-04-27]. https://www.gov.cn/a.htm."},
		{"a printed government document gives its year",
			Work{Kind: GovDoc, Title: "某某办法", Issuer: "国务院办公厅", DocNumber: "国办发〔2018〕128号", Published: Date{2018, 12, 29}},
			"国务院办公厅. 某某办法: 国办发〔2018〕128号[A]. 2018."},
		{"white space is normalized",
			Work{Kind: Newspaper, Title: "  题名\n第二行 ", Authors: []string{" 人民日报 ", "", "  "}, Container: "人民日报\u3000", Published: Date{2025, 4, 27}, Page: " 1 "},
			"人民日报. 题名 第二行[N]. 人民日报, 2025-04-27(1)."},
	}
	for _, tt := range tests {
		if got := GBT7714(tt.w); got != tt.want {
			t.Errorf("%s: GBT7714(%+v) = %q, want %q", tt.name, tt.w, got, tt.want)
		}
	}
}

func TestAPA(t *testing.T) {
	tests := []struct {
		name     string
		w        Work
		want     string
		wantHTML string
	}{
		{"the seed article",
			seed,
			"人民日报. (2025, April 27). 习近平在中共中央政治局第二十次集体学习时强调. 人民日报, 1.",
			"人民日报. (2025, April 27). 习近平在中共中央政治局第二十次集体学习时强调. <i>人民日报</i>, 1."},
		{"two authors",
			Work{Kind: Newspaper, Title: "Title", Authors: []string{"Smith, J.", "Doe, A."}, Container: "The Times", Published: Date{2019, 4, 9}, Page: "D4"},
			"Smith, J., & Doe, A. (2019, April 9). Title. The Times, D4.",
			"Smith, J., &amp; Doe, A. (2019, April 9). Title. <i>The Times</i>, D4."},
		{"no author and no date",
			Work{Title: "Title?", Container: "", URL: "https://a/"},
			"Title? (n.d.). https://a/",
			"<i>Title?</i> (n.d.). https://a/"},
		{"a site that is the author is left out",
			Work{Title: "Page", Container: "NYC Mayor's Office", Published: Date{2025, 1, 0}, URL: "https://a/"},
			"NYC Mayor's Office. (2025, January). Page. https://a/",
			"NYC Mayor&#39;s Office. (2025, January). <i>Page</i>. https://a/"},
		{"a site",
			Work{Title: "Page", Authors: []string{"A <b>"}, Container: "Site & Co", Published: Date{2025, 0, 0}, URL: "https://a/?x=1&y=2"},
			"A <b>. (2025). Page. Site & Co. https://a/?x=1&y=2",
			"A &lt;b&gt;. (2025). <i>Page</i>. Site &amp; Co. https://a/?x=1&amp;y=2"},
		{"a government document with its number",
			Work{Kind: GovDoc, Title: "某某办法", Issuer: "国务院办公厅", DocNumber: "国办发〔2018〕128号", Published: Date{2018, 12, 29}, URL: "https://www.gov.cn/a.htm"},
			"国务院办公厅. (2018, December 29). 某某办法 (国办发〔2018〕128号). https://www.gov.cn/a.htm",
			"国务院办公厅. (2018, December 29). <i>某某办法</i> (国办发〔2018〕128号). https://www.gov.cn/a.htm"},
		{"an issuer that is not the author is the publisher",
			Work{Kind: GovDoc, Title: "Order", Authors: []string{"Bill de Blasio"}, Issuer: "Office of the Mayor", Published: Date{2019, 5, 22}},
			"Bill de Blasio. (2019, May 22). Order. Office of the Mayor.",
			"Bill de Blasio. (2019, May 22). <i>Order</i>. Office of the Mayor."},
	}
	for _, tt := range tests {
		if got := APA(tt.w); got != tt.want {
			t.Errorf("%s: APA(%+v) = %q, want %q", tt.name, tt.w, got, tt.want)
		}
		if got := string(APAHTML(tt.w)); got != tt.wantHTML {
			t.Errorf("%s: APAHTML(%+v) = %q, want %q", tt.name, tt.w, got, tt.wantHTML)
		}
	}
}

func TestAPAListsAuthors(t *testing.T) {
	names := func(n int) []string {
		s := make([]string, n)
		for i := range s {
			s[i] = string(rune('A' + i))
		}
		return s
	}
	tests := []struct {
		n    int
		want string
	}{
		{1, "A"},
		{2, "A, & B"},
		{3, "A, B, & C"},
		{20, "A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S, & T"},
		{21, "A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S, … U"},
	}
	for _, tt := range tests {
		if got := apaNames(names(tt.n)); got != tt.want {
			t.Errorf("apaNames(%d names) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestBibTeXEscapesSpecials(t *testing.T) {
	got := BibTeX(cases["specials-in-title"])
	for _, want := range []string{
		"@online{budget--2025---draft,\n",
		`  author = {{O'Brien \& Partners} and {Data\_Lab \#1}},` + "\n",
		`  title = {Budget \{FY2025\}: 50\% cut \& \$1.5M "savings" for \#NYC\_parks \textasciitilde{} 10\textasciicircum{}2 \textbackslash{} done?},` + "\n",
		`  organization = {City \& State},` + "\n",
		"  date = {2025-03},\n",
		"  url = {https://example.org/budget?a=1&b=%7B2%7D#sec_3%20x},\n",
		"  urldate = {2025-04-02},\n",
		"  langid = {english},\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("BibTeX(specials) = \n%s\nwant it to contain %q", got, want)
		}
	}
	// Braces balance, so BibTeX reads the entry to its end.
	depth := 0
	for i := 0; i < len(got); i++ {
		switch got[i] {
		case '\\':
			i++
		case '{':
			depth++
		case '}':
			depth--
		}
		if depth < 0 {
			t.Fatalf("BibTeX(specials) closes a brace it did not open at byte %d:\n%s", i, got)
		}
	}
	if depth != 0 {
		t.Errorf("BibTeX(specials) leaves %d braces open:\n%s", depth, got)
	}
}

func TestBibTeXEntryTypes(t *testing.T) {
	tests := []struct {
		w    Work
		want string
	}{
		{seed, "@article{news/000_0cc289df36280051,\n  author = {{人民日报}},\n  title = {习近平在中共中央政治局第二十次集体学习时强调},\n  journal = {人民日报},\n  entrysubtype = {newspaper},\n  date = {2025-04-27},\n  pages = {1},\n  url = {http://paper.people.com.cn/rmrb/pc/content/202504/27/content_30070122.html},\n  urldate = {2025-04-27},\n  langid = {chinese},\n}\n"},
		{Work{Kind: GovDoc, Title: "办法", Issuer: "国务院", DocNumber: "国发〔2017〕35号"}, "@misc{item,\n  author = {{国务院}},\n  title = {办法},\n  organization = {国务院},\n  number = {国发〔2017〕35号},\n  langid = {chinese},\n}\n"},
	}
	for _, tt := range tests {
		if got := BibTeX(tt.w); got != tt.want {
			t.Errorf("BibTeX(%+v) =\n%s\nwant\n%s", tt.w, got, tt.want)
		}
	}
}

func TestRISLinesEndInCRLF(t *testing.T) {
	for name, w := range cases {
		got := RIS(w)
		if !strings.HasPrefix(got, "TY  - ") || !strings.HasSuffix(got, "\r\nER  - \r\n") {
			t.Errorf("%s: RIS = %q, want TY first and ER last", name, got)
		}
		for _, line := range strings.SplitAfter(got, "\n") {
			if line == "" {
				continue
			}
			if !strings.HasSuffix(line, "\r\n") || strings.Count(line, "\n") != 1 || strings.Count(line, "\r") != 1 {
				t.Errorf("%s: RIS line %q does not end in CRLF alone", name, line)
			}
			if len(line) < 6 || line[2:6] != "  - " {
				t.Errorf("%s: RIS line %q is not \"TG  - value\"", name, line)
			}
		}
	}
}

func TestRISDates(t *testing.T) {
	tests := []struct {
		d    Date
		want string
	}{
		{Date{2025, 4, 27}, "2025/04/27/"},
		{Date{2019, 9, 0}, "2019/09//"},
		{Date{2019, 0, 5}, "2019///"},
		{Date{2019, 13, 5}, "2019///"},
		{Date{}, ""},
	}
	for _, tt := range tests {
		if got := risDate(tt.d); got != tt.want {
			t.Errorf("risDate(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// TestCSLJSONHasRequiredFields decodes every case's CSL-JSON as the schema
// reads it: an array of items, each with id, type, title and issued.
func TestCSLJSONHasRequiredFields(t *testing.T) {
	types := map[Kind]string{Newspaper: "article-newspaper", Online: "webpage", GovDoc: "legislation"}
	for name, w := range cases {
		data, err := CSLJSON(w)
		if err != nil {
			t.Fatalf("%s: CSLJSON: %v", name, err)
		}
		if !json.Valid(data) {
			t.Fatalf("%s: CSLJSON is not valid JSON:\n%s", name, data)
		}
		var items []map[string]any
		if err := json.Unmarshal(data, &items); err != nil {
			t.Fatalf("%s: CSLJSON is not an array of objects: %v", name, err)
		}
		if len(items) != 1 {
			t.Fatalf("%s: CSLJSON has %d items, want 1", name, len(items))
		}
		item := items[0]
		for _, key := range []string{"id", "type", "title", "issued"} {
			if _, ok := item[key]; !ok {
				t.Errorf("%s: CSLJSON has no %q:\n%s", name, key, data)
			}
		}
		if item["type"] != types[w.Kind] {
			t.Errorf("%s: CSLJSON type = %v, want %s", name, item["type"], types[w.Kind])
		}
		issued, _ := item["issued"].(map[string]any)
		parts, _ := issued["date-parts"].([]any)
		if len(parts) != 1 {
			t.Errorf("%s: CSLJSON issued = %v, want one date-parts array", name, item["issued"])
		}
		if w.Kind == GovDoc && w.DocNumber != "" && item["number"] != w.DocNumber {
			t.Errorf("%s: CSLJSON number = %v, want %q", name, item["number"], w.DocNumber)
		}
	}
}

func TestCSLJSONLeavesUnknownDatesOut(t *testing.T) {
	data, err := CSLJSON(Work{Title: "x <&>"})
	if err != nil {
		t.Fatal(err)
	}
	const want = "[\n  {\n    \"id\": \"item\",\n    \"type\": \"webpage\",\n    \"title\": \"x <&>\",\n    \"language\": \"en\"\n  }\n]\n"
	if string(data) != want {
		t.Errorf("CSLJSON(untitled) = %s, want %s", data, want)
	}
}

func TestDateOf(t *testing.T) {
	tests := []struct {
		t    time.Time
		want Date
	}{
		{time.Date(2025, 4, 27, 5, 31, 23, 0, time.FixedZone("CST", 8*3600)), Date{2025, 4, 27}},
		{time.Date(2025, 4, 26, 23, 0, 0, 0, time.UTC), Date{2025, 4, 26}},
		{time.Time{}, Date{}},
	}
	for _, tt := range tests {
		if got := DateOf(tt.t); got != tt.want {
			t.Errorf("DateOf(%s) = %v, want %v", tt.t, got, tt.want)
		}
	}
}

func FuzzFormats(f *testing.F) {
	f.Add("题名", "人民日报", "http://a/{b}", `x{}%&$#_~^\`, 2025, 4, 27)
	f.Fuzz(func(t *testing.T, title, author, url, id string, y, m, d int) {
		for kind := range GovDoc + 1 {
			w := Work{Kind: kind, Title: title, Authors: []string{author}, URL: url, ID: id, Published: Date{y, m, d}, DocNumber: id}
			GBT7714(w)
			APAHTML(w)
			RIS(w)
			bib := BibTeX(w)
			depth := 0
			for i := 0; i < len(bib); i++ {
				switch bib[i] {
				case '\\':
					i++
				case '{':
					depth++
				case '}':
					depth--
				}
				if depth < 0 {
					break
				}
			}
			if depth != 0 {
				t.Errorf("BibTeX(%+v) has unbalanced braces:\n%s", w, bib)
			}
			data, err := CSLJSON(w)
			if err != nil || !json.Valid(data) {
				t.Errorf("CSLJSON(%+v) = %s, %v", w, data, err)
			}
		}
	})
}
