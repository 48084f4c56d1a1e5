package audit

import (
	"fmt"
	"sort"
	"testing"
	"time"
)

func TestClockNowIsMonotonicWhenTheWallClockGoesBack(t *testing.T) {
	wall := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	c := NewClock("dev-a", func() time.Time { return wall }, HLC{})
	prev := c.Now()
	for i := 0; i < 5; i++ {
		if i == 2 {
			wall = wall.Add(-time.Hour) // the user sets the clock back
		}
		next := c.Now()
		if !next.After(prev) {
			t.Fatalf("reading %d %v is not after %v", i, next, prev)
		}
		prev = next
	}
}

func TestClockObserveMovesPastAFastDevice(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	fast := NewClock("dev-fast", func() time.Time { return now.Add(24 * time.Hour) }, HLC{})
	slow := NewClock("dev-slow", func() time.Time { return now }, HLC{})
	theirs := fast.Now()
	slow.Observe(theirs)
	mine := slow.Now()
	if !mine.After(theirs) {
		t.Fatalf("an edit made after seeing %v got %v, which is not newer", theirs, mine)
	}
	if mine.Device != "dev-slow" {
		t.Fatalf("reading carries device %q", mine.Device)
	}
}

func TestHLCTextSortsAsClockOrder(t *testing.T) {
	readings := []HLC{
		{Wall: 1_700_000_000_000, Counter: 2, Device: "b"},
		{Wall: 1_700_000_000_000, Counter: 10, Device: "a"},
		{Wall: 999, Counter: 0, Device: "z"},
		{Wall: 1_700_000_000_000, Counter: 2, Device: "a"},
		{Wall: 1_800_000_000_001, Counter: 0, Device: "a"},
	}
	texts := make([]string, len(readings))
	for i, h := range readings {
		texts[i] = h.String()
		back, err := ParseHLC(texts[i])
		if err != nil || back != h {
			t.Fatalf("ParseHLC(%q) = %v, %v; want %v", texts[i], back, err, h)
		}
	}
	sort.Slice(readings, func(i, j int) bool { return readings[j].After(readings[i]) })
	sort.Strings(texts)
	for i := range readings {
		if readings[i].String() != texts[i] {
			t.Fatalf("position %d: clock order %v, text order %s", i, readings[i], texts[i])
		}
	}
}

func TestParseHLCRefusesMalformedText(t *testing.T) {
	for _, s := range []string{"x", "12-34-a", "000000000000001-000000000a-d", "000000000000001-0000000001-", "-00000000000001-0000000001-d", "000000000000001-+000000001-d"} {
		if _, err := ParseHLC(s); err == nil {
			t.Errorf("ParseHLC(%q) accepted it", s)
		}
	}
}

func FuzzParseHLC(f *testing.F) {
	f.Add("000001700000000-0000000003-dev")
	f.Add("")
	f.Add("1-2-3")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHLC(s)
		if err != nil {
			return
		}
		if h.String() != s {
			t.Fatalf("ParseHLC(%q) reads back as %q", s, h.String())
		}
	})
}

func TestHLCTextIsFixedWidthDecimal(t *testing.T) {
	for _, h := range []HLC{{Wall: 1, Device: "d"}, {Wall: 1793613600000, Counter: 4294967295, Device: "dev-a"},
		{Wall: 999999999999999, Counter: 7, Device: "ü"}, {Wall: 1234567890123456, Device: "x"}, {Wall: -5, Counter: 1, Device: "n"}} {
		want := fmt.Sprintf("%0*d-%0*d-%s", hlcWallDigits, h.Wall, hlcCounterDigits, h.Counter, h.Device)
		if got := h.String(); got != want {
			t.Errorf("%+v is %q; want %q", h, got, want)
		}
	}
}
