package date

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFromNameFindsDates(t *testing.T) {
	tests := []struct{ name, want string }{
		{"2025-04-27-title.md", "2025-04-27"},
		{"2025_04_27 会议纪要.md", "2025-04-27"},
		{"20250427_x.md", "2025-04-27"},
		{"x_20250427.md", "2025-04-27"},
		{"法名(2025-04-27).md", "2025-04-27"},
		{"法名（2025-04-27）.md", "2025-04-27"},
		{"法名【2025.4.27】.md", "2025-04-27"},
		{"x_2025年4月27日.md", "2025-04-27"},
		{"通知（２０２５年４月２７日）.md", "2025-04-27"},
		{"二〇二五年四月二十七日讲话.md", "2025-04-27"},
		{"2025年4月工作报告.md", "2025-04"},
		{"2024-12-31 then 2025-01-01.md", "2024-12-31"},
		{"\u200b2025-04-27.md", "2025-04-27"},
		// No date.
		{"000_0cc289df36280051.txt", ""},
		{"a1b20250427c.md", ""},
		{"12345678.md", ""},
		{"20251399.md", ""},
		{"2025-02-30-x.md", ""},
		{"v12025-04-27.md", ""},
		{"2025-04-271.md", ""},
		{"0001-01-01.md", ""},
		{"国发〔2025〕4号.md", ""},
		{"readme.md", ""},
	}
	for _, tt := range tests {
		d, ok := FromName(tt.name)
		if d.String() != tt.want || ok != (tt.want != "") {
			t.Errorf("FromName(%q) = %q, %v, want %q", tt.name, d, ok, tt.want)
		}
	}
}

func TestFromTextTakesLatestDateStartingALine(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"history",
			"# 中华人民共和国行政复议法\n\n1999年4月29日 第九届……通过\n\n2009年8月27日 第十一届……第一次修正\u3000\n\n2023年9月1日 第十四届……修订\n\n<!-- INFO END -->\n",
			"2023-09-01"},
		{"order does not matter", "2023年9月1日 修订\n1999年4月29日 通过\n", "2023-09-01"},
		{"stops at INFO END", "2001年12月29日 通过\n<!-- INFO END -->\n2030年1月1日 修订\n", "2001-12-29"},
		{"stops at second-level heading", "2001年12月29日 通过\n## 第一章\n2030年1月1日 修订\n", "2001-12-29"},
		{"effective date skipped", "2002年11月4日 通过\n2002年11月5日 公布\n2002年11月7日 施行\n", "2002-11-05"},
		{"effective date with 起", "2020年5月28日 通过\n2021年1月1日 起施行\n", "2020-05-28"},
		{"publication that takes effect at once", "1991年4月1日 国务院批准\n1991年4月22日 发布  自发布之日施行\n", "1991-04-22"},
		{"date inside a dated line", "2010年7月23日 修正  2018年12月29日重庆市……修订）\n", "2018-12-29"},
		{"bracketed line", "（2002年8月16日公告公布 自2002年8月23日起施行）\n", "2002-08-16"},
		{"label", "**作者**: 人民日报\n**日期**: 2025年04月27日\n", "2025-04-27"},
		{"label full-width colon", "发布日期：2025-04-27\n", "2025-04-27"},
		{"list and quote markers", "> - 2025年4月27日 印发\n", "2025-04-27"},
		{"full-width digits", "２０１２年２月２９日 修正\n", "2012-02-29"},
		{"Chinese numerals", "二〇二四年十二月三十一日 通过\n", "2024-12-31"},
		{"ideographic space and zero-width", "\u3000\u200b2023年9月1日 修订\n", "2023-09-01"},
		{"mid-sentence date ignored", "本法于2023年9月1日修订。\n", ""},
		{"heading ignored", "# 2025年4月27日会议纪要\n", ""},
		{"month only ignored", "2025年4月 印发\n", ""},
		{"impossible date ignored", "2025年2月30日 通过\n", ""},
		{"no date", "# 人体器官捐献和移植条例\n\n<!-- INFO END -->\n", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		d, ok := FromText(tt.text, time.UTC)
		if d.String() != tt.want || ok != (tt.want != "") {
			t.Errorf("%s: FromText(%q) = %q, %v, want %q", tt.name, tt.text, d, ok, tt.want)
		}
	}
}

func TestFromTextReadsAtMost40Lines(t *testing.T) {
	text := strings.Repeat("正文\n", 40) + "2025年4月27日 通过\n"
	if d, ok := FromText(text, time.UTC); ok {
		t.Errorf("FromText(41st line dated) = %q, want none", d)
	}
}

// TestFromTextOnLawExcerpts runs on excerpts of real laws kept in
// testdata/laws (see its README.md), so it needs no corpus.
func TestFromTextOnLawExcerpts(t *testing.T) {
	tests := []struct{ file, name, text string }{
		{"行政复议法(2023-09-01).md", "2023-09-01", "2023-09-01"},
		{"工商行政管理所条例(1991-04-22).md", "1991-04-22", "1991-04-22"},
		{"最高人民法院关于审理偷税抗税刑事案件具体应用法律若干问题的解释(2002-11-05).md", "2002-11-05", "2002-11-05"},
		{"重庆市燃放烟花爆竹管理条例(2018-12-29).md", "2018-12-29", "2018-12-29"},
		{"确定罪名的补充规定七(2021-02-26).md", "2021-02-26", "2021-02-26"},
		// The file name gives a later revision the text does not record.
		{"金银管理条例(2011-01-08).md", "2011-01-08", "1983-06-15"},
		// Full-width digits; the opening lines are those of the national law.
		{"山东省清洁生产促进条例(2020-11-27).md", "2020-11-27", "2012-02-29"},
		{"人体器官捐献和移植条例(2023-12-04).md", "2023-12-04", ""},
	}
	for _, tt := range tests {
		src, err := os.ReadFile(filepath.Join("testdata", "laws", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		if d, _ := FromName(tt.file); d.String() != tt.name {
			t.Errorf("FromName(%q) = %q, want %q", tt.file, d, tt.name)
		}
		if d, _ := FromText(string(src), time.UTC); d.String() != tt.text {
			t.Errorf("%s: FromText = %q, want %q", tt.file, d, tt.text)
		}
	}
}
