package date

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// FuzzFormats makes a valid Date of every precision from arbitrary numbers
// and checks that each way folio writes it reads back: String to the same
// Date; the Chinese forms (Chinese, Chinese numerals, full-width digits)
// and a Day date in a file name or a law's history line to its calendar
// date; RFC 3339 from Format, and the time.Time of Time, to the same
// instant. Years below 1000 have no Chinese form that reads back, since
// the Chinese forms need four digits of year.
func FuzzFormats(f *testing.F) {
	f.Add(uint16(2025), uint8(4), uint8(27), uint8(10), uint8(30), uint8(0), uint32(0), int16(480), uint8(Day))
	f.Add(uint16(2024), uint8(2), uint8(29), uint8(23), uint8(59), uint8(59), uint32(999999999), int16(-1439), uint8(Time))
	f.Add(uint16(1), uint8(1), uint8(1), uint8(0), uint8(0), uint8(0), uint32(0), int16(0), uint8(Time))
	f.Add(uint16(9999), uint8(12), uint8(31), uint8(0), uint8(0), uint8(0), uint32(1), int16(0), uint8(Month))
	f.Add(uint16(1999), uint8(10), uint8(20), uint8(0), uint8(0), uint8(0), uint32(0), int16(0), uint8(Day))
	sh := mustLoad(f, "Asia/Shanghai")
	f.Fuzz(func(t *testing.T, y uint16, m, d, hh, mm, ss uint8, ns uint32, offMin int16, p uint8) {
		year, month := 1+int(y)%9999, 1+int(m)%12
		day := 1 + int(d)%daysIn(year, month)
		var dt Date
		switch Precision(1 + p%3) {
		case Month:
			dt = Date{year: int16(year), month: uint8(month), prec: Month}
		case Day:
			dt = Date{year: int16(year), month: uint8(month), day: uint8(day), prec: Day}
		case Time:
			off := int(offMin) % (24 * 60) * 60
			tm := time.Date(year, time.Month(month), day, int(hh)%24, int(mm)%60, int(ss)%60, int(ns%1e9), zone(off))
			var reason string
			if dt, reason = fromTime(tm); reason != "" {
				t.Fatalf("fromTime(%v): %s", tm, reason)
			}
		}
		cal := Date{year: dt.year, month: dt.month, day: dt.day, prec: min(dt.prec, Day)}

		reads := func(form, s string, loc *time.Location, want Date) {
			t.Helper()
			got, err := Parse(s, loc)
			if err != nil || got != want || got.Compare(want) != 0 {
				t.Fatalf("%s of %#v: Parse(%q) = %q, %v, want %q", form, dt, s, got, err, want)
			}
		}
		reads("String", dt.String(), time.UTC, dt)
		reads("String", dt.String(), sh, dt)
		rfc, err := Parse(dt.Format(time.RFC3339Nano), sh)
		if err != nil || !rfc.Time(nil).Equal(dt.Time(time.UTC)) || rfc.Year() != dt.Year() || rfc.Month() != dt.Month() || rfc.Day() != max(dt.Day(), 1) {
			t.Fatalf("Format(RFC3339Nano) of %q = %q reads as %q, %v", dt, dt.Format(time.RFC3339Nano), rfc, err)
		}
		if v, err := FromValue(dt.Time(time.UTC), sh); err != nil || !v.Time(time.UTC).Equal(dt.Time(time.UTC)) {
			t.Fatalf("FromValue(%q.Time(UTC)) = %q, %v", dt, v, err)
		}
		if year < 1000 {
			return
		}
		reads("Chinese", dt.Chinese(), time.UTC, cal)
		reads("Chinese numerals", chineseNumerals(cal), time.UTC, cal)
		reads("full-width digits", fullWidth(cal.String()), time.UTC, cal)
		if cal.prec != Day {
			return
		}
		if got, ok := FromText("> "+dt.Chinese()+" 第十四届全国人民代表大会常务委员会第五次会议通过\n正文", nil); !ok || got != cal {
			t.Fatalf("FromText of a history line with %s = %q, %v, want %q", dt.Chinese(), got, ok, cal)
		}
		if year >= 1800 && year <= 2199 {
			name := "法名(" + cal.String() + ").md"
			if got, ok := FromName(name); !ok || got != cal {
				t.Fatalf("FromName(%q) = %q, %v, want %q", name, got, ok, cal)
			}
		}
	})
}

// chineseNumerals writes a Day or Month date as 二〇二五年四月二十七日.
func chineseNumerals(d Date) string {
	digits := []rune("〇一二三四五六七八九")
	small := func(n int) string {
		switch {
		case n < 10:
			return string(digits[n])
		case n == 10:
			return "十"
		case n < 20:
			return "十" + string(digits[n-10])
		case n%10 == 0:
			return string(digits[n/10]) + "十"
		}
		return string(digits[n/10]) + "十" + string(digits[n%10])
	}
	var b strings.Builder
	for _, c := range fmt.Sprintf("%04d", d.Year()) {
		b.WriteRune(digits[c-'0'])
	}
	b.WriteString("年" + small(int(d.Month())) + "月")
	if d.Precision() == Day {
		b.WriteString(small(d.Day()) + "日")
	}
	return b.String()
}

// fullWidth writes ASCII digits and "-" in their full-width forms.
func fullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '-' {
			return r + 0xFEE0
		}
		return r
	}, s)
}

// FuzzFind checks FromName and FromText on arbitrary text: a date they
// find is a valid one of the precision and range the package comment
// gives, and FromText reads nothing after a "## " heading.
func FuzzFind(f *testing.F) {
	for _, s := range []string{
		"2025-04-27-人工智能.md", "法名(2025-04-27).md", "法名（2025-04-27）.md", "x_2025年4月27日.md", "000_0cc289df36280051.txt",
		"20250427_x.md", "2025_04_27 x.md", "二〇二五年十三月一日.md", "二〇二五年四月.md", "1799-01-01.md", "2200-01-01.md",
		"1999年4月29日 第九届全国人民代表大会常务委员会第九次会议通过\n2009年8月27日 第十一届……第一次修正\n",
		"（2001年12月29日 通过 自2002年3月26日起施行）", "**发布日期**：2025年04月27日\n## 正文\n2026年1月1日",
		"\ufeff二○二四年十二月三十一日\r\n", "日期：２０２５年４月２７日", "- 2025.4.27\n> 2025/4/28\n<!-- INFO END -->\n2025-4-29",
		"2025年2月30日", "2025年\x00 4月27日", "\xff2025-04-27\xfe", "9999年12月31日 通过", "0000年1月1日",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		valid := func(fn string, d Date) {
			t.Helper()
			if e, err := Parse(d.String(), nil); err != nil || e != d {
				t.Fatalf("%s(%q) = %#v, which is not a valid date (%q, %v)", fn, s, d, e, err)
			}
		}
		if d, ok := FromName(s); ok {
			valid("FromName", d)
			if p := d.Precision(); p != Day && p != Month || d.Year() < 1800 || d.Year() > 2199 {
				t.Fatalf("FromName(%q) = %q", s, d)
			}
		} else if !d.IsZero() {
			t.Fatalf("FromName(%q) = %q, false", s, d)
		}
		d, ok := FromText(s, nil)
		if ok {
			valid("FromText", d)
			if d.Precision() != Day {
				t.Fatalf("FromText(%q) = %q, not a day", s, d)
			}
		} else if !d.IsZero() {
			t.Fatalf("FromText(%q) = %q, false", s, d)
		}
		if e, _ := FromText(s+"\n## 附则\n2199年1月1日 通过\n", nil); e != d {
			t.Fatalf("FromText(%q) = %q, but %q with a heading and a later date after it", s, d, e)
		}
	})
}
