package policy

import "testing"

func TestParseStatus(t *testing.T) {
	tests := []struct {
		in   string
		want Status
		ok   bool
	}{
		{"有效", InForce, true},
		{"现行有效", InForce, true},
		{" 现行有效\u3000", InForce, true},
		{"In Force", InForce, true},
		{"in-force", InForce, true},
		{"IN_EFFECT", InForce, true},
		{"ｉｎ－ｆｏｒｃｅ", InForce, true},
		{"active", InForce, true},
		{"失效", Repealed, true},
		{"已废止", Repealed, true},
		{"废止", Repealed, true},
		{"repealed", Repealed, true},
		{"Revoked", Repealed, true},
		{"rescinded", Repealed, true},
		{"superseded", Repealed, true},
		{"已修改", Amended, true},
		{"被修改", Amended, true},
		{"已被修改", Amended, true},
		{"修正", Amended, true},
		{"部分失效", Amended, true},
		{"amended", Amended, true},
		{"未知", Unknown, true},
		{"unknown", Unknown, true},
		{"", Unknown, false},
		{"尚未生效", Unknown, false},
		{"draft", Unknown, false},
	}
	for _, tt := range tests {
		got, ok := ParseStatus(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseStatus(%q) = %s, %v, want %s, %v", tt.in, got.Slug(), ok, tt.want.Slug(), tt.ok)
		}
	}
}

func TestStatusLabelsAndSlugs(t *testing.T) {
	tests := []struct {
		s      Status
		zh, en string
		slug   string
	}{
		{InForce, "有效", "in force", "in-force"},
		{Repealed, "失效", "repealed", "repealed"},
		{Amended, "已修改", "amended", "amended"},
		{Unknown, "未知", "unknown", "unknown"},
	}
	for _, tt := range tests {
		for _, lang := range []string{"zh", "zh-CN", "ZH-Hans"} {
			if got := tt.s.Label(lang); got != tt.zh {
				t.Errorf("%s.Label(%q) = %q, want %q", tt.slug, lang, got, tt.zh)
			}
		}
		for _, lang := range []string{"en", "en-US", "", "zhx"} {
			if got := tt.s.Label(lang); got != tt.en {
				t.Errorf("%s.Label(%q) = %q, want %q", tt.slug, lang, got, tt.en)
			}
		}
		if got := tt.s.Slug(); got != tt.slug {
			t.Errorf("Slug() = %q, want %q", got, tt.slug)
		}
		// Every label reads back as its status.
		for _, label := range []string{tt.zh, tt.en, tt.slug} {
			if got, ok := ParseStatus(label); got != tt.s || !ok {
				t.Errorf("ParseStatus(%q) = %s, %v, want %s, true", label, got.Slug(), ok, tt.slug)
			}
		}
	}
}

func TestZeroStatusIsUnknown(t *testing.T) {
	var s Status
	if s != Unknown {
		t.Errorf("Status zero value = %s, want unknown", s.Slug())
	}
}
