package sqlite

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"techwalk/audit"
	"testing"
)

// healthyDatabase makes a database with a finished visit (so it has a
// "visit-end" backup), answers, a photo and feedback, and returns its path.
func healthyDatabase(t *testing.T) string {
	t.Helper()
	s, path := openFixtureStore(t)
	ctx := context.Background()
	v, rooms := fixtureVisit(t, s)
	for i, item := range []string{"display", "hdmi", "pens"} {
		a := audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: item, Value: []string{audit.CheckOK, audit.CheckMissing, audit.CheckBroken}[i], Note: "note " + item}
		if err := s.SaveAnswer(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddPhoto(ctx, audit.PhotoInput{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "hdmi", Name: "p.jpg", Data: childJPEG(1)}); err != nil {
		t.Fatal(err)
	}
	f := audit.Feedback{VisitID: v.ID, RoomID: rooms[0].ID, TeacherName: "Ana Muñoz", SupportsTeaching: 4}
	if err := s.SaveFeedback(ctx, &f); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FinishVisit(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return path
}

// copyDatabase copies the database at src and its backups into a new folder.
func copyDatabase(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "data", filepath.Base(src))
	if err := os.MkdirAll(BackupDir(dst), 0o700); err != nil {
		t.Fatal(err)
	}
	mustCopy(t, src, dst)
	backups, _ := Backups(src)
	for _, b := range backups {
		mustCopy(t, b, filepath.Join(BackupDir(dst), filepath.Base(b)))
	}
	return dst
}

func mustCopy(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// damage is one way to spoil a database file.
type damage struct {
	name  string
	spoil func(t *testing.T, path string)
}

func flipBytes(seed uint64, n int) func(t *testing.T, path string) {
	return func(t *testing.T, path string) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(seed, 99))
		for i := 0; i < n; i++ {
			data[rng.IntN(len(data))] ^= byte(1 + rng.IntN(255))
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func damages() []damage {
	var out []damage
	for seed := uint64(1); seed <= 40; seed++ {
		out = append(out, damage{fmt.Sprintf("flip-seed-%d", seed), flipBytes(seed, 1+int(seed%4)*8)})
	}
	return append(out,
		damage{"truncated-half", func(t *testing.T, path string) {
			info, _ := os.Stat(path)
			if err := os.Truncate(path, info.Size()/2); err != nil {
				t.Fatal(err)
			}
		}},
		damage{"truncated-header", func(t *testing.T, path string) { os.Truncate(path, 10) }},
		damage{"not-sqlite", func(t *testing.T, path string) { os.WriteFile(path, []byte("%PDF-1.7\nnot a database\n"), 0o600) }},
		damage{"zeroed-first-page", func(t *testing.T, path string) {
			f, _ := os.OpenFile(path, os.O_WRONLY, 0)
			f.WriteAt(make([]byte, 4096), 0)
			f.Close()
		}},
		damage{"newer-version", func(t *testing.T, path string) {
			f, _ := os.OpenFile(path, os.O_WRONLY, 0)
			f.WriteAt([]byte{0, 0, 0, 99}, 60) // user_version lives at offset 60
			f.Close()
		}},
	)
}

// readEverything does what the app's screens do first and returns the first error.
func readEverything(ctx context.Context, s *Store) error {
	schools, err := s.Schools(ctx)
	if err != nil {
		return err
	}
	for _, sc := range schools {
		if _, err := s.Rooms(ctx, sc.ID); err != nil {
			return err
		}
	}
	visits, err := s.Visits(ctx, VisitFilter{})
	if err != nil {
		return err
	}
	for _, v := range visits {
		d, err := s.LoadVisit(ctx, v.ID)
		if err != nil {
			return err
		}
		for _, p := range d.Photos {
			if _, err := s.PhotoData(ctx, p.ID); err != nil {
				return err
			}
		}
	}
	_, err = s.Findings(ctx, audit.FindingFilter{})
	return err
}

// openAndRead opens path and reads everything, turning a panic into a test failure.
func openAndRead(t *testing.T, path string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("panic on a damaged file: %v", p)
		}
	}()
	s, err := Open(path)
	if err != nil {
		return err
	}
	defer s.Close()
	return readEverything(context.Background(), s)
}

func TestDamagedFilesAreRefusedClearlyAndLeftAlone(t *testing.T) {
	healthy := healthyDatabase(t)
	refused := 0
	for _, d := range damages() {
		t.Run(d.name, func(t *testing.T) {
			path := copyDatabase(t, healthy)
			d.spoil(t, path)
			before := fileHash(t, path)
			err := openAndRead(t, path)
			if fileHash(t, path) != before {
				t.Errorf("opening the damaged file changed it")
			}
			if err == nil {
				return // the flips hit bytes nobody reads: the data is merely different
			}
			refused++
			checkDamageMessage(t, path, err)
			restoreNewest(t, path)
		})
	}
	if refused < len(damages())/3 {
		t.Errorf("only %d of %d damaged files were refused; the damage is too mild to test anything", refused, len(damages()))
	}
}

// checkDamageMessage requires a message that names the file and says what
// to do: update TechWalk for a newer file, else check and the newest backup.
func checkDamageMessage(t *testing.T, path string, err error) {
	t.Helper()
	msg := err.Error()
	t.Logf("message: %s", msg)
	if errors.Is(err, audit.ErrNewerSchema) {
		if !strings.Contains(msg, "update TechWalk") {
			t.Errorf("message %q does not say to update TechWalk", msg)
		}
		return
	}
	if !errors.Is(err, audit.ErrDamaged) && !errors.Is(err, audit.ErrNotTechWalk) {
		t.Errorf("error %q is neither ErrDamaged nor ErrNotTechWalk", msg)
	}
	backups, _ := Backups(path)
	for _, want := range []string{path, "techwalk check", filepath.Base(backups[0]), "techwalk restore"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not mention %q", msg, want)
		}
	}
}

// restoreNewest restores the newest backup over the damaged file and checks
// that it opens with the visit in it, keeping the damaged file as a backup.
func restoreNewest(t *testing.T, path string) {
	t.Helper()
	backups, _ := Backups(path)
	damaged := fileHash(t, path)
	kept, err := Restore(context.Background(), path, backups[0])
	if err != nil {
		t.Fatalf("restore %s: %v", backups[0], err)
	}
	if fileHash(t, kept) != damaged {
		t.Error("the copy kept before restoring is not the damaged file")
	}
	s, err := Open(path)
	if err != nil {
		t.Fatalf("open after restore: %v", err)
	}
	defer s.Close()
	if err := readEverything(context.Background(), s); err != nil {
		t.Fatalf("read after restore: %v", err)
	}
	if visits, _ := s.Visits(context.Background(), VisitFilter{FinishedOnly: true}); len(visits) != 1 {
		t.Errorf("restored database has %d finished visits, want 1", len(visits))
	}
}
