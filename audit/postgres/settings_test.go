package postgres

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"techwalk/audit"
	"techwalk/audit/postgres/pgtest"
)

// settingsOf is a change set of district settings changed by device at
// the wall clock at.
func settingsOf(device string, at time.Time, kv ...string) *audit.ChangeSet {
	cs := &audit.ChangeSet{}
	for i := 0; i+1 < len(kv); i += 2 {
		cs.Settings = append(cs.Settings, audit.SettingChange{Key: kv[i], Value: kv[i+1],
			Clock: audit.HLC{Wall: at.UnixMilli(), Counter: uint32(i), Device: device}})
	}
	return cs
}

// TestSettingsCheckListsTheDistrictSettings: the hub's check on the
// settings table's keys lists exactly audit.DistrictSettings, and refuses
// any other key even from the hub's owner, who row-level security lets
// write anything.
func TestSettingsCheckListsTheDistrictSettings(t *testing.T) {
	d := newDistrict(t)
	var def string
	if err := d.admin.pool.QueryRow(context.Background(), `SELECT pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conname = 'settings_district_key' AND conrelid = 'techwalk.settings'::regclass`).Scan(&def); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, m := range regexp.MustCompile(`'((?:[^']|'')*)'`).FindAllStringSubmatch(def, -1) {
		keys = append(keys, strings.ReplaceAll(m[1], "''", "'"))
	}
	want := slices.Clone(audit.DistrictSettings)
	slices.Sort(keys)
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Fatalf("the hub's check %s lists %v; audit.DistrictSettings is %v", def, keys, want)
	}
	_, err := d.admin.exec(context.Background(), "INSERT INTO techwalk.settings(key, device, value, hlc) VALUES ('kiosk_pin', 'dev-a', '1234', 'h')")
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.ConstraintName != "settings_district_key" {
		t.Fatalf("the owner writing a device's own setting: %v, want the check refusing it", err)
	}
}

// TestPushRefusesDeviceOnlySettings: a change set carrying a setting that
// belongs to one device is refused whole, naming the setting, and the hub
// holds nothing of it, not even its other rows.
func TestPushRefusesDeviceOnlySettings(t *testing.T) {
	ctx := context.Background()
	d := newDistrict(t)
	before := statusCounts(t, d.admin)
	at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	for _, key := range []string{"auditor_name", audit.SettingKioskPIN, "hub_url", "wifi_test_url", "hub_push_cursor:x"} {
		cs := settingsOf("dev-a", at, audit.SettingDistrict, "Springfield Unified", key, "device's own")
		cs.Schools = []audit.SchoolChange{{School: audit.School{Record: audit.Record{ID: "s9", CreatedAt: at, UpdatedAt: at,
			Device: "dev-a"}, Name: "West"}, Clock: audit.HLC{Wall: at.UnixMilli(), Device: "dev-a"}}}
		rep, err := d.alice.Push(ctx, "dev-a", audit.HLC{}, cs, nil)
		if err == nil || !strings.Contains(err.Error(), `"`+key+`"`) || rep.Changed() != 0 {
			t.Errorf("push with setting %s: %+v, %v; want a refusal naming it", key, rep, err)
		}
	}
	if after := statusCounts(t, d.admin); after != before {
		t.Fatalf("the refused pushes changed the hub: %s -> %s", before, after)
	}
	if got := ids(t, d.admin, "change_sets", "id"); len(got) != 0 {
		t.Fatalf("the refused pushes recorded change sets %v", got)
	}
}

func statusCounts(t *testing.T, h *Hub) string {
	t.Helper()
	st, err := h.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, c := range st.Counts {
		b.WriteString(c.Table + ":" + strings.Repeat("|", int(c.Rows)) + " ")
	}
	return b.String()
}

// TestOlderSettingNeverReplacesNewer: a device's setting pushed again with
// an older clock (another change set) leaves the hub's newer value.
func TestOlderSettingNeverReplacesNewer(t *testing.T) {
	ctx := context.Background()
	d := newDistrict(t)
	at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	newer := settingsOf("dev-a", at, audit.SettingDistrict, "Riverside Unified")
	older := settingsOf("dev-a", at.Add(-time.Hour), audit.SettingDistrict, "Riverside (old name)")
	if rep, err := d.alice.Push(ctx, "dev-a", audit.HLC{}, newer, nil); err != nil || rep.Merged["settings"] != 1 {
		t.Fatalf("push of the newer name: %+v, %v", rep, err)
	}
	rep, err := d.alice.Push(ctx, "dev-a", audit.HLC{Wall: 1, Device: "dev-a"}, older, nil)
	if err != nil || rep.Sent["settings"] != 1 || rep.Merged["settings"] != 0 {
		t.Fatalf("push of the older name: %+v, %v; want it sent and not taken", rep, err)
	}
	if got := ids(t, d.admin, "settings", "value"); !slices.Equal(got, []string{"Riverside Unified"}) {
		t.Fatalf("the hub holds %v", got)
	}
}

// TestSettingsRowsAreClosedToOtherDevices: an auditor reads every device's
// settings and writes only his own; a reader (a principal, whose reports
// need the district's name and logo) reads them and writes none.
func TestSettingsRowsAreClosedToOtherDevices(t *testing.T) {
	ctx := context.Background()
	d := newDistrict(t)
	at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	cs := settingsOf("dev-a", at, audit.SettingDistrict, "Springfield Unified", audit.SettingPaper, "letter")
	if _, err := d.alice.Push(ctx, "dev-a", audit.HLC{}, cs, nil); err != nil {
		t.Fatal(err)
	}
	update := []string{
		"UPDATE techwalk.settings SET value = 'Renamed' WHERE device = 'dev-a'",
		"UPDATE techwalk.settings SET hlc = '999999999999999-0000000000-dev-b', seq = 0 WHERE device = 'dev-a'",
		"UPDATE techwalk.settings SET device = 'dev-b' WHERE device = 'dev-a'",
	}
	for _, sql := range update {
		if n, err := d.bob.exec(ctx, sql); err != nil || n != 0 {
			t.Errorf("bob: %s changed %d rows (%v); want none", sql, n, err)
		}
	}
	denied := []string{
		"INSERT INTO techwalk.settings(key, device, value, hlc) VALUES ('paper', 'dev-a', 'a4', '999999999999999-0000000000-dev-a')",
		"DELETE FROM techwalk.settings",
	}
	for _, c := range []struct {
		h   *Hub
		sql []string
	}{{d.bob, denied}, {d.pat, append(denied, update...)}} {
		for _, sql := range c.sql {
			if _, err := c.h.exec(ctx, sql); !errors.Is(err, audit.ErrHubDenied) {
				t.Errorf("%s: %s: %v, want ErrHubDenied", c.h.login(t), sql, err)
			}
		}
	}
	if _, err := d.bob.Push(ctx, "dev-a", audit.HLC{Wall: 1, Device: "dev-a"}, settingsOf("dev-a", at.Add(time.Hour), audit.SettingPaper, "a4"), nil); !errors.Is(err, audit.ErrHubDenied) {
		t.Fatalf("bob pushing dev-a's settings: %v, want ErrHubDenied", err)
	}
	want := []string{"Springfield Unified", "letter"}
	for _, h := range []*Hub{d.admin, d.alice, d.bob, d.pat} {
		if got := ids(t, h, "settings", "value"); !slices.Equal(got, want) {
			t.Errorf("%s reads the settings %v, want %v", h.login(t), got, want)
		}
	}
	// Bob's own version of the paper size is his to write.
	if rep, err := d.bob.Push(ctx, "dev-b", audit.HLC{}, settingsOf("dev-b", at.Add(time.Hour), audit.SettingPaper, "a4"), nil); err != nil || rep.Merged["settings"] != 1 {
		t.Fatalf("bob pushing his own setting: %+v, %v", rep, err)
	}
	st, err := d.pat.Status(ctx)
	if err != nil || !slices.Contains(st.Counts, Count{Table: "settings", Rows: 3}) {
		t.Fatalf("the reader's status counts %+v (%v), want 3 settings", st.Counts, err)
	}
}

// TestMigrateToSettingsKeepsTheHub: a hub at the schema before the
// settings table migrates to the latest with its rows and change numbers
// intact (its status counts what it has), then holds and pulls settings;
// migrating again changes nothing.
func TestMigrateToSettingsKeepsTheHub(t *testing.T) {
	ctx := context.Background()
	srv, dbURL := pgtest.Database(t)
	admin := openHub(t, dbURL)
	before := settingsStep(t)
	for step := 1; step < before; step++ {
		if _, err := admin.migrateStep(ctx, step); err != nil {
			t.Fatal(err)
		}
	}
	if v, err := admin.Version(ctx); err != nil || v != before-1 {
		t.Fatalf("hub at version %d (%v), want %d", v, err, before-1)
	}
	alice := as(t, srv, dbURL, "alice", "techwalk_auditor")
	if err := alice.RegisterDevice(ctx, "dev-a"); err != nil {
		t.Fatal(err)
	}
	walkSchool(t, alice, "dev-a", "s1")
	rows := ids(t, admin, "answers", "id || ':' || seq")
	if st, err := admin.Status(ctx); err != nil || st.Version != before-1 || len(st.Counts) != len(countedTables)-1 {
		t.Fatalf("status of the hub before the settings table: %+v, %v", st, err)
	}
	for i := 0; i < 2; i++ {
		if from, to, err := admin.Migrate(ctx); err != nil || to != Latest() || (i == 1 && from != Latest()) {
			t.Fatalf("hub init %d: %d -> %d, %v", i+1, from, to, err)
		}
	}
	if got := ids(t, admin, "answers", "id || ':' || seq"); !slices.Equal(got, rows) {
		t.Fatalf("the answers after the migration are %v, were %v", got, rows)
	}
	at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	if rep, err := alice.Push(ctx, "dev-a", audit.HLC{}, settingsOf("dev-a", at, audit.SettingDistrict, "Springfield Unified"), nil); err != nil || rep.Merged["settings"] != 1 {
		t.Fatalf("push to the migrated hub: %+v, %v", rep, err)
	}
	p, err := admin.Pull(ctx, "dev-other", 0, nil)
	if err != nil || len(p.ChangeSet.Settings) != 1 || len(p.ChangeSet.Schools) != 1 || len(p.ChangeSet.Answers) != 1 {
		t.Fatalf("pull from the migrated hub: %+v, %v", p.ChangeSet.Rows(), err)
	}
}

// settingsStep is the number of the migration that creates the settings table.
func settingsStep(t *testing.T) int {
	t.Helper()
	for i, m := range migrations {
		if strings.Contains(m, "CREATE TABLE techwalk.settings") {
			return i + 1
		}
	}
	t.Fatal("no migration creates techwalk.settings")
	return 0
}

// TestPullKeepsTheNewestOfEachSetting: the hub holds each device's version
// of a setting; a pull carries one per key, the newest clock's, so the
// change set passes the domain's check.
func TestPullKeepsTheNewestOfEachSetting(t *testing.T) {
	ctx := context.Background()
	d := newDistrict(t)
	at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	pushes := []struct {
		h      *Hub
		device string
		cs     *audit.ChangeSet
	}{
		{d.alice, "dev-a", settingsOf("dev-a", at.Add(time.Hour), audit.SettingDistrict, "Newest", audit.SettingPaper, "letter")},
		{d.bob, "dev-b", settingsOf("dev-b", at, audit.SettingDistrict, "Older")},
		{d.bob, "dev-b", settingsOf("dev-b", at.Add(2*time.Hour), audit.SettingPaper, "a4")},
	}
	for _, p := range pushes {
		if _, err := p.h.Push(ctx, p.device, audit.HLC{}, p.cs, nil); err != nil {
			t.Fatal(err)
		}
	}
	p, err := d.pat.Pull(ctx, "dev-reader", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range p.ChangeSet.Settings {
		got[s.Key] = s.Value
	}
	if len(p.ChangeSet.Settings) != 2 || got[audit.SettingDistrict] != "Newest" || got[audit.SettingPaper] != "a4" {
		t.Fatalf("the pull carries %+v, want the district name Newest and the paper a4", p.ChangeSet.Settings)
	}
	if err := (&audit.ChangeSet{Settings: p.ChangeSet.Settings}).Validate(); err != nil {
		t.Fatalf("the pulled change set: %v", err)
	}
}
