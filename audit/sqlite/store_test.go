package sqlite

import (
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"techwalk/audit"
	"testing"
	"testing/fstest"
	"time"
)

// fixedClock returns a clock that starts at a fixed time and ticks a millisecond per call.
func fixedClock() func() time.Time {
	t := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		t = t.Add(time.Millisecond)
		return t
	}
}

func openFixtureStore(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", "techwalk.db")
	s, err := Open(path, WithClock(fixedClock()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func floatPtr(v float64) *float64 { return &v }

// fixtureTemplate is a small checklist with one item of each scored kind.
func fixtureTemplate() *audit.Template {
	return &audit.Template{ID: "fixture", Name: "Fixture", Version: "1",
		Feedback: audit.FeedbackPrompt{SupportsTeaching: "Supports?", HelpEasy: "Help?", ChooseAgain: "Again?", Inconveniences: "How often?", Frustration: "Frustration?", Consent: "Quote?"},
		Sections: []audit.Section{{ID: "front", Title: "Front of room", Items: []audit.Item{
			{ID: "display", Kind: audit.ItemCheck, Label: "Display powers on", Category: "Display", Severity: audit.Critical},
			{ID: "hdmi", Kind: audit.ItemCheck, Label: "HDMI adapter", Category: "Cables", Severity: audit.High},
			{ID: "pens", Kind: audit.ItemCheck, Label: "Pens present", Category: "Display", Severity: audit.Low, RoomKinds: []audit.RoomKind{audit.KindClassroom}},
			{ID: "boot", Kind: audit.ItemNumber, Label: "Laptop boot time", Unit: "s", PassMax: floatPtr(120), Category: "Teacher device", Severity: audit.Medium},
			{ID: "apps", Kind: audit.ItemApps, Label: "Curriculum apps", Apps: []string{"Clever", "Seesaw"}, Category: "Apps", Severity: audit.High},
			{ID: "wifi", Kind: audit.ItemWifi, Label: "Wi-Fi front", Category: "Wi-Fi", Severity: audit.High,
				Wifi: &audit.WifiThresholds{MinSignalDBM: floatPtr(-67), MaxLatencyMS: floatPtr(50)}},
			{ID: "notes", Kind: audit.ItemText, Label: "Notes", Category: "Context", Severity: audit.Low},
		}}}}
}

// fixtureVisit stores the fixture template, a school with two rooms and a visit.
func fixtureVisit(t testing.TB, s *Store) (audit.Visit, []audit.Room) {
	t.Helper()
	ctx := context.Background()
	if err := s.SaveTemplate(ctx, fixtureTemplate()); err != nil {
		t.Fatal(err)
	}
	sc := audit.School{Name: "Lincoln Elementary"}
	if err := s.SaveSchool(ctx, &sc); err != nil {
		t.Fatal(err)
	}
	rooms := []audit.Room{{SchoolID: sc.ID, Number: "101", Kind: audit.KindClassroom, Teacher: "Nguyễn Thị Hoa"},
		{SchoolID: sc.ID, Number: "", Name: "Office", Kind: audit.KindOffice}}
	for i := range rooms {
		if err := s.SaveRoom(ctx, &rooms[i]); err != nil {
			t.Fatal(err)
		}
	}
	v := audit.Visit{SchoolID: sc.ID, TemplateID: "fixture", TemplateVersion: "1", Auditor: "José Muñoz"}
	if err := s.StartVisit(ctx, &v); err != nil {
		t.Fatal(err)
	}
	return v, rooms
}

func TestPragmasOnEveryPooledConnection(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	want := map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "10000",
		"application_id": "1415007307", "user_version": "1"}
	// Hold every connection of each pool at once so each is a distinct connection.
	for _, p := range []struct {
		name      string
		conns     int
		queryOnly string
	}{{"writer", 1, "0"}, {"reader", 4, "1"}} {
		db := s.w
		if p.name == "reader" {
			db = s.r
		}
		var held []interface{ Close() error }
		for i := 0; i < p.conns; i++ {
			conn, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, conn)
			for pragma, value := range want {
				var got string
				if err := conn.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != value {
					t.Errorf("%s connection %d: %s = %s, want %s", p.name, i, pragma, got, value)
				}
			}
			var qo string
			if err := conn.QueryRowContext(ctx, "PRAGMA query_only").Scan(&qo); err != nil {
				t.Fatal(err)
			}
			if qo != p.queryOnly {
				t.Errorf("%s connection %d: query_only = %s, want %s", p.name, i, qo, p.queryOnly)
			}
		}
		if got := db.Stats().OpenConnections; got != p.conns {
			t.Errorf("%s pool has %d open connections, want %d", p.name, got, p.conns)
		}
		for _, c := range held {
			c.Close()
		}
	}
}

func TestFilesArePrivate(t *testing.T) {
	s, path := openFixtureStore(t)
	backup, err := s.Backup(context.Background(), "visit-end")
	if err != nil {
		t.Fatal(err)
	}
	kept, err := Restore(context.Background(), path+"-copy", backup) // a restore keeps nothing here, but makes files
	if err != nil || kept != "" {
		t.Fatalf("restore into a new path: kept %q, %v", kept, err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", backup, path + "-copy"} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if mode := info.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s has mode %o, want 600", p, mode)
		}
	}
	for _, dir := range []string{filepath.Dir(path), BackupDir(path)} {
		info, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if mode := info.Mode().Perm(); mode != 0o700 {
			t.Errorf("%s has mode %o, want 700", dir, mode)
		}
	}
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestRefusesNewerSchema(t *testing.T) {
	s, path := openFixtureStore(t)
	if _, err := s.w.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	before := fileHash(t, path)
	_, err := Open(path)
	if !errors.Is(err, audit.ErrNewerSchema) {
		t.Fatalf("Open of a schema-99 file: err = %v, want ErrNewerSchema", err)
	}
	for _, want := range []string{path, "schema 99", "knows up to 1", "update TechWalk"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not mention %q", err, want)
		}
	}
	if fileHash(t, path) != before {
		t.Error("refusing the file changed it")
	}
}

func TestRefusesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.db")
	if err := os.WriteFile(text, []byte("these are my notes, not a database\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.db")
	s, err := Open(other)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Turn it into another program's SQLite file: a foreign application id.
	s2, _ := Open(other)
	if _, err := s2.w.Exec("PRAGMA application_id = 42"); err != nil {
		t.Fatal(err)
	}
	s2.Close()
	for _, path := range []string{text, other} {
		before := fileHash(t, path)
		_, err := Open(path)
		if !errors.Is(err, audit.ErrNotTechWalk) {
			t.Errorf("Open(%s): err = %v, want ErrNotTechWalk", filepath.Base(path), err)
		}
		if err != nil && !strings.Contains(err.Error(), path) {
			t.Errorf("message %q does not name the file", err)
		}
		if fileHash(t, path) != before {
			t.Errorf("refusing %s changed it", filepath.Base(path))
		}
	}
}

func TestMigrationFromEmptyAndUpgradeWithBackup(t *testing.T) {
	s, path := openFixtureStore(t)
	ctx := context.Background()
	sc := audit.School{Name: "Washington Middle"}
	if err := s.SaveSchool(ctx, &sc); err != nil {
		t.Fatal(err)
	}
	var tables int
	if err := s.r.QueryRow("SELECT count(*) FROM sqlite_master WHERE type = 'table'").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables < 10 {
		t.Fatalf("schema 1 has %d tables, want at least 10", tables)
	}
	s.Close()

	// A later version adds migration 2; opening must back the file up first.
	original := migrationSource
	t.Cleanup(func() { migrationSource = original })
	first, err := migrationFiles.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	migrationSource = fstest.MapFS{
		"migrations/0001_init.sql":  {Data: first},
		"migrations/0002_extra.sql": {Data: []byte("ALTER TABLE schools ADD COLUMN district TEXT NOT NULL DEFAULT '';")},
	}
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var version int
	if err := s2.w.QueryRow("PRAGMA user_version").Scan(&version); err != nil || version != 2 {
		t.Fatalf("user_version = %d (%v), want 2", version, err)
	}
	backups, err := Backups(path)
	if err != nil || len(backups) != 1 {
		t.Fatalf("backups = %v (%v), want one", backups, err)
	}
	if !strings.Contains(backups[0], "before-v2") {
		t.Errorf("backup %s does not say why it was made", backups[0])
	}
	if err := CheckIntegrity(ctx, backups[0]); err != nil {
		t.Fatal(err)
	}
	old, err := Open(backups[0]) // the backup is still a schema-1 file with the school
	if err == nil {
		defer old.Close()
		got, _ := old.Schools(ctx)
		if len(got) != 1 || got[0].Name != "Washington Middle" {
			t.Errorf("backup holds %v, want the school", got)
		}
	} else {
		t.Fatal(err)
	}
}

func TestBrokenMigrationLeavesFileAsItWas(t *testing.T) {
	s, path := openFixtureStore(t)
	s.Close()
	original := migrationSource
	t.Cleanup(func() { migrationSource = original })
	first, _ := migrationFiles.ReadFile("migrations/0001_init.sql")
	migrationSource = fstest.MapFS{
		"migrations/0001_init.sql": {Data: first},
		"migrations/0002_bad.sql":  {Data: []byte("CREATE TABLE extra(x); ALTER TABLE nowhere ADD COLUMN y;")},
	}
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "migration 2") {
		t.Fatalf("err = %v, want a message naming migration 2", err)
	}
	migrationSource = original
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var n int
	if err := s2.r.QueryRow("SELECT count(*) FROM sqlite_master WHERE name = 'extra'").Scan(&n); err != nil || n != 0 {
		t.Errorf("half of the failed migration stayed: %d tables named extra (%v)", n, err)
	}
}

func TestBackupsRotate(t *testing.T) {
	s, path := openFixtureStore(t)
	for i := 0; i < KeepBackups+3; i++ {
		if _, err := s.Backup(context.Background(), "visit end"); err != nil {
			t.Fatal(err)
		}
	}
	backups, err := Backups(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(backups) != KeepBackups {
		t.Fatalf("%d backups kept, want %d", len(backups), KeepBackups)
	}
	for _, b := range backups {
		info, err := os.Stat(b)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %o", b, info.Mode().Perm())
		}
	}
}
