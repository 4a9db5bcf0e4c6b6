package policy

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestRetrievedFindsSeedFooter(t *testing.T) {
	data, err := os.ReadFile("testdata/seed.md")
	if err != nil {
		t.Fatal(err)
	}
	body := string(data)
	got, start, end, ok := Retrieved(body)
	if !ok {
		t.Fatal("Retrieved(seed) found no retrieval time")
	}
	want := time.Date(2025, 4, 27, 5, 31, 23, 0, time.FixedZone("CST", 8*3600))
	if !got.Equal(want) || got.Format(time.RFC3339) != "2025-04-27T05:31:23+08:00" {
		t.Errorf("Retrieved(seed) = %s, want %s", got.Format(time.RFC3339), want.Format(time.RFC3339))
	}
	if name, _ := got.Zone(); name != "CST" {
		t.Errorf("Retrieved(seed) zone = %q, want \"CST\"", name)
	}
	if line := body[start:end]; line != "*处理时间: 2025-04-27 05:31:23 (北京时间)*\n" {
		t.Errorf("Retrieved(seed) line = %q", line)
	}
	if end != len(body) {
		t.Errorf("Retrieved(seed) end = %d, want %d (the end of the body)", end, len(body))
	}
	rest := body[:start] + body[end:]
	if !strings.HasSuffix(rest, "content_30070122.html)*  \n") {
		t.Errorf("body without the footer line ends %q", rest[len(rest)-40:])
	}
}

func TestRetrieved(t *testing.T) {
	// Times are compared in RFC 3339, which shows the offset as well as
	// the instant.
	const (
		seed = "2025-04-27T05:31:23+08:00"
		utc  = "2025-04-27T05:31:23Z"
	)
	const before = "正文。\n\n---\n\n*来源: [人民日报](http://paper.people.com.cn/)*  \n"
	tests := []struct {
		line string // the footer line, after before
		tail string // what follows it
		want string
		ok   bool
	}{
		{"*处理时间: 2025-04-27 05:31:23 (北京时间)*", "\n", seed, true},
		{"*处理时间：2025-04-27 05:31:23（北京时间）*", "\n", seed, true},
		{"处理时间: 2025-04-27 05:31:23 (北京时间)", "", seed, true},
		{"_处理时间: 2025-04-27 05:31:23 北京时间_", "\n", seed, true},
		{"**处理时间**: 2025-04-27 05:31:23 (北京时间)", "\n\n\n", seed, true},
		{"抓取时间：２０２５－０４－２７ ０５：３１：２３（北京时间）", "\n", seed, true},
		{"采集时间: 2025-04-27 05:31:23 (北京时间)", "\r\n", seed, true},
		{"获取时间: 2025-04-27T05:31:23+08:00", "\n", seed, true},
		{"处理时间: 2025-04-27 05:31:23 (UTC+8)", "\n", seed, true},
		{"处理时间: 2025-04-27 05:31:23 (UTC+08:00)", "\n", seed, true},
		{"处理时间: 2025-04-27 05:31:23 (UTC)", "\n", utc, true},
		{"处理时间: 2025-04-27 05:31:23 (GMT-5)", "\n", "2025-04-27T05:31:23-05:00", true},
		{"处理时间: 2025-04-27 05:31:23", "\n", utc, true},
		{"Retrieved: 2025-04-27T05:31:23Z", "\n", utc, true},
		{"Retrieved: 2025-04-27 05:31:23", "\n", utc, true},
		{"*Accessed: 2025-04-27T05:31:23+08:00*", "\n", seed, true},
		{"accessed: 2025-04-27T05:31:23.5+08:00", "\n", "2025-04-27T05:31:23.5+08:00", true},
		{"Retrieved on 2025-04-27", "\n", "2025-04-27T00:00:00Z", true},
		{"Accessed on: 2025-04-27 05:31", "\n", "2025-04-27T05:31:00Z", true},
		// A time with an offset keeps it, whatever the note says.
		{"Accessed: 2025-04-27T05:31:23Z (北京时间)", "\n", utc, true},

		{"处理时间 2025-04-27 05:31:23", "\n", "", false},         // no colon
		{"本文处理时间: 2025-04-27 05:31:23", "\n", "", false},      // label not first
		{"处理时间: 2025-13-27 05:31:23 (北京时间)", "\n", "", false}, // month 13
		{"处理时间: 2025-04-27 05:31:23 (火星时间)", "\n", "", false}, // unknown zone
		{"处理时间: 昨天", "\n", "", false},
		{"Published: 2025-04-27", "\n", "", false},
		// Only the last three non-blank lines count.
		{"处理时间: 2025-04-27 05:31:23", "\n一\n\n二\n三\n", "", false},
	}
	for _, tt := range tests {
		body := before + tt.line + tt.tail
		got, start, end, ok := Retrieved(body)
		gotS := ""
		if ok {
			gotS = got.Format(time.RFC3339Nano)
		}
		if ok != tt.ok || gotS != tt.want || !ok && !got.IsZero() {
			t.Errorf("Retrieved(%q) = %s, %v, want %s, %v", tt.line+tt.tail, gotS, ok, tt.want, tt.ok)
			continue
		}
		if !ok {
			if start != 0 || end != 0 {
				t.Errorf("Retrieved(%q) offsets = %d, %d, want 0, 0", tt.line+tt.tail, start, end)
			}
			continue
		}
		line, _, _ := strings.Cut(tt.tail, "\n")
		wantLine := tt.line + line
		if strings.Contains(tt.tail, "\n") {
			wantLine += "\n"
		}
		if start != len(before) || body[start:end] != wantLine {
			t.Errorf("Retrieved(%q) line = %q at %d, want %q at %d", tt.line+tt.tail, body[start:end], start, wantLine, len(before))
		}
	}
}

func TestRetrievedChecksOnlyTheEnd(t *testing.T) {
	for _, body := range []string{
		"",
		"\n\n\n",
		"处理时间: 2025-04-27 05:31:23\n正文一\n正文二\n正文三\n",
	} {
		if got, _, _, ok := Retrieved(body); ok {
			t.Errorf("Retrieved(%q) = %s, true, want false", body, got)
		}
	}
}

func FuzzRetrieved(f *testing.F) {
	f.Add("正文\n\n*处理时间: 2025-04-27 05:31:23 (北京时间)*\n")
	f.Add("Retrieved: 2025-04-27T05:31:23Z")
	f.Add("\n\r\n处理时间：２０２５－０４－２７（UTC+8）")
	f.Fuzz(func(t *testing.T, body string) {
		_, start, end, ok := Retrieved(body)
		if !ok {
			return
		}
		if start < 0 || start > end || end > len(body) || start > 0 && body[start-1] != '\n' {
			t.Fatalf("Retrieved(%q) offsets = %d, %d", body, start, end)
		}
		if end < len(body) && body[end-1] != '\n' {
			t.Errorf("Retrieved(%q) = [%d, %d), not a whole line", body, start, end)
		}
	})
}
