package policy

import (
	"testing"
)

func TestParseDocNumber(t *testing.T) {
	tests := []struct {
		in     string
		ok     bool
		agency string
		year   int
		serial int
		want   string // String()
	}{
		{"国办发〔2018〕128号", true, "国办发", 2018, 128, "国办发〔2018〕128号"},
		{"国办发[2018]128号", true, "国办发", 2018, 128, "国办发〔2018〕128号"},
		{"国办发［2018］128号", true, "国办发", 2018, 128, "国办发〔2018〕128号"},
		{"国办发(2018)128号", true, "国办发", 2018, 128, "国办发〔2018〕128号"},
		{"国办发（2018）128号", true, "国办发", 2018, 128, "国办发〔2018〕128号"},
		{"国办发【2018】128号", true, "国办发", 2018, 128, "国办发〔2018〕128号"},
		{"国办发﹝2018﹞128号", true, "国办发", 2018, 128, "国办发〔2018〕128号"},
		{"国办发〖2018〗128号", true, "国办发", 2018, 128, "国办发〔2018〕128号"},
		{"国办发〔 2018 〕 128 号", true, "国办发", 2018, 128, "国办发〔2018〕128号"},
		{"  国办发〔2018〕128号\u3000", true, "国办发", 2018, 128, "国办发〔2018〕128号"},
		{"国办发〔２０１８〕１２８号", true, "国办发", 2018, 128, "国办发〔2018〕128号"},
		{"国办发〔2018〕第128号", true, "国办发", 2018, 128, "国办发〔2018〕128号"},
		{"国办发〔2018〕007号", true, "国办发", 2018, 7, "国办发〔2018〕7号"},
		{"国办发〔2018]128号", true, "国办发", 2018, 128, "国办发〔2018〕128号"}, // mixed brackets
		{"法释〔2024〕13号", true, "法释", 2024, 13, "法释〔2024〕13号"},
		{"高检发释字〔2012〕2号", true, "高检发释字", 2012, 2, "高检发释字〔2012〕2号"},
		{"劳部发〔1994〕489号", true, "劳部发", 1994, 489, "劳部发〔1994〕489号"},
		{"国发明电〔2020〕1号", true, "国发明电", 2020, 1, "国发明电〔2020〕1号"},
		{"GB国标〔2020〕1号", true, "GB国标", 2020, 1, "GB国标〔2020〕1号"},

		{"", false, "", 0, 0, ""},
		{"〔2018〕128号", false, "", 0, 0, ""},            // no agency
		{"国办发2018128号", false, "", 0, 0, ""},           // no brackets
		{"国办发〔18〕128号", false, "", 0, 0, ""},           // two-digit year
		{"国办发〔20180〕128号", false, "", 0, 0, ""},        // five-digit year
		{"国办发〔1850〕128号", false, "", 0, 0, ""},         // year out of range
		{"国办发〔2018〕128", false, "", 0, 0, ""},          // no 号
		{"国办发〔2018〕号", false, "", 0, 0, ""},            // no serial
		{"国办发〔2018〕0号", false, "", 0, 0, ""},           // zero serial
		{"国办发〔2018〕1234567号", false, "", 0, 0, ""},     // serial too long
		{"国办发〔2018〕一二八号", false, "", 0, 0, ""},         // Chinese numerals
		{"国办发〔2018〕128号文", false, "", 0, 0, ""},        // trailing text
		{"（国办发〔2018〕128号）", false, "", 0, 0, ""},       // surrounding brackets
		{"关于…的通知（国办发〔2018〕128号）", false, "", 0, 0, ""}, // surrounding text
		{"主席令第十二号", false, "", 0, 0, ""},               // no year
		{"EO 2025-1", false, "", 0, 0, ""},
		{"Executive Order 47", false, "", 0, 0, ""},
		{"ABC[2018]12号", false, "", 0, 0, ""},  // no Han in the agency
		{"国办-发〔2018〕12号", false, "", 0, 0, ""}, // punctuation in the agency
	}
	for _, tt := range tests {
		n, ok := ParseDocNumber(tt.in)
		if ok != tt.ok {
			t.Errorf("ParseDocNumber(%q) ok = %v, want %v", tt.in, ok, tt.ok)
			continue
		}
		if !ok {
			if n != (DocNumber{}) {
				t.Errorf("ParseDocNumber(%q) = %+v, want the zero DocNumber", tt.in, n)
			}
			continue
		}
		if n.Agency != tt.agency || n.Year != tt.year || n.Serial != tt.serial || n.Raw != tt.in {
			t.Errorf("ParseDocNumber(%q) = %+v, want {%s %d %d %q}", tt.in, n, tt.agency, tt.year, tt.serial, tt.in)
		}
		if got := n.String(); got != tt.want {
			t.Errorf("ParseDocNumber(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
		again, ok := ParseDocNumber(n.String())
		if !ok || again.Agency != n.Agency || again.Year != n.Year || again.Serial != n.Serial {
			t.Errorf("ParseDocNumber(%q) = %+v, %v; want it to read back as %+v", n.String(), again, ok, n)
		}
	}
}

func TestZeroDocNumberIsEmpty(t *testing.T) {
	if got := (DocNumber{}).String(); got != "" {
		t.Errorf("DocNumber{}.String() = %q, want \"\"", got)
	}
}

func FuzzParseDocNumber(f *testing.F) {
	for _, s := range []string{"国办发〔2018〕128号", "国办发 [ 2018 ] 第 128 号", "〔2018〕1号", "国办发〔２０１８〕１号"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := ParseDocNumber(s)
		if !ok {
			return
		}
		again, ok := ParseDocNumber(n.String())
		if !ok || again.String() != n.String() {
			t.Errorf("ParseDocNumber(%q) = %q, which reads back as %q, %v", s, n.String(), again.String(), ok)
		}
	})
}
