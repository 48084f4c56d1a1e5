package audit

import (
	"testing"
	"time"
)

func TestTermStart(t *testing.T) {
	for _, c := range []struct{ day, want string }{
		{"2026-10-06", "2026-08-01"},
		{"2026-08-01", "2026-08-01"},
		{"2026-07-31", "2026-01-01"},
		{"2027-01-01", "2027-01-01"},
		{"2026-12-31", "2026-08-01"},
	} {
		day, _ := time.Parse(time.DateOnly, c.day)
		if got := TermStart(day).Format(time.DateOnly); got != c.want {
			t.Errorf("TermStart(%s) = %s, want %s", c.day, got, c.want)
		}
	}
}
