package bundle_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// TestDistrictSettingsTravelWithBundles: the district's name, paper size,
// privacy and score rule reach the other device with any visit's bundle
// and merge last writer wins; who uses a device, its PIN and its hub stay
// on it.
func TestDistrictSettingsTravelWithBundles(t *testing.T) {
	ctx := context.Background()
	devices := []*device{newDevice(t, "a", 0), newDevice(t, "b", 2*time.Minute)}
	v, _ := sharedVisit(t, devices)
	a, b := devices[0], devices[1]
	set := func(d *device, kv ...string) {
		t.Helper()
		for i := 0; i+1 < len(kv); i += 2 {
			if err := d.store.SetSetting(ctx, kv[i], kv[i+1]); err != nil {
				t.Fatal(err)
			}
		}
	}
	set(a, audit.SettingDistrict, "Springfield Unified", audit.SettingPaper, "letter", audit.SettingMinCoverage, "70",
		sqlite.SettingAuditor, "Ana Muñoz", audit.SettingKioskPIN, "1111", sqlite.SettingHubURL, "postgres://hub-a/techwalk")
	set(b, audit.SettingPaper, "a4", audit.SettingAnonymise, "false", audit.SettingKioskPIN, "2222") // b's clock is ahead: its paper is newer
	scope := audit.ExportScope{VisitIDs: []string{v.ID}}
	a.importFile(t, b.export(t, scope, 1))
	b.importFile(t, a.export(t, scope, 1))
	want := map[string]string{audit.SettingDistrict: "Springfield Unified", audit.SettingPaper: "a4", audit.SettingAnonymise: "false",
		audit.SettingMinCoverage: "70"}
	for _, d := range devices {
		for key, value := range want {
			if got, _ := d.store.Setting(ctx, key, ""); got != value {
				t.Errorf("%s: %s is %q; want %q", d.name, key, got, value)
			}
		}
		if rules, _ := d.store.ScoreRules(ctx); rules.MinCoverage != 0.7 {
			t.Errorf("%s scores with a minimum coverage of %v; want 0.7", d.name, rules.MinCoverage)
		}
	}
	for _, c := range []struct {
		d          *device
		key, value string
	}{{a, audit.SettingKioskPIN, "1111"}, {b, audit.SettingKioskPIN, "2222"}, {b, sqlite.SettingAuditor, ""}, {b, sqlite.SettingHubURL, ""}} {
		if got, _ := c.d.store.Setting(ctx, c.key, ""); got != c.value {
			t.Errorf("%s: device-only %s is %q; want %q", c.d.name, c.key, got, c.value)
		}
	}
	sameOnAll(t, devices)

	// a later rename on a reaches b with a bundle of only what changed since
	a.wait(time.Hour)
	later := a.store.Now()
	set(a, audit.SettingDistrict, "Springfield USD")
	cs, err := a.store.ExportChangeSet(ctx, audit.ExportScope{VisitIDs: []string{v.ID}, Since: later})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.Settings) != 1 || cs.Settings[0].Key != audit.SettingDistrict {
		t.Fatalf("a change set since the rename carries settings %+v; want only the district's name", cs.Settings)
	}
	b.importFile(t, a.export(t, audit.ExportScope{VisitIDs: []string{v.ID}, Since: later}, 2))
	if got, _ := b.store.Setting(ctx, audit.SettingDistrict, ""); got != "Springfield USD" {
		t.Fatalf("b's district name after the rename: %q", got)
	}
	old := a.export(t, scope, 3)
	set(b, audit.SettingDistrict, "Springfield Schools")
	b.importFile(t, old)
	if got, _ := b.store.Setting(ctx, audit.SettingDistrict, ""); got != "Springfield Schools" {
		t.Fatalf("an older bundle overwrote b's newer district name: %q", got)
	}
}

func TestChangeSetRefusesDeviceSettings(t *testing.T) {
	cs := audit.ChangeSet{Settings: []audit.SettingChange{{Key: audit.SettingKioskPIN, Value: "0000"}}}
	if err := cs.Validate(); err == nil {
		t.Fatal("a change set carrying the feedback form's PIN was accepted")
	}
}

// TestTheLargestLogoTravels: a logo setting as long as a setting may be
// fits in a bundle's row.
func TestTheLargestLogoTravels(t *testing.T) {
	ctx := context.Background()
	devices := []*device{newDevice(t, "a", 0), newDevice(t, "b", time.Minute)}
	v, _ := sharedVisit(t, devices)
	logo := strings.Repeat("QUJD", audit.MaxSettingLen/4)
	if err := devices[0].store.SetSetting(ctx, audit.SettingLogo, logo); err != nil {
		t.Fatal(err)
	}
	devices[1].importFile(t, devices[0].export(t, audit.ExportScope{VisitIDs: []string{v.ID}}, 1))
	if got, _ := devices[1].store.Setting(ctx, audit.SettingLogo, ""); got != logo {
		t.Fatalf("the logo arrived as %d bytes; want %d", len(got), len(logo))
	}
}
