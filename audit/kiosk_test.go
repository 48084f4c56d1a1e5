package audit

import "testing"

func TestKioskPINMatches(t *testing.T) {
	for _, c := range []struct {
		pin, typed string
		want       bool
	}{{"", "", true}, {"", "x", true}, {"4321", "4321", true}, {" 4321 ", "4321 ", true}, {"4321", "1234", false}, {"4321", "", false}} {
		if got := KioskPINMatches(c.pin, c.typed); got != c.want {
			t.Errorf("KioskPINMatches(%q, %q) = %v", c.pin, c.typed, got)
		}
	}
}
