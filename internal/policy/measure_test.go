package policy

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMeasure(t *testing.T) {
	tests := []struct {
		in   string
		want Measures
	}{
		{"", Measures{}},
		{"。，！ — …", Measures{}},
		{"人工智能", Measures{Han: 4, Minutes: 1}},
		{"AI 是 COVID-19 的 don't", Measures{Han: 2, Latin: 3, Minutes: 1}},
		{"ひらがな カタカナ 한국어", Measures{Han: 11, Minutes: 1}},
		{"２０２５年", Measures{Han: 1, Latin: 1, Minutes: 1}},
		{"well-- known", Measures{Latin: 2, Minutes: 1}},
		{strings.Repeat("政", 400), Measures{Han: 400, Minutes: 1}},
		{strings.Repeat("政", 401), Measures{Han: 401, Minutes: 2}},
		{strings.Repeat("word ", 200), Measures{Latin: 200, Minutes: 1}},
		{strings.Repeat("word ", 200) + "政", Measures{Han: 1, Latin: 200, Minutes: 2}},
		{strings.Repeat("政", 200) + strings.Repeat(" word", 100), Measures{Han: 200, Latin: 100, Minutes: 1}},
	}
	for _, tt := range tests {
		if got := Measure(tt.in); got != tt.want {
			t.Errorf("Measure(%.40q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestMeasureSeedArticle(t *testing.T) {
	data, err := os.ReadFile("testdata/seed.md")
	if err != nil {
		t.Fatal(err)
	}
	got := Measure(string(data))
	// 1,533 Han characters (front matter, title and footer included) and
	// 53 words (the front-matter keys, dates, times and URL parts):
	// (1533 + 2×53) / 400 rounds up to 5 minutes.
	want := Measures{Han: 1533, Latin: 53, Minutes: 5}
	if got != want {
		t.Errorf("Measure(seed) = %+v, want %+v", got, want)
	}
}

func TestSummary(t *testing.T) {
	const first = "■面对新一代人工智能技术快速演进的新形势，要充分发挥新型举国体制优势，坚持自立自强，突出应用导向，推动我国人工智能朝着有益、安全、公平方向健康有序发展"
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"人工智能。", 10, "人工智能。"},
		{"  人工智能。\n\n", 10, "人工智能。"},
		{"第一句。\n\n第二句。", 100, "第一句。 第二句。"},
		{"第一句。第二句话比较长一些。第三句。", 16, "第一句。第二句话比较长一些。"},
		{"第一句。第二句话比较长一些。第三句。", 14, "第一句。第二句话比较长一些。"},
		// The only sentence end is in the first half: cut and mark.
		{"第一句。第二句话比较长一些。第三句。", 12, "第一句。第二句话比较长…"},
		{"他说：“要加强监管。”随后离开。", 14, "他说：“要加强监管。”"},
		{"「要加强监管！」随后离开，没有回答记者的问题。", 12, "「要加强监管！」"},
		{"是否可行？需要研究。后续再议，另行通知。", 12, "是否可行？需要研究。"},
		{first, 20, "■面对新一代人工智能技术快速演进的新形…"},
		{"人工智能，发展，治理，安全，可控，可靠", 6, "人工智能…"},
		{"The order takes effect immediately. It applies to all agencies of the City.", 40, "The order takes effect immediately."},
		{`He said "stop." Then he left the room quietly.`, 20, `He said "stop."`},
		{"Mayor signs order on community and ethnic media outreach today", 20, "Mayor signs order…"},
		{"GDP grew 5.2 percent in 2024, officials said on Monday", 16, "GDP grew 5.2…"},
		{"Supercalifragilisticexpialidocious words", 10, "Supercali…"},
		{"习近平强调，人工智能可以是造福人类的国际公共产品。要广泛开展人工智能国际合作。", 30, "习近平强调，人工智能可以是造福人类的国际公共产品。"},
		{"人工智能", 0, ""},
		{"人工智能", -1, ""},
		{"人工智能", 1, "…"},
		{"人工智能", 4, "人工智能"},
	}
	for _, tt := range tests {
		if got := Summary(tt.in, tt.max); got != tt.want {
			t.Errorf("Summary(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func FuzzSummary(f *testing.F) {
	f.Add("第一句。第二句话比较长一些。第三句。", 12)
	f.Add("Mayor signs order on community media", 20)
	f.Add("“要加强监管。”", 3)
	f.Fuzz(func(t *testing.T, s string, max int) {
		got := Summary(s, max)
		if n := utf8.RuneCountInString(got); n > max && !(max <= 0 && n == 0) {
			t.Errorf("Summary(%q, %d) = %q, %d runes", s, max, got, n)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Errorf("Summary(%q, %d) = %q, not valid UTF-8", s, max, got)
		}
	})
}
