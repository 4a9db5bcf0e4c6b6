// Package date reads calendar dates the way curators of Chinese policy
// documents write them, and keeps how precise each one is.
//
// # Accepted forms
//
// Parse trims spaces (including the ideographic space U+3000) and the
// zero-width characters U+200B–U+200D, U+2060 and U+FEFF, reads full-width
// digits and punctuation (０-９, －, ／, ．, ：) as ASCII, and accepts:
//
//	2025-04-27  2025-4-27  2025/4/27  2025.04.27  20250427    a day
//	2025-04  2025/4  2025.4                                   a month
//	2025年04月27日  2025年4月27日  2025 年 4 月 27 日  2025年4月27号   a day
//	2025年4月                                                 a month
//	二〇二五年四月二十七日  二○二四年十二月三十一日  一九九九年十月     Chinese numerals
//	2021-07-01T00:30:00+08:00  2021-07-01 00:30:00Z            a time with an offset
//	2025-04-27T08:30:00  2025-04-27 08:30  2025年4月27日 10:30   a time without one
//
// In Chinese numerals the year is written digit by digit, with 〇 (U+3007),
// ○ (U+25CB) or 零 for zero; the month and day may use 十, 廿 and 卅. Seconds
// may carry a fraction; an offset is Z, ±hh:mm or ±hhmm.
//
// A time without an offset is read in the location passed to Parse (UTC if
// nil). A time with an offset keeps it: its year, month and day are those
// of the wall clock in that offset, so 2021-07-01T00:30:00+08:00 is on
// July 1 whatever the location. A day or a month has no time zone at all
// and never shifts.
//
// An impossible date is an error naming the value and the reason, such as
// `date "2025年13月01日": month out of range` or `date "2025-02-30": day out
// of range`; text in none of the forms above is `unrecognized format`, a
// bare year (2025) is `year without month`, and blank text is `empty`.
//
// # Dates in file names and text
//
// FromName finds a date in a file name: 2025-04-27-title.md,
// 2025_04_27 x.md, 20250427_x.md, 法名(2025-04-27).md, 法名（2025-04-27）.md,
// x_2025年4月27日.md, and a month as 2025年4月. The date must not touch
// other digits, and an eight-digit date must not touch ASCII letters either,
// so 000_0cc289df36280051.txt has none; years outside 1800–2199 and
// impossible dates are ignored. The leftmost date wins.
//
// FromText finds the date a document is "as of" in its opening lines, as
// Chinese laws and regulations record their history:
//
//	1999年4月29日 第九届全国人民代表大会常务委员会第九次会议通过
//	2009年8月27日 第十一届……第一次修正
//	2023年9月1日 第十四届全国人民代表大会常务委员会第五次会议修订
//
// Reading stops at a line containing "INFO END" (as in <!-- INFO END -->),
// at the first "## " heading, or after 40 lines. A line counts if it starts
// with a complete date (after any "> ", list marker or emphasis), if it
// starts with a bracket "（" or "(", or if it starts with a short label
// naming a date ("日期：", "发布日期:", "**日期**:"). Every complete date in a
// counted line is a candidate, except an effective date: one preceded by 自
// or followed by 施行, 起施行, 实施 or 生效 ("2021年1月1日 施行",
// "自2002年3月26日起施行"). The result is the latest candidate, a Day date.
//
// # Order
//
// Compare is a total order: the zero Date first; then by calendar date and
// wall clock (a month counts as 00:00 on its first day, a day as 00:00),
// each time in its own offset; ties go to the less precise date first, then
// the earlier instant, then the smaller offset. Compare returns 0 exactly
// when two Dates are ==.
package date

import (
	"cmp"
	"fmt"
	"time"
)

// Precision says how much of a Date is known.
type Precision uint8

const (
	None  Precision = iota // undated: the zero Date
	Month                  // 2025年4月
	Day                    // 2025-04-27
	Time                   // a clock time, with an offset
)

// Date is a calendar date of some precision. A Month or Day date is a
// calendar date, not an instant, and never shifts with a time zone; a Time
// date is an instant that keeps its own UTC offset. Dates are comparable
// with ==, and == agrees with Compare.
type Date struct {
	year  int16
	month uint8
	day   uint8 // 0 for Month precision
	prec  Precision
	// For Time precision: the instant and the offset it was written in.
	// The calendar fields above are the wall-clock date in that offset.
	sec  int64 // Unix seconds
	nsec int32
	off  int32 // seconds east of UTC
}

// IsZero reports whether d is the zero Date (undated).
func (d Date) IsZero() bool { return d.prec == None }

// Precision reports how much of d is known.
func (d Date) Precision() Precision { return d.prec }

// Year returns the year, or 0 for the zero Date.
func (d Date) Year() int { return int(d.year) }

// Month returns the month, or 0 for the zero Date.
func (d Date) Month() time.Month { return time.Month(d.month) }

// Day returns the day of the month, or 0 for a Month date or the zero Date.
func (d Date) Day() int { return int(d.day) }

// Time returns d as an instant. A Day date is midnight in loc, a Month date
// midnight on the first of the month in loc (nil means UTC); a Time date is
// its own instant, in its own offset. The zero Date gives the zero time.
func (d Date) Time(loc *time.Location) time.Time {
	switch d.prec {
	case None:
		return time.Time{}
	case Time:
		return time.Unix(d.sec, int64(d.nsec)).In(zone(int(d.off)))
	}
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(int(d.year), time.Month(d.month), max(int(d.day), 1), 0, 0, 0, 0, loc)
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e, in the
// order the package comment describes.
func (d Date) Compare(e Date) int {
	if d.prec == None || e.prec == None {
		return cmp.Compare(min(d.prec, 1), min(e.prec, 1)) // zero first
	}
	dk, ek := d.wall(), e.wall()
	for i := range dk {
		if c := cmp.Compare(dk[i], ek[i]); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(d.prec, e.prec); c != 0 {
		return c
	}
	if c := cmp.Compare(d.sec, e.sec); c != 0 {
		return c
	}
	if c := cmp.Compare(d.nsec, e.nsec); c != 0 {
		return c
	}
	return cmp.Compare(d.off, e.off)
}

// wall is the sort key: calendar date, seconds into the day, nanoseconds.
func (d Date) wall() [5]int64 {
	k := [5]int64{int64(d.year), int64(d.month), int64(max(d.day, 1)), 0, 0}
	if d.prec == Time {
		k[3] = ((d.sec+int64(d.off))%86400 + 86400) % 86400
		k[4] = int64(d.nsec)
	}
	return k
}

// String returns "2025-04-27", "2025-04", RFC 3339 for a Time date
// ("2021-07-01T00:30:00+08:00"), or "" for the zero Date. Parse reads it
// back to an equal Date.
func (d Date) String() string {
	switch d.prec {
	case Month:
		return fmt.Sprintf("%04d-%02d", d.year, d.month)
	case Day:
		return fmt.Sprintf("%04d-%02d-%02d", d.year, d.month, d.day)
	case Time:
		return d.Time(nil).Format(time.RFC3339Nano)
	}
	return ""
}

// Format formats d with a time layout (see time.Layout). A Day or Month
// date is formatted as 00:00 UTC on that day (a month on its first day); a
// Time date in its own offset. The zero Date formats as "".
func (d Date) Format(layout string) string {
	if d.prec == None {
		return ""
	}
	return d.Time(time.UTC).Format(layout)
}

// Chinese returns the calendar date in Chinese: "2025年4月27日", or
// "2025年4月" for a Month date; "" for the zero Date. A Time date gives its
// calendar date in its own offset, without the clock.
func (d Date) Chinese() string {
	switch d.prec {
	case None:
		return ""
	case Month:
		return fmt.Sprintf("%d年%d月", d.year, d.month)
	}
	return fmt.Sprintf("%d年%d月%d日", d.year, d.month, d.day)
}

// zone returns the location for an offset: UTC for 0, else a fixed zone.
// It never consults the local time zone.
func zone(off int) *time.Location {
	if off == 0 {
		return time.UTC
	}
	return time.FixedZone("", off)
}

// Error is a date that could not be read.
type Error struct {
	Value  string // the text as given
	Reason string // "month out of range", "unrecognized format", …
}

func (e *Error) Error() string {
	return fmt.Sprintf("date %q: %s", e.Value, e.Reason)
}
