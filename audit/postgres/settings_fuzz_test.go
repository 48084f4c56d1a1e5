package postgres

import (
	"testing"

	"techwalk/audit"
)

// FuzzPulledSettings reads two hub settings rows as a pull does, with any
// text in their keys, values and clocks: reading never panics, a clock
// that does not parse is an error, the change set holds each key once,
// with the newer clock's value, and the domain checks it before anything
// is applied.
func FuzzPulledSettings(f *testing.F) {
	older := audit.HLC{Wall: 1793696400000, Device: "dev-b"}.String()
	newer := audit.HLC{Wall: 1793700000000, Counter: 2, Device: "dev-a"}.String()
	f.Add(audit.SettingDistrict, "Newest", newer, audit.SettingDistrict, "Older", older)
	f.Add(audit.SettingPaper, "a4", older, audit.SettingPaper, "letter", newer)
	f.Add(audit.SettingPaper, "a4", older, audit.SettingLogo, "iVBORw0KGgo=", newer)
	f.Add("kiosk_pin", "1234", newer, "", "", "")
	f.Add("district_name\x00", "\xff", newer+"-extra", "paper", "a4", "001-2-x")
	f.Fuzz(func(t *testing.T, key1, value1, clock1, key2, value2, clock2 string) {
		cs := &audit.ChangeSet{}
		rows := [][]string{{key1, value1, clock1}, {key2, value2, clock2}}
		for _, r := range rows {
			err := settingsPart.scan(cs, []any{r[0], "dev-x", r[1], r[2], "dev-x", int64(1)})
			if _, perr := audit.ParseHLC(r[2]); (perr != nil) != (err != nil) {
				t.Fatalf("clock %q: scan says %v, ParseHLC %v", r[2], err, perr)
			}
		}
		seen := map[string]bool{}
		for _, s := range cs.Settings {
			if seen[s.Key] {
				t.Fatalf("key %q twice in %+v", s.Key, cs.Settings)
			}
			seen[s.Key] = true
		}
		c1, err1 := audit.ParseHLC(clock1)
		c2, err2 := audit.ParseHLC(clock2)
		if key1 == key2 && err1 == nil && err2 == nil {
			want := value1
			if c2.After(c1) {
				want = value2
			}
			if len(cs.Settings) != 1 || cs.Settings[0].Value != want {
				t.Fatalf("kept %+v, want the value %q of the newer clock", cs.Settings, want)
			}
		}
		_ = cs.Validate() // refuses or accepts, never panics
	})
}
