package date

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name) // time/tzdata below makes every zone available
	if err != nil {
		t.Fatalf("time zone %s: %v", name, err)
	}
	return loc
}

func TestParseAcceptsEveryForm(t *testing.T) {
	tests := []struct {
		in   string
		prec Precision
		want string // String()
	}{
		// Day.
		{"2025-04-27", Day, "2025-04-27"},
		{"2025-4-27", Day, "2025-04-27"},
		{"2025/4/27", Day, "2025-04-27"},
		{"2025.04.27", Day, "2025-04-27"},
		{"20250427", Day, "2025-04-27"},
		{"2024-02-29", Day, "2024-02-29"},
		{"  2025-04-27\n", Day, "2025-04-27"},
		{"\u3000\u200b2025-04-27\ufeff", Day, "2025-04-27"},
		{"２０２５－０４－２７", Day, "2025-04-27"},
		// Month.
		{"2025-04", Month, "2025-04"},
		{"2025/4", Month, "2025-04"},
		{"2025.4", Month, "2025-04"},
		// Chinese.
		{"2025年04月27日", Day, "2025-04-27"},
		{"2025年4月27日", Day, "2025-04-27"},
		{"2025 年 4 月 27 日", Day, "2025-04-27"},
		{"2025年4月27号", Day, "2025-04-27"},
		{"２０２５年４月２７日", Day, "2025-04-27"},
		{"\u30002025年4月27日\u3000", Day, "2025-04-27"},
		{"2025年4月", Month, "2025-04"},
		{"2025年 12 月", Month, "2025-12"},
		// Chinese numerals.
		{"二〇二五年四月二十七日", Day, "2025-04-27"},
		{"二○二四年十二月三十一日", Day, "2024-12-31"},
		{"二零二四年十月十日", Day, "2024-10-10"},
		{"一九九九年十月", Month, "1999-10"},
		{"二〇二五年一月一日", Day, "2025-01-01"},
		{"二〇二五年〇四月廿七日", Day, "2025-04-27"},
		{"二〇二五年三月卅一日", Day, "2025-03-31"},
		{"二〇二五年十一月十九日", Day, "2025-11-19"},
		// Time with an offset: the calendar date is the one in that offset.
		{"2021-07-01T00:30:00+08:00", Time, "2021-07-01T00:30:00+08:00"},
		{"2021-07-01t00:30:00z", Time, "2021-07-01T00:30:00Z"},
		{"2021-07-01 00:30:00Z", Time, "2021-07-01T00:30:00Z"},
		{"2021-07-01T00:30:00+0800", Time, "2021-07-01T00:30:00+08:00"},
		{"2021-07-01T00:30:00 +08:00", Time, "2021-07-01T00:30:00+08:00"},
		{"2021-07-01T00:30:00-00:00", Time, "2021-07-01T00:30:00Z"},
		{"2021-07-01T23:30:00.250-05:30", Time, "2021-07-01T23:30:00.25-05:30"},
		{"2021-07-01T00:30+08:00", Time, "2021-07-01T00:30:00+08:00"},
		// Time without an offset, read in loc (UTC here).
		{"2025-04-27T08:30:00", Time, "2025-04-27T08:30:00Z"},
		{"2025-04-27 08:30", Time, "2025-04-27T08:30:00Z"},
		{"2025-04-27  8:30", Time, "2025-04-27T08:30:00Z"},
		{"20250427 08:30", Time, "2025-04-27T08:30:00Z"},
		{"2025年4月27日 10:30", Time, "2025-04-27T10:30:00Z"},
		{"2025年4月27日10:30:15", Time, "2025-04-27T10:30:15Z"},
		{"2025年4月27日 10：30", Time, "2025-04-27T10:30:00Z"},
	}
	for _, tt := range tests {
		d, err := Parse(tt.in, time.UTC)
		if err != nil {
			t.Errorf("Parse(%q) error: %v", tt.in, err)
			continue
		}
		if d.String() != tt.want || d.Precision() != tt.prec {
			t.Errorf("Parse(%q) = %q (precision %d), want %q (precision %d)", tt.in, d, d.Precision(), tt.want, tt.prec)
		}
	}
}

func TestParseRejectsImpossibleDates(t *testing.T) {
	tests := []struct{ in, reason string }{
		{"2025年13月01日", "month out of range"},
		{"2025-00-10", "month out of range"},
		{"二〇二五年十三月", "month out of range"},
		{"2025-02-30", "day out of range"},
		{"2023-02-29", "day out of range"},
		{"2025-04-31", "day out of range"},
		{"20250400", "day out of range"},
		{"2025年4月0日", "day out of range"},
		{"二〇二五年二月三十日", "day out of range"},
		{"0000-01-01", "year out of range"},
		{"2025-04-27T24:00:00Z", "hour out of range"},
		{"2025-04-27 08:60", "minute out of range"},
		{"2025-04-27T08:30:60Z", "second out of range"},
		{"2025-04-27T08:30:00+24:00", "offset out of range"},
		{"2025", "year without month"},
		{"2025年", "year without month"},
		{"xyz", "unrecognized format"},
		{"", "empty"},
		{"\u3000 \u200b", "empty"},
		{"2025-04/27", "unrecognized format"},
		{"25-04-27", "unrecognized format"},
		{"2025-04-27T", "unrecognized format"},
		{"2025-04 08:30", "unrecognized format"},
		{"2025年4月 10:30", "unrecognized format"},
		{"2025年4月27", "unrecognized format"},
		{"二〇二五年十十月", "unrecognized format"},
		{"April 27, 2025", "unrecognized format"},
		{"2025-04-27 extra", "unrecognized format"},
	}
	for _, tt := range tests {
		d, err := Parse(tt.in, time.UTC)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%q) = %q, %v, want *Error %q", tt.in, d, err, tt.reason)
			continue
		}
		if e.Reason != tt.reason || e.Value != tt.in {
			t.Errorf("Parse(%q) error = %+v, want reason %q", tt.in, *e, tt.reason)
		}
		if !d.IsZero() {
			t.Errorf("Parse(%q) = %q with an error, want the zero Date", tt.in, d)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2025年13月01日", `date "2025年13月01日": month out of range`},
		{"2025-02-30", `date "2025-02-30": day out of range`},
		{"xyz", `date "xyz": unrecognized format`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in, nil)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) error = %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestDayDatesIgnoreTimeZones(t *testing.T) {
	ny, sh := mustLoad(t, "America/New_York"), mustLoad(t, "Asia/Shanghai")
	for _, loc := range []*time.Location{nil, time.UTC, ny, sh} {
		for _, in := range []string{"2025-04-27", "2025年4月27日", "二〇二五年四月二十七日", "20250427"} {
			d, err := Parse(in, loc)
			if err != nil {
				t.Fatal(err)
			}
			if d.Year() != 2025 || d.Month() != time.April || d.Day() != 27 || d.String() != "2025-04-27" {
				t.Errorf("Parse(%q, %v) = %q, want 2025-04-27", in, loc, d)
			}
			if got := d.Time(loc); loc != nil && (got.Day() != 27 || got.Hour() != 0 || got.Location() != loc) {
				t.Errorf("Parse(%q, %v).Time(loc) = %v, want midnight of the 27th in %v", in, loc, got, loc)
			}
		}
	}
}

func TestTimeKeepsItsOwnOffset(t *testing.T) {
	ny, sh := mustLoad(t, "America/New_York"), mustLoad(t, "Asia/Shanghai")
	tests := []struct {
		in   string
		loc  *time.Location
		want string
		day  int
	}{
		{"2021-07-01T00:30:00+08:00", time.UTC, "2021-07-01T00:30:00+08:00", 1},
		{"2021-07-01T00:30:00+08:00", ny, "2021-07-01T00:30:00+08:00", 1},
		{"2021-06-30T23:30:00-05:00", sh, "2021-06-30T23:30:00-05:00", 30},
		{"2025-04-27 08:30", ny, "2025-04-27T08:30:00-04:00", 27},
		{"2025-01-27 08:30", ny, "2025-01-27T08:30:00-05:00", 27},
		{"2025-04-27 08:30", sh, "2025-04-27T08:30:00+08:00", 27},
		{"2025-04-27 00:30", nil, "2025-04-27T00:30:00Z", 27},
	}
	for _, tt := range tests {
		d, err := Parse(tt.in, tt.loc)
		if err != nil {
			t.Fatal(err)
		}
		if d.String() != tt.want || d.Day() != tt.day {
			t.Errorf("Parse(%q, %v) = %q (day %d), want %q (day %d)", tt.in, tt.loc, d, d.Day(), tt.want, tt.day)
		}
		want, _ := time.Parse(time.RFC3339, tt.want)
		if got := d.Time(ny); !got.Equal(want) {
			t.Errorf("Parse(%q).Time = %v, want %v", tt.in, got, want)
		}
	}
}

func TestTimeInAGapIsTheInstantTimeDateChooses(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	// 02:30 did not happen in New York that night.
	d, err := Parse("2025-03-09 02:30", ny)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2025, 3, 9, 2, 30, 0, 0, ny)
	if !d.Time(nil).Equal(want) || d.Day() != want.Day() {
		t.Errorf("Parse(%q) = %q, want %v", "2025-03-09 02:30", d, want)
	}
	if e, err := Parse(d.String(), nil); err != nil || e != d {
		t.Errorf("Parse(%q) = %q, %v, want %q", d.String(), e, err, d)
	}
}

func TestFromValue(t *testing.T) {
	sh := mustLoad(t, "Asia/Shanghai")
	tests := []struct {
		name string
		v    any
		want string
		prec Precision
	}{
		{"nil", nil, "", None},
		{"empty string", "", "", None},
		{"blank string", "\u3000", "", None},
		{"string", "2025年4月", "2025-04", Month},
		{"YAML unquoted date", time.Date(2025, 4, 27, 0, 0, 0, 0, time.UTC), "2025-04-27", Day},
		{"zero clock, zero offset", time.Date(2025, 4, 27, 0, 0, 0, 0, time.FixedZone("", 0)), "2025-04-27", Day},
		{"zero clock elsewhere", time.Date(2025, 4, 27, 0, 0, 0, 0, sh), "2025-04-27T00:00:00+08:00", Time},
		{"time in UTC", time.Date(2025, 4, 27, 8, 30, 0, 0, time.UTC), "2025-04-27T08:30:00Z", Time},
		{"time in its offset", time.Date(2021, 7, 1, 0, 30, 0, 0, time.FixedZone("CST", 8*3600)), "2021-07-01T00:30:00+08:00", Time},
		{"zero time", time.Time{}, "", None},
		{"int", 20250427, "2025-04-27", Day},
		{"int64", int64(20250427), "2025-04-27", Day},
		{"uint64", uint64(20250427), "2025-04-27", Day},
		{"float64", float64(20250427), "2025-04-27", Day},
	}
	for _, tt := range tests {
		d, err := FromValue(tt.v, time.UTC)
		if err != nil {
			t.Errorf("%s: FromValue(%#v) error: %v", tt.name, tt.v, err)
			continue
		}
		if d.String() != tt.want || d.Precision() != tt.prec {
			t.Errorf("%s: FromValue(%#v) = %q (precision %d), want %q (precision %d)", tt.name, tt.v, d, d.Precision(), tt.want, tt.prec)
		}
	}
}

func TestFromValueErrors(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{"2025年13月01日", `date "2025年13月01日": month out of range`},
		{2025, `date "2025": year without month`},
		{20251301, `date "20251301": month out of range`},
		{12, `date "12": unrecognized format`},
		{-20250427, `date "-20250427": unrecognized format`},
		{3.5, `date "3.5": unsupported type float64`},
		{math.Inf(1), `date "+Inf": unsupported type float64`},
		{true, `date "true": unsupported type bool`},
		{[]any{"2025-04-27"}, `date "[2025-04-27]": unsupported type []interface {}`},
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), `date "10000-01-01T00:00:00Z": year out of range`},
	}
	for _, tt := range tests {
		_, err := FromValue(tt.v, time.UTC)
		if err == nil || err.Error() != tt.want {
			t.Errorf("FromValue(%#v) error = %v, want %q", tt.v, err, tt.want)
		}
	}
}

func TestAccessorsAndFormats(t *testing.T) {
	tests := []struct {
		in                   string
		year                 int
		month                time.Month
		day                  int
		str, chinese, layout string
	}{
		{"2025-04-27", 2025, time.April, 27, "2025-04-27", "2025年4月27日", "2006/1/2 15:04 MST"},
		{"2025年4月", 2025, time.April, 0, "2025-04", "2025年4月", "2006/1/2 15:04 MST"},
		{"2021-07-01T00:30:00+08:00", 2021, time.July, 1, "2021-07-01T00:30:00+08:00", "2021年7月1日", "2006/1/2 15:04 -0700"},
		{"0099-01-02", 99, time.January, 2, "0099-01-02", "99年1月2日", "2006"},
	}
	wantFormat := []string{"2025/4/27 00:00 UTC", "2025/4/1 00:00 UTC", "2021/7/1 00:30 +0800", "0099"}
	for i, tt := range tests {
		d, err := Parse(tt.in, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if d.Year() != tt.year || d.Month() != tt.month || d.Day() != tt.day {
			t.Errorf("Parse(%q) = %d-%d-%d, want %d-%d-%d", tt.in, d.Year(), d.Month(), d.Day(), tt.year, tt.month, tt.day)
		}
		if d.String() != tt.str {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, d.String(), tt.str)
		}
		if d.Chinese() != tt.chinese {
			t.Errorf("Parse(%q).Chinese() = %q, want %q", tt.in, d.Chinese(), tt.chinese)
		}
		if got := d.Format(tt.layout); got != wantFormat[i] {
			t.Errorf("Parse(%q).Format(%q) = %q, want %q", tt.in, tt.layout, got, wantFormat[i])
		}
	}
	var zero Date
	if !zero.IsZero() || zero.Precision() != None || zero.String() != "" || zero.Chinese() != "" ||
		zero.Format(time.DateOnly) != "" || !zero.Time(time.UTC).IsZero() || zero.Year() != 0 || zero.Day() != 0 {
		t.Errorf("zero Date = %q %q %v, want all empty", zero.String(), zero.Chinese(), zero.Time(time.UTC))
	}
}

func TestMonthTimeIsFirstOfMonth(t *testing.T) {
	sh := mustLoad(t, "Asia/Shanghai")
	d, _ := Parse("2025年4月", nil)
	if got, want := d.Time(sh), time.Date(2025, 4, 1, 0, 0, 0, 0, sh); !got.Equal(want) || got.Location() != sh {
		t.Errorf("Time(sh) = %v, want %v", got, want)
	}
	if got, want := d.Time(nil), time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Time(nil) = %v, want %v", got, want)
	}
}

func TestCompareIsChronologicalAndTotal(t *testing.T) {
	// In the order Compare must put them.
	in := []string{
		"",
		"1999-10",
		"1999-12-31T23:59:59+14:00",
		"2025-04",
		"2025-04-01",
		"2025-04-01T00:00:00+08:00", // the same wall clock as the next,
		"2025-04-01T00:00:00Z",      // but an earlier instant first
		"2025-04-01T00:00:00-05:00",
		"2025-04-01T00:00:00.5+09:00",
		"2025-04-01T08:30:00+08:00",
		"2025-04-02",
		"2025-05",
	}
	var ds []Date
	for _, s := range in {
		var d Date
		if s != "" {
			var err error
			if d, err = Parse(s, time.UTC); err != nil {
				t.Fatal(err)
			}
		}
		ds = append(ds, d)
	}
	for i := range ds {
		for j := range ds {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := ds[i].Compare(ds[j]); got != want {
				t.Errorf("Compare(%q, %q) = %d, want %d", ds[i], ds[j], got, want)
			}
			if (ds[i] == ds[j]) != (want == 0) {
				t.Errorf("(%q == %q) = %v, want %v", ds[i], ds[j], ds[i] == ds[j], want == 0)
			}
		}
	}
	shuffled := slices.Clone(ds)
	slices.Reverse(shuffled)
	slices.SortFunc(shuffled, Date.Compare)
	if !slices.Equal(shuffled, ds) {
		t.Errorf("sorted = %v, want %v", shuffled, ds)
	}
}

func TestStringReparses(t *testing.T) {
	for _, in := range []string{"2025-04", "2025-04-27", "2021-07-01T00:30:00+08:00", "2025-04-27T08:30:00.123456789-03:30", "1900-01-01 00:00"} {
		for _, loc := range []*time.Location{time.UTC, mustLoad(t, "Asia/Shanghai")} {
			d, err := Parse(in, loc)
			if err != nil {
				t.Fatal(err)
			}
			e, err := Parse(d.String(), time.UTC)
			if err != nil || e != d {
				t.Errorf("Parse(Parse(%q, %v).String()) = %q, %v, want %q", in, loc, e, err, d)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"2025-04-27", "2025-4-27", "2025/4/27", "2025.04.27", "20250427", "2025-04",
		"2025年04月27日", "2025 年 4 月 27 日", "２０２５年４月２７日", "2025年4月", "2025年4月27日 10:30",
		"二〇二五年四月二十七日", "二○二四年十二月三十一日", "一九九九年十月", "二零二五年廿月卅日",
		"2021-07-01T00:30:00+08:00", "2025-04-27 08:30", "2025-04-27T08:30:00.5Z", "1900-01-01 00:00",
		"2025年13月01日", "2025-02-30", "xyz", "", "\u3000\u200b", "二〇二五年十三月一日", "二〇二五年二月三十日", "\ufeff2025-04-27\r\n", "2025\x00-04-27", "2025-04-27\xff", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "0001-1-1 0:00:00,0000",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	sh := mustLoad(f, "Asia/Shanghai")
	f.Fuzz(func(t *testing.T, s string, inShanghai bool) {
		loc := time.UTC
		if inShanghai {
			loc = sh
		}
		d, err := Parse(s, loc)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Value != s || e.Reason == "" {
				t.Fatalf("Parse(%q) error %v, want an *Error with the value and a reason", s, err)
			}
			return
		}
		if d.IsZero() {
			t.Fatalf("Parse(%q) = the zero Date without error", s)
		}
		e, err := Parse(d.String(), time.UTC)
		if err != nil {
			t.Fatalf("Parse(%q) = %q, which does not parse: %v", s, d, err)
		}
		if e != d || e.Compare(d) != 0 {
			t.Fatalf("Parse(%q) = %q, which parses to %q", s, d, e)
		}
		if d.Chinese() == "" || d.Year() < 1 || d.Month() < 1 {
			t.Fatalf("Parse(%q) = %q, without a calendar date", s, d)
		}
	})
}

func TestAmbiguousDayMonthIsExplained(t *testing.T) {
	for s, want := range map[string]string{
		"04/05/2025": "ambiguous: day and month cannot be told apart; write 2025-MM-DD or 2025年M月D日",
		"25/12/2025": "unrecognized format: write 2025-MM-DD or 2025年M月D日",
	} {
		_, err := FromValue(s, nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("FromValue(%q) = %v, want %q", s, err, want)
		}
	}
}
