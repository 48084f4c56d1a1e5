package hubsync

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// districtOf is the device's value of every district setting, by key.
func districtOf(t *testing.T, s *sqlite.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, key := range audit.DistrictSettings {
		v, err := s.Setting(context.Background(), key, "")
		if err != nil {
			t.Fatal(err)
		}
		out[key] = v
	}
	return out
}

func set(t *testing.T, s *sqlite.Store, values map[string]string) {
	t.Helper()
	for k, v := range values {
		if err := s.SetSetting(context.Background(), k, v); err != nil {
			t.Fatal(err)
		}
	}
}

// hubSettings lists the hub's settings rows as key@device=value, read
// straight from the table as its owner.
func (h hub) hubSettings(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, h.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT key || '@' || device || '=' || value FROM techwalk.settings ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mustWaitNothing(t *testing.T, s *sqlite.Store, h hub) {
	t.Helper()
	if w, err := Count(context.Background(), s, open(t, h.url)); err != nil || w.ToSend != 0 || w.ToBring != 0 {
		t.Fatalf("%s still waits: %+v, %v", s.Device(), w, err)
	}
}

// TestDistrictSettingsTravelThroughTheHub: device A sets every district
// setting and pushes; B pulls and holds A's; B renames the district later
// and pushes; A pulls and has B's name. C, whose clock runs a month
// behind, renamed the district before either: its older edit, pushed last,
// overwrites nothing, and C itself takes B's name. A new device D gets the
// newest of every setting though the hub holds each device's version.
func TestDistrictSettingsTravelThroughTheHub(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	a, _ := device(t, "a", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC))
	b, _ := device(t, "b", time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC))
	c, _ := device(t, "c", time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC))
	d, _ := device(t, "d", time.Date(2026, 11, 4, 8, 0, 0, 0, time.UTC))
	walk(t, a, "North", 1)
	district := map[string]string{
		audit.SettingDistrict:    "Springfield Unified School District",
		audit.SettingLogo:        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
		audit.SettingPaper:       "letter",
		audit.SettingAnonymise:   "false",
		audit.SettingMinCoverage: "75",
		audit.SettingOwnerTeams:  "Field services\nNetwork",
	}
	set(t, a, district)
	set(t, c, map[string]string{audit.SettingDistrict: "Springfield School District (old name)"})
	alice, bob := open(t, h.auditorURL(t, "alice")), open(t, h.auditorURL(t, "bob"))
	carol, dan := open(t, h.auditorURL(t, "carol")), open(t, h.auditorURL(t, "dan"))

	if rep := mustPush(t, a, alice); rep.Merged["settings"] != len(district) {
		t.Fatalf("a's push took %d settings (sent %v), want %d", rep.Merged["settings"], rep.Sent, len(district))
	}
	mustWaitNothing(t, a, h)
	if rep := mustPull(t, b, bob); rep.Parts["settings"] == nil || rep.Parts["settings"].Added != len(district) {
		t.Fatalf("b's pull: %s; want %d settings added", rep.Summary(), len(district))
	}
	if got := districtOf(t, b); !equalMaps(got, district) {
		t.Fatalf("b's district settings after the pull:\n%v\nwant a's:\n%v", got, district)
	}

	set(t, b, map[string]string{audit.SettingDistrict: "Riverside Unified School District"})
	if w, err := Count(ctx, b, bob); err != nil || w.ToSend != 1 || w.ToBring != 0 {
		t.Fatalf("b waits %+v (%v) after renaming the district, want the one setting to send", w, err)
	}
	if rep := mustPush(t, b, bob); rep.Sent["settings"] != 1 || rep.Merged["settings"] != 1 || sum(rep.Sent) != 1 {
		t.Fatalf("b's push of the new name: sent %v, took %v", rep.Sent, rep.Merged)
	}
	mustWaitNothing(t, b, h)
	if w, err := Count(ctx, a, alice); err != nil || w.ToSend != 0 || w.ToBring != 1 {
		t.Fatalf("a waits %+v (%v) after b's rename, want the one setting to bring", w, err)
	}
	if rep := mustPush(t, c, carol); rep.Merged["settings"] != 1 {
		t.Fatalf("c's push of its old edit: sent %v, took %v", rep.Sent, rep.Merged)
	}
	mustPull(t, a, alice)
	want := map[string]string{}
	for k, v := range district {
		want[k] = v
	}
	want[audit.SettingDistrict] = "Riverside Unified School District"
	if got := districtOf(t, a); !equalMaps(got, want) {
		t.Fatalf("a's district settings after pulling b's rename and c's older edit:\n%v\nwant:\n%v", got, want)
	}
	mustPull(t, c, carol)
	mustPull(t, d, dan)
	mustPull(t, b, bob)
	for _, s := range []*sqlite.Store{a, b, c, d} {
		if got := districtOf(t, s); !equalMaps(got, want) {
			t.Errorf("%s holds %v, want %v", s.Device(), got, want)
		}
		mustWaitNothing(t, s, h)
	}
	if rows := h.hubSettings(t); len(rows) != len(district)+2 {
		t.Fatalf("the hub holds %d settings rows, want a's %d, b's and c's name: %v", len(rows), len(district), rows)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestDeviceOnlySettingsNeverReachTheHub: who uses the device, the
// feedback PIN, the hub's address, the Wi-Fi test URL and the sync
// cursors stay on the device; only the district's settings are on the hub
// after a push, and pushing twice changes nothing.
func TestDeviceOnlySettingsNeverReachTheHub(t *testing.T) {
	h := newHub(t)
	a, _ := device(t, "a", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC))
	walk(t, a, "North", 1)
	deviceOnly := map[string]string{
		sqlite.SettingAuditor:  "Alice Auditor",
		audit.SettingKioskPIN:  "4321",
		sqlite.SettingHubURL:   "postgres://alice@hub.example.org/techwalk?sslmode=verify-full",
		sqlite.SettingWifiURL:  "https://wifi-test.example.org/probe",
		audit.SettingDistrict:  "Springfield Unified School District",
		audit.SettingPaper:     "a4",
		audit.SettingAnonymise: "true",
	}
	set(t, a, deviceOnly)
	alice := open(t, h.auditorURL(t, "alice"))
	mustPush(t, a, alice)
	before := h.counts(t)
	if again := mustPush(t, a, alice); sum(again.Sent) != 0 || again.Changed() != 0 {
		t.Fatalf("second push: sent %v, took %v; want nothing", again.Sent, again.Merged)
	}
	if after := h.counts(t); after != before {
		t.Fatalf("pushing again changed the hub: %s -> %s", before, after)
	}
	mustWaitNothing(t, a, h)
	want := []string{
		audit.SettingAnonymise + "@" + a.Device() + "=true",
		audit.SettingDistrict + "@" + a.Device() + "=Springfield Unified School District",
		audit.SettingPaper + "@" + a.Device() + "=a4",
	}
	if got := h.hubSettings(t); !slices.Equal(got, want) {
		t.Fatalf("the hub's settings rows are %v, want only the district's %v", got, want)
	}
}
