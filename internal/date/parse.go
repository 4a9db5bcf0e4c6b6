package date

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Parse reads s in one of the forms the package comment lists. A time
// without an offset is read in loc (nil means UTC). The error is an *Error.
func Parse(s string, loc *time.Location) (Date, error) {
	d, reason := parse(normalize(s), loc)
	if reason != "" {
		return Date{}, &Error{Value: s, Reason: reason}
	}
	return d, nil
}

// FromValue reads a front-matter value as a decoder hands it over: nil or
// an empty string is the zero Date without error; a string is parsed; a
// time.Time at 00:00:00 with a zero UTC offset (how YAML decodes an unquoted
// 2025-04-27) is a Day date, any other time.Time a Time date; an integer
// such as 20250427 (or a whole float64, as JSON decodes it) is read as its
// decimal digits. Any other type is an error.
func FromValue(v any, loc *time.Location) (Date, error) {
	switch v := v.(type) {
	case nil:
		return Date{}, nil
	case string:
		if normalize(v) == "" {
			return Date{}, nil
		}
		return Parse(v, loc)
	case time.Time:
		return fromTimeValue(v)
	case int:
		return Parse(strconv.Itoa(v), loc)
	case int64:
		return Parse(strconv.FormatInt(v, 10), loc)
	case int32:
		return Parse(strconv.FormatInt(int64(v), 10), loc)
	case uint:
		return Parse(strconv.FormatUint(uint64(v), 10), loc)
	case uint64:
		return Parse(strconv.FormatUint(v, 10), loc)
	case uint32:
		return Parse(strconv.FormatUint(uint64(v), 10), loc)
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return Parse(strconv.FormatInt(int64(v), 10), loc)
		}
	}
	return Date{}, &Error{Value: fmt.Sprint(v), Reason: fmt.Sprintf("unsupported type %T", v)}
}

func fromTimeValue(t time.Time) (Date, error) {
	if t.IsZero() {
		return Date{}, nil
	}
	_, off := t.Zone()
	h, m, s := t.Clock()
	if off == 0 && h == 0 && m == 0 && s == 0 && t.Nanosecond() == 0 {
		y, mo, d := t.Date()
		if y < 1 || y > 9999 {
			return Date{}, &Error{Value: t.Format(time.RFC3339Nano), Reason: "year out of range"}
		}
		return Date{year: int16(y), month: uint8(mo), day: uint8(d), prec: Day}, nil
	}
	d, reason := fromTime(t)
	if reason != "" {
		return Date{}, &Error{Value: t.Format(time.RFC3339Nano), Reason: reason}
	}
	return d, nil
}

// fromTime makes a Time date. An offset with seconds (local mean time in
// old zone data) is cut to whole minutes, keeping the instant, so that
// String, which writes ±hh:mm, reads back to the same Date.
func fromTime(t time.Time) (Date, string) {
	_, off := t.Zone()
	if off%60 != 0 {
		off -= off % 60
		t = t.In(zone(off))
	}
	y, mo, d := t.Date()
	if y < 1 || y > 9999 {
		return Date{}, "year out of range"
	}
	return Date{
		year: int16(y), month: uint8(mo), day: uint8(d), prec: Time,
		sec: t.Unix(), nsec: int32(t.Nanosecond()), off: int32(off),
	}, ""
}

// normalize maps full-width ASCII (U+FF01–U+FF5E) to ASCII and U+3000 to a
// space, drops zero-width characters, and trims spaces.
func normalize(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case r == '\u3000':
			return ' '
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff':
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

const (
	cnDigit = `0-9〇○零一二三四五六七八九`
	cnYear  = `([` + cnDigit + `]{4})`
	cnSmall = `([` + cnDigit + `十廿卅]{1,3})`
)

var (
	numericForm = regexp.MustCompile(`^(\d{4})(?:(\d{2})(\d{2})|([-/.])(\d{1,2})(?:([-/.])(\d{1,2}))?)?` +
		`(?:(?:[Tt]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?$`)
	dayFirstForm = regexp.MustCompile(`^(\d{1,2})([-/.])(\d{1,2})[-/.](\d{4})$`)
	chineseForm  = regexp.MustCompile(`^` + cnYear + `\s*年(?:\s*` + cnSmall + `\s*月(?:\s*` + cnSmall + `\s*[日号])?)?` +
		`(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?$`)
)

// fields are the parts of a date as written; -1 marks an absent part.
type fields struct {
	year, month, day     int
	hour, min, sec, nsec int
	off                  int
	hasClock, hasOffset  bool
}

func parse(s string, loc *time.Location) (Date, string) {
	if s == "" {
		return Date{}, "empty"
	}
	f := fields{month: -1, day: -1}
	if m := chineseForm.FindStringSubmatch(s); m != nil {
		f.year, _ = cnNumber(m[1])
		if m[2] != "" {
			var ok bool
			if f.month, ok = cnNumber(m[2]); !ok {
				return Date{}, "unrecognized format"
			}
		}
		if m[3] != "" {
			var ok bool
			if f.day, ok = cnNumber(m[3]); !ok {
				return Date{}, "unrecognized format"
			}
		}
		if m[4] != "" {
			f.hasClock = true
			f.hour, f.min, f.sec = atoi(m[4]), atoi(m[5]), atoi(m[6])
		}
	} else if m := numericForm.FindStringSubmatch(s); m != nil {
		f.year = atoi(m[1])
		switch {
		case m[2] != "":
			f.month, f.day = atoi(m[2]), atoi(m[3])
		case m[4] != "":
			if m[6] != "" && m[6] != m[4] {
				return Date{}, "unrecognized format"
			}
			f.month = atoi(m[5])
			if m[7] != "" {
				f.day = atoi(m[7])
			}
		}
		if m[8] != "" {
			f.hasClock = true
			f.hour, f.min, f.sec = atoi(m[8]), atoi(m[9]), atoi(m[10])
			if m[11] != "" {
				f.nsec = atoi((m[11] + "00000000")[:9])
			}
			switch {
			case m[12] != "":
				f.hasOffset = true
			case m[13] != "":
				f.hasOffset = true
				oh, om := atoi(m[14]), atoi(m[15])
				if oh > 23 || om > 59 {
					return Date{}, "offset out of range"
				}
				f.off = (oh*60 + om) * 60
				if m[13] == "-" {
					f.off = -f.off
				}
			}
		}
	} else if m := dayFirstForm.FindStringSubmatch(s); m != nil {
		// 04/05/2025: April 5 in America, 4 May in Europe.
		a, b := atoi(m[1]), atoi(m[3])
		if a <= 12 && b <= 12 && a != b {
			return Date{}, "ambiguous: day and month cannot be told apart; write " + m[4] + "-MM-DD or " + m[4] + "年M月D日"
		}
		return Date{}, "unrecognized format: write " + m[4] + "-MM-DD or " + m[4] + "年M月D日"
	} else {
		return Date{}, "unrecognized format"
	}
	return f.date(loc)
}

func (f fields) date(loc *time.Location) (Date, string) {
	switch {
	case f.year < 1:
		return Date{}, "year out of range"
	case f.month < 0 && f.hasClock:
		return Date{}, "unrecognized format"
	case f.month < 0:
		return Date{}, "year without month"
	case f.month < 1 || f.month > 12:
		return Date{}, "month out of range"
	case f.day < 0 && f.hasClock:
		return Date{}, "unrecognized format"
	case f.day < 0:
		return Date{year: int16(f.year), month: uint8(f.month), prec: Month}, ""
	case f.day < 1 || f.day > daysIn(f.year, f.month):
		return Date{}, "day out of range"
	case !f.hasClock:
		return Date{year: int16(f.year), month: uint8(f.month), day: uint8(f.day), prec: Day}, ""
	case f.hour > 23:
		return Date{}, "hour out of range"
	case f.min > 59:
		return Date{}, "minute out of range"
	case f.sec > 59:
		return Date{}, "second out of range"
	}
	if f.hasOffset {
		loc = zone(f.off)
	} else if loc == nil {
		loc = time.UTC
	}
	return fromTime(time.Date(f.year, time.Month(f.month), f.day, f.hour, f.min, f.sec, f.nsec, loc))
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// atoi reads a string of ASCII digits the regexps matched; "" is 0.
func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// cnNumber reads a number written in ASCII digits, in Chinese digits one
// by one (二〇二五, 〇四), or with 十, 廿 or 卅 (十, 十二, 二十, 二十七, 廿七).
func cnNumber(s string) (int, bool) {
	rs := []rune(s)
	tensAt := -1
	for i, r := range rs {
		if r == '十' || r == '廿' || r == '卅' {
			if tensAt >= 0 {
				return 0, false
			}
			tensAt = i
		} else if cnDigitValue(r) < 0 {
			return 0, false
		}
	}
	if tensAt < 0 {
		n := 0
		for _, r := range rs {
			n = n*10 + cnDigitValue(r)
		}
		return n, len(rs) > 0
	}
	var tens int
	switch pre := rs[:tensAt]; {
	case rs[tensAt] == '廿' && len(pre) == 0:
		tens = 2
	case rs[tensAt] == '卅' && len(pre) == 0:
		tens = 3
	case rs[tensAt] != '十':
		return 0, false
	case len(pre) == 0:
		tens = 1
	case len(pre) == 1 && cnDigitValue(pre[0]) > 0:
		tens = cnDigitValue(pre[0])
	default:
		return 0, false
	}
	unit := 0
	switch post := rs[tensAt+1:]; len(post) {
	case 0:
	case 1:
		if unit = cnDigitValue(post[0]); unit < 1 {
			return 0, false
		}
	default:
		return 0, false
	}
	return tens*10 + unit, true
}

// cnDigitValue is the value of an ASCII or Chinese digit, or -1.
func cnDigitValue(r rune) int {
	switch r {
	case '〇', '○', '零':
		return 0
	case '一':
		return 1
	case '二':
		return 2
	case '三':
		return 3
	case '四':
		return 4
	case '五':
		return 5
	case '六':
		return 6
	case '七':
		return 7
	case '八':
		return 8
	case '九':
		return 9
	}
	if r >= '0' && r <= '9' {
		return int(r - '0')
	}
	return -1
}
