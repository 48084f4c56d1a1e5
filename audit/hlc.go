package audit

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// HLC is a hybrid logical clock reading: wall time in milliseconds, a
// counter that orders readings within one millisecond (or while the wall
// clock lags a clock already seen), and the device that took the reading.
// Readings are totally ordered by (Wall, Counter, Device); every device's
// clock moves past every reading it observes, so an edit made after seeing
// another is always newer than it, whatever the devices' wall clocks say.
type HLC struct {
	Wall    int64  // milliseconds since the Unix epoch
	Counter uint32 // ties within one Wall value
	Device  string // the device that took the reading
}

// ErrBadClock is returned when a clock's text form cannot be read.
var ErrBadClock = errors.New("not a clock reading")

// hlcWallDigits and hlcCounterDigits fix the text form's width, so text
// order is clock order.
const (
	hlcWallDigits    = 15
	hlcCounterDigits = 10
)

// IsZero reports whether h is the zero reading, older than every other.
func (h HLC) IsZero() bool { return h == HLC{} }

// Compare orders readings: -1 when h is older than o, 0 when equal, 1 when newer.
func (h HLC) Compare(o HLC) int {
	switch {
	case h.Wall != o.Wall:
		return cmpInt(h.Wall < o.Wall)
	case h.Counter != o.Counter:
		return cmpInt(h.Counter < o.Counter)
	case h.Device != o.Device:
		return cmpInt(h.Device < o.Device)
	}
	return 0
}

// After reports whether h is newer than o.
func (h HLC) After(o HLC) bool { return h.Compare(o) > 0 }

func cmpInt(less bool) int {
	if less {
		return -1
	}
	return 1
}

// String is the reading's text form, "WWWWWWWWWWWWWWW-CCCCCCCCCC-device"
// with fixed-width decimal wall and counter, so that comparing two texts
// orders them as Compare does; the zero reading is "".
func (h HLC) String() string {
	if h.IsZero() {
		return ""
	}
	if h.Wall < 0 {
		return fmt.Sprintf("%0*d-%0*d-%s", hlcWallDigits, h.Wall, hlcCounterDigits, h.Counter, h.Device)
	}
	b := make([]byte, 0, hlcWallDigits+hlcCounterDigits+2+len(h.Device)) // a store writes one per row: no fmt
	b = appendPadded(b, uint64(h.Wall), hlcWallDigits)
	b = append(b, '-')
	b = appendPadded(b, uint64(h.Counter), hlcCounterDigits)
	b = append(b, '-')
	return string(append(b, h.Device...))
}

// appendPadded appends n in decimal, zero-padded to width digits.
func appendPadded(b []byte, n uint64, width int) []byte {
	var digits [20]byte
	d := strconv.AppendUint(digits[:0], n, 10)
	for i := len(d); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, d...)
}

// ParseHLC reads the text form String writes; "" is the zero reading.
func ParseHLC(s string) (HLC, error) {
	if s == "" {
		return HLC{}, nil
	}
	parts := strings.SplitN(s, "-", 3)
	if len(parts) != 3 || len(parts[0]) != hlcWallDigits || len(parts[1]) != hlcCounterDigits || parts[2] == "" {
		return HLC{}, fmt.Errorf("%q: %w", s, ErrBadClock)
	}
	wall, err1 := strconv.ParseInt(parts[0], 10, 64)
	counter, err2 := strconv.ParseUint(parts[1], 10, 32)
	if err1 != nil || err2 != nil || wall < 0 || strings.ContainsAny(parts[0]+parts[1], "+-") {
		return HLC{}, fmt.Errorf("%q: %w", s, ErrBadClock)
	}
	if err := CheckText("clock device", parts[2], MaxNameLen); err != nil {
		return HLC{}, fmt.Errorf("%q: %w", s, ErrBadClock)
	}
	return HLC{Wall: wall, Counter: uint32(counter), Device: parts[2]}, nil
}

// MarshalText writes the text form, so JSON carries a reading as one string.
func (h HLC) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText reads the text form.
func (h *HLC) UnmarshalText(b []byte) error {
	v, err := ParseHLC(string(b))
	*h = v
	return err
}

// Clock hands out HLC readings for one device. It is safe for concurrent use.
type Clock struct {
	mu     sync.Mutex
	device string
	wall   func() time.Time
	last   HLC
}

// NewClock returns the clock of device, reading wall time from wall
// (time.Now when nil) and starting after last (the newest reading the
// device has stored or seen).
func NewClock(device string, wall func() time.Time, last HLC) *Clock {
	if wall == nil {
		wall = time.Now
	}
	return &Clock{device: device, wall: wall, last: last}
}

// Now returns a reading newer than every reading taken or observed before.
func (c *Clock) Now() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	wall := c.wall().UnixMilli()
	if wall > c.last.Wall {
		c.last = HLC{Wall: wall, Device: c.device}
		return c.last
	}
	c.last = HLC{Wall: c.last.Wall, Counter: c.last.Counter + 1, Device: c.device}
	if c.last.Counter == 0 { // the counter wrapped: move to the next millisecond
		c.last.Wall++
	}
	return c.last
}

// Observe moves the clock past a reading from elsewhere, so the next Now is newer.
func (c *Clock) Observe(h HLC) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if h.After(c.last) {
		c.last = h // Now counts on from it, so its next reading is newer
	}
}

// Last is the newest reading taken or observed.
func (c *Clock) Last() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

// WallTime is the reading's wall time.
func WallTime(h HLC) time.Time { return time.UnixMilli(h.Wall).UTC() }
