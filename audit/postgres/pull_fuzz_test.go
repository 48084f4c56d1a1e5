package postgres

import (
	"testing"
	"time"

	"techwalk/audit"
)

// FuzzPulledRow reads hub rows as a pull does, with any text in the
// clock, the exact times and the row's fields: reading never panics, a
// clock that does not parse is an error, the times exactTimes wrote come
// back to the nanosecond, and the change set is checked by the domain
// before anything is applied. A settling's row reads the same way.
func FuzzPulledRow(f *testing.F) {
	at := time.Date(2026, 11, 2, 9, 0, 0, 123456789, time.UTC)
	good := audit.HLC{Wall: at.UnixMilli(), Counter: 3, Device: "dev-a"}.String()
	f.Add("a1", "v1", "r1", "hdmi", "missing", good, exactTimes(at, at.Add(time.Second)), int64(0))
	f.Add("", "", "", "", "", "", "", int64(-5))
	f.Add("a1", "v1", "r1", "hdmi", "ok", "001-2-x", "2026-11-02T09:00:00Z", int64(99))
	f.Add("a1", "v1", "r1", "hdmi", "ok", good, " ", int64(1))
	f.Add("a\x00", "v1", "r1", "i", "\xff", good+"-extra", "garbage garbage", int64(1<<40))
	f.Fuzz(func(t *testing.T, id, visit, room, item, value, clock, exact string, micros int64) {
		col := time.UnixMicro(micros).UTC()
		vals := []any{id, "dev-a", visit, room, item, value, "", col, col, false, clock, "dev-a", exact, int64(1)}
		cs := &audit.ChangeSet{}
		err := answersPart.scan(cs, vals)
		_, perr := audit.ParseHLC(clock)
		if (perr != nil) != (err != nil) {
			t.Fatalf("clock %q: scan says %v, ParseHLC %v", clock, err, perr)
		}
		if len(cs.Answers) != 1 {
			t.Fatalf("scan kept %d answers", len(cs.Answers))
		}
		_ = cs.Validate() // refuses or accepts, never panics
		ts := readExact(exact, col, col)
		if len(ts) != 2 {
			t.Fatalf("readExact gave %d times", len(ts))
		}
		again := readExact(exactTimes(ts[0], ts[1]), col, col)
		if !again[0].Equal(ts[0]) || !again[1].Equal(ts[1]) {
			t.Fatalf("times %v did not come back from exactTimes: %v", ts, again)
		}
		// The same text as a settling: the version's clock, then the settling's.
		settled := &audit.ChangeSet{}
		err = conflictsPart.scan(settled, []any{visit, room, item, clock, "dev-a", value, id, false, "dev-a", exact, int64(1)})
		_, serr := audit.ParseHLC(exact)
		if (perr != nil || serr != nil) != (err != nil) {
			t.Fatalf("clocks %q, %q: scan says %v", clock, exact, err)
		}
		if len(settled.Conflicts) > 1 || err == nil && (len(settled.Conflicts) != 1 || !settled.Conflicts[0].Resolved) {
			t.Fatalf("a settling scanned as %+v", settled.Conflicts)
		}
		_ = settled.Validate()
	})
}
