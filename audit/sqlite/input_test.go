package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"techwalk/audit"
	"testing"
)

// oddTexts are names and notes a walkthrough may really meet, stored as given.
var oddTexts = []string{
	"../../etc/passwd",
	`..\..\Windows\System32`,
	"\u202Eevil.exe\u202C Room",           // right-to-left override
	"🏫 Lincoln 👩🏽‍🏫 Room ⚡",               // emoji with skin tone and ZWJ
	"Nguyễn Thị Hoa · Muñoz · 東京 · مدرسة", // several scripts
	"tab\tand\nnewline and 'quotes' \"double\" ; DROP TABLE schools; --",
	"\u200B\uFEFFzero width",
}

func TestOddTextRoundTripsByteExact(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	v, rooms := fixtureVisit(t, s)
	longNote := strings.Repeat("é🏫", audit.MaxNoteLen/2) // exactly the limit, 60 000 bytes
	for i, text := range oddTexts {
		sc := audit.School{Name: text, Principal: text, Address: text}
		if err := s.SaveSchool(ctx, &sc); err != nil {
			t.Fatalf("school %d: %v", i, err)
		}
		got, err := s.School(ctx, sc.ID)
		if err != nil || got.Name != text || got.Principal != text || got.Address != text {
			t.Errorf("school %d came back as %q (%v)", i, got.Name, err)
		}
		r := audit.Room{SchoolID: sc.ID, Number: text, Teacher: text, Kind: audit.KindLab}
		if err := s.SaveRoom(ctx, &r); err != nil {
			t.Fatalf("room %d: %v", i, err)
		}
		if got, err := s.Room(ctx, r.ID); err != nil || got.Number != text || got.Teacher != text {
			t.Errorf("room %d came back as %q (%v)", i, got.Number, err)
		}
	}
	a := audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "notes", Value: strings.Join(oddTexts, "|"), Note: longNote}
	if err := s.SaveAnswer(ctx, &a); err != nil {
		t.Fatal(err)
	}
	answers, err := s.Answers(ctx, v.ID)
	if err != nil || len(answers) != 1 || answers[0].Value != a.Value || answers[0].Note != longNote {
		t.Fatalf("answer with odd text did not come back byte-exact (%v)", err)
	}
}

func TestBadTextIsRefusedNamingTheField(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	v, rooms := fixtureVisit(t, s)
	megabyte := strings.Repeat("x", 1<<20)
	cases := []struct {
		what string
		save func() error
		want []string
	}{
		{"NUL in a school name", func() error { return s.SaveSchool(ctx, &audit.School{Name: "Lin\x00coln"}) }, []string{"school name", "NUL"}},
		{"NUL in a teacher name", func() error {
			return s.SaveRoom(ctx, &audit.Room{SchoolID: v.SchoolID, Number: "9", Kind: audit.KindClassroom, Teacher: "A\x00B"})
		}, []string{"teacher name", "NUL"}},
		{"invalid UTF-8 in a room name", func() error {
			return s.SaveRoom(ctx, &audit.Room{SchoolID: v.SchoolID, Name: "Lab \xff\xfe", Kind: audit.KindLab})
		}, []string{"room name", "UTF-8"}},
		{"1 MB note", func() error {
			return s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "hdmi", Value: audit.CheckOK, Note: megabyte})
		}, []string{"note", "1048576 characters", "the limit is 20000"}},
		{"1 MB school name", func() error { return s.SaveSchool(ctx, &audit.School{Name: megabyte}) }, []string{"school name", "the limit is 200"}},
		{"1 MB frustration", func() error {
			return s.SaveFeedback(ctx, &audit.Feedback{VisitID: v.ID, RoomID: rooms[0].ID, Frustration: megabyte})
		}, []string{"biggest frustration", "the limit is 20000"}},
	}
	for _, c := range cases {
		err := c.save()
		if err == nil {
			t.Errorf("%s was accepted", c.what)
			continue
		}
		for _, want := range c.want {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: message %q does not mention %q", c.what, err, want)
			}
		}
		if len(err.Error()) > 300 {
			t.Errorf("%s: the message is %d bytes long; it repeats the input", c.what, len(err.Error()))
		}
	}
	schools, _ := s.Schools(ctx)
	answers, _ := s.Answers(ctx, v.ID)
	rooms2, _ := s.Rooms(ctx, v.SchoolID)
	if len(schools) != 1 || len(answers) != 0 || len(rooms2) != len(rooms) {
		t.Errorf("refused input changed the store: %d schools, %d answers, %d rooms", len(schools), len(answers), len(rooms2))
	}
}

func TestFailedSavesDoNotEchoPrivateText(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	v, rooms := fixtureVisit(t, s)
	const private = "Mr Delacroix cried in class"
	attempts := map[string]error{
		"bad check value":   s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "hdmi", Value: private, Note: private}),
		"bad number value":  s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "boot", Value: private, Note: private}),
		"unknown room":      s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: "nowhere", ItemID: "notes", Value: private, Note: private}),
		"unknown item":      s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "nope", Value: private, Note: private}),
		"long note":         s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "notes", Note: strings.Repeat(private, 1000)}),
		"feedback bad room": s.SaveFeedback(ctx, &audit.Feedback{VisitID: v.ID, RoomID: "nowhere", TeacherName: private, Frustration: private}),
		"feedback rating":   s.SaveFeedback(ctx, &audit.Feedback{VisitID: v.ID, RoomID: rooms[0].ID, TeacherName: private, SupportsTeaching: 9}),
	}
	for what, err := range attempts {
		if err == nil {
			t.Errorf("%s: accepted", what)
		} else if strings.Contains(err.Error(), "Delacroix") {
			t.Errorf("%s: message %q repeats private text", what, err)
		}
	}
}

func TestFinishVisitMakesABackup(t *testing.T) {
	s, path := openFixtureStore(t)
	ctx := context.Background()
	v, rooms := fixtureVisit(t, s)
	a := audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "hdmi", Value: audit.CheckMissing}
	if err := s.SaveAnswer(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FinishVisit(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
	backups, err := ListBackups(path)
	if err != nil || len(backups) != 1 || backups[0].Reason != "visit-end" || backups[0].Size == 0 || backups[0].Time.IsZero() {
		t.Fatalf("backups after finishing a visit: %+v (%v)", backups, err)
	}
	b, err := Open(backups[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if got, _ := b.Answers(ctx, v.ID); len(got) != 1 || got[0].Value != audit.CheckMissing {
		t.Errorf("the visit-end backup holds %v, want the answer", got)
	}
}

func TestRestoreRefusesBadBackupsAndChangesNothing(t *testing.T) {
	path := healthyDatabase(t)
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.db")
	os.WriteFile(text, []byte("not a database"), 0o600)
	foreign := filepath.Join(dir, "foreign.db")
	o, err := Open(foreign)
	if err != nil {
		t.Fatal(err)
	}
	o.w.Exec("PRAGMA application_id = 7")
	o.Close()
	before := fileHash(t, path)
	for _, bad := range []string{text, foreign, filepath.Join(dir, "missing.db"), path} {
		if _, err := Restore(context.Background(), path, bad); err == nil {
			t.Errorf("Restore accepted %s", filepath.Base(bad))
		} else if !strings.Contains(err.Error(), bad) {
			t.Errorf("message %q does not name the backup", err)
		}
	}
	if fileHash(t, path) != before {
		t.Error("a refused restore changed the database")
	}
	if backups, _ := ListBackups(path); len(backups) != 1 {
		t.Errorf("refused restores left %d backups, want the 1 visit-end backup", len(backups))
	}
}

func TestRestoreRemovesStaleWAL(t *testing.T) {
	path := healthyDatabase(t)
	backups, _ := Backups(path)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sc := audit.School{Name: "Added after the backup"}
	if err := s.SaveSchool(ctx, &sc); err != nil {
		t.Fatal(err)
	}
	// Leave a WAL behind as a crash would: copy it before closing.
	wal, err := os.ReadFile(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	os.WriteFile(path+"-wal", wal, 0o600)
	kept, err := Restore(ctx, path, backups[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the stale WAL is still there (%v)", err)
	}
	if _, err := os.Stat(kept + "-wal"); err != nil {
		t.Errorf("the current WAL was not kept with the copy: %v", err)
	}
	for file, wantAdded := range map[string]bool{path: false, kept: true} {
		s, err := Open(file)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.FindSchool(ctx, "Added after the backup")
		if found := err == nil; found != wantAdded {
			t.Errorf("%s: school added after the backup found = %v, want %v", filepath.Base(file), found, wantAdded)
		}
		s.Close()
	}
}
