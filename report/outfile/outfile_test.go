package outfile

import "testing"

func TestSafeFileName(t *testing.T) {
	cases := map[string]string{"../../etc/passwd": "passwd", `..\..\boot.ini`: "boot.ini", "": "techwalk-export",
		"..": "techwalk-export", "a:b*c?.csv": "a_b_c_.csv", "Lincoln ES — 2026": "Lincoln ES — 2026", "x\x00y": "x_y"}
	for in, want := range cases {
		if got := SafeFileName(in); got != want {
			t.Errorf("SafeFileName(%q) = %q, want %q", in, got, want)
		}
	}
}
