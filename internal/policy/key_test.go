package policy

import (
	"testing"
	"unicode/utf8"
)

func TestKeyGroupsSpellingsOfOneFacet(t *testing.T) {
	tests := []struct{ in, want string }{
		{"人工智能", "人工智能"},
		{"  人工智能 ", "人工智能"},
		{"\u3000人工智能\u3000", "人工智能"},
		{"科技  政策", "科技 政策"},
		{"科技\u3000\u3000政策", "科技 政策"},
		{"科技\t\n政策", "科技 政策"},
		{"（试行）", "(试行)"},
		{"［2018］", "[2018]"},
		{"〔2018〕", "[2018]"},
		{"【通知】", "[通知]"},
		{"〖草案〗﹝暂行﹞", "[草案][暂行]"},
		{"ＡＩ", "ai"},
		{"ＮＹＣ Mayor's Office", "nyc mayor's office"},
		{"Ｐｏｌｉｃｙ！", "policy!"},
		{"Éducation", "éducation"},
		{"ΑΒΓ", "ΑΒΓ"}, // only Latin is lowercased
		{"《人民日报》", "《人民日报》"},
		{"「引号」", "「引号」"},
		{"人民\u200b日报\ufeff", "人民日报"},
		{"", ""},
		{" \u3000 ", ""},
		{"ｆｕｌｌ－ｗｉｄｔｈ　ｓｐａｃｅ", "full-width space"},
	}
	for _, tt := range tests {
		if got := Key(tt.in); got != tt.want {
			t.Errorf("Key(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzKey(f *testing.F) {
	for _, s := range []string{"人工智能", " ＡＩ　政策 ", "〔2018〕", "a\u200bb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Key(s)
		if Key(k) != k {
			t.Errorf("Key(Key(%q)) = %q, want %q", s, Key(k), k)
		}
		if utf8.ValidString(s) && !utf8.ValidString(k) {
			t.Errorf("Key(%q) = %q, not valid UTF-8", s, k)
		}
	})
}
