//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"techwalk/audit/sqlite"
)

// The tests in this file run the real binary, as a person would, and look
// at what it prints and at the files it leaves.

var (
	builtOnce sync.Once
	builtBin  string
	builtErr  error
)

// sharedBinary builds the techwalk binary once for this file's tests, in a
// folder every user may read, so a test can also run it as another user.
func sharedBinary(t *testing.T) string {
	t.Helper()
	builtOnce.Do(func() {
		dir, err := os.MkdirTemp("", "techwalk-bin-*")
		if err != nil {
			builtErr = err
			return
		}
		os.Chmod(dir, 0o755)
		builtBin = filepath.Join(dir, "techwalk")
		if out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput(); err != nil {
			builtErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if builtErr != nil {
		t.Fatal(builtErr)
	}
	return builtBin
}

// result is what one run of the binary did.
type result struct {
	code           int
	stdout, stderr string
}

// techwalk runs the binary; asUser, when not nil, runs it as that user.
func techwalk(t *testing.T, asUser *syscall.Credential, args ...string) result {
	t.Helper()
	cmd := exec.Command(sharedBinary(t), args...)
	cmd.Env = append(os.Environ(), "LANG=en_US.UTF-8")
	if asUser != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: asUser}
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return result{cmd.ProcessState.ExitCode(), out.String(), errOut.String()}
}

// listTree names every file and folder under dir.
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err == nil {
			names = append(names, p)
		}
		return nil
	})
	return names
}

// readingCommands are the commands that only read the database.
var readingCommands = [][]string{
	{"schools"}, {"visits"}, {"report", "-o", "r.pdf"}, {"export"}, {"check"}, {"backup"},
}

func TestReadingCommandsNeverCreateADatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "nowhere", "district.db")
	for _, args := range readingCommands {
		r := techwalk(t, nil, append(args, "--db", db)...)
		if r.code == 0 || !strings.Contains(r.stderr, db+": the database file does not exist") {
			t.Errorf("%s on a missing file: exit %d, stderr %q; want a non-zero exit saying the file does not exist", args[0], r.code, r.stderr)
		}
	}
	if got := listTree(t, dir); len(got) != 1 {
		t.Errorf("reading commands created %v", got[1:])
	}
}

// deviceFile makes a character device like /dev/null in dir when this
// process may (root), else returns /dev/null itself.
func deviceFile(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "null")
	if err := syscall.Mknod(path, syscall.S_IFCHR|0o666, 1<<8|3); err == nil {
		return path
	}
	return "/dev/null"
}

func TestFoldersAndDevicesGetPlainMessages(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "data")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	device := deviceFile(t, dir)
	_, journalBefore := os.Stat(device + "-journal")
	before := listTree(t, dir)
	for _, tc := range []struct{ path, want string }{
		{folder, folder + " is a folder"},
		{device, device + " is a device, pipe or socket"},
	} {
		for _, args := range [][]string{{"check"}, {"schools"}, {"demo"}, {"backup"}} {
			r := techwalk(t, nil, append(args, "--db", tc.path)...)
			if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("%s --db %s: exit %d, stderr %q; want it to say %q", args[0], tc.path, r.code, r.stderr, tc.want)
			}
			if strings.Contains(strings.ToLower(r.stdout+r.stderr), "damaged") {
				t.Errorf("%s --db %s calls it damaged: %s%s", args[0], tc.path, r.stdout, r.stderr)
			}
		}
	}
	if after := listTree(t, dir); len(after) != len(before) {
		t.Errorf("the commands created files: before %v, after %v", before, after)
	}
	if _, err := os.Stat(device + "-journal"); journalBefore != nil && err == nil {
		t.Errorf("%s-journal was created", device)
	}
}

// demoDB makes a demo database with the binary and returns its path.
func demoDB(t *testing.T, dir string) string {
	t.Helper()
	db := filepath.Join(dir, "district.db")
	if r := techwalk(t, nil, "demo", "--db", db); r.code != 0 {
		t.Fatalf("demo: %s", r.stderr)
	}
	return db
}

// otherUser is who the read-only test runs as: nobody when the test runs as
// root (root may write any file), else the current user.
func otherUser(t *testing.T, paths ...string) *syscall.Credential {
	t.Helper()
	if os.Getuid() != 0 {
		return nil
	}
	const nobody = 65534
	for _, p := range paths {
		if err := os.Lchown(p, nobody, nobody); err != nil {
			t.Fatal(err)
		}
	}
	return &syscall.Credential{Uid: nobody, Gid: nobody}
}

func TestReadOnlyDatabaseIsNotCalledDamaged(t *testing.T) {
	for _, tc := range []struct {
		name                string
		fileMode, dirMode   os.FileMode
		wantWord, fixAdvice string
	}{
		{"file-0400", 0o400, 0o700, "is read-only (mode 0400)", "chmod u+w"},
		{"folder-0500", 0o600, 0o500, "is read-only", "chmod u+w"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			top := t.TempDir()
			os.Chmod(top, 0o755)
			os.Chmod(filepath.Dir(top), 0o755)
			dir := filepath.Join(top, "data")
			os.Mkdir(dir, 0o700)
			db := demoDB(t, dir)
			csv := filepath.Join(top, "schools.csv")
			os.WriteFile(csv, []byte("name,code\nNew School,NS\n"), 0o644)
			os.Remove(db + "-lock")
			user := otherUser(t, dir, db)
			os.Chmod(db, tc.fileMode)
			os.Chmod(dir, tc.dirMode)
			t.Cleanup(func() { os.Chmod(dir, 0o700) })
			before := sum(t, db)
			for _, args := range [][]string{{"import", "schools", csv}, {"demo"}} {
				r := techwalk(t, user, append(args, "--db", db)...)
				all := r.stdout + r.stderr
				if r.code == 0 || !strings.Contains(all, tc.wantWord) || !strings.Contains(all, tc.fixAdvice) {
					t.Errorf("%s on a read-only database: exit %d, %q; want %q and %q", args[0], r.code, all, tc.wantWord, tc.fixAdvice)
				}
				if strings.Contains(all, "file is damaged") || strings.Contains(all, "DAMAGED") || strings.Contains(all, "techwalk restore") {
					t.Errorf("%s calls a healthy read-only database damaged or sends the user to a backup: %s", args[0], all)
				}
			}
			if r := techwalk(t, user, "schools", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "Lincoln Elementary School") {
				t.Errorf("schools on a read-only database: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if r := techwalk(t, user, "check", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "integrity ok") {
				t.Errorf("check on a read-only database: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if sum(t, db) != before {
				t.Error("the read-only database changed")
			}
		})
	}
}

// photoBytes returns where in the database file each photo's bytes lie:
// offsets inside 64-byte runs of a photo's data that occur once in the file.
func photoBytes(t *testing.T, db string) map[string][]int {
	t.Helper()
	s, err := sqlite.OpenReadOnly(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	file, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	visits, err := s.Visits(ctx, sqlite.VisitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]int{}
	for _, v := range visits {
		photos, err := s.Photos(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range photos {
			data, err := s.PhotoData(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			for k := 0; k+64 <= len(data); k += 101 {
				window := data[k : k+64]
				at := bytes.Index(file, window)
				if at >= 0 && !bytes.Contains(file[at+1:], window) { // only this photo's bytes, nothing else's
					out[p.ID] = append(out[p.ID], at+32)
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no photo bytes found in the file")
	}
	return out
}

func flipByte(t *testing.T, path string, at int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1)
	f.ReadAt(b, int64(at))
	b[0] ^= 0x5a
	if _, err := f.WriteAt(b, int64(at)); err != nil {
		t.Fatal(err)
	}
}

func TestCheckNamesEveryDamagedPhoto(t *testing.T) {
	healthy := demoDB(t, t.TempDir())
	places := photoBytes(t, healthy)
	rng := rand.New(rand.NewPCG(11, 12))
	ids := make([]string, 0, len(places))
	for id := range places {
		ids = append(ids, id)
	}
	missed := 0
	const flips = 12
	for i := 0; i < flips; i++ {
		id := ids[rng.IntN(len(ids))]
		db := filepath.Join(t.TempDir(), "district.db")
		copyFile(t, healthy, db)
		flipByte(t, db, places[id][rng.IntN(len(places[id]))])
		r := techwalk(t, nil, "check", "--db", db)
		if r.code == 0 || !strings.Contains(r.stdout, "photo "+id) || !strings.Contains(r.stdout, " in room ") {
			missed++
			t.Errorf("flip %d inside photo %s: check exit %d and said\n%s%s", i, id, r.code, r.stdout, r.stderr)
		}
		if i > 0 {
			continue
		}
		pdf := filepath.Join(t.TempDir(), "report.pdf")
		visit := photoVisit(t, db, id)
		if r := techwalk(t, nil, "report", "--db", db, "--visit", visit, "-o", pdf); r.code != 0 {
			t.Fatalf("report with a damaged photo: %s", r.stderr)
		}
		text, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(text), "photo damaged in the database") {
			t.Error("the report does not mark the damaged photo")
		}
	}
	t.Logf("%d of %d single-byte flips inside photo data went unnoticed by check", missed, flips)
}

// photoVisit returns the visit a photo belongs to.
func photoVisit(t *testing.T, db, photoID string) string {
	t.Helper()
	s, err := sqlite.OpenReadOnly(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	visits, err := s.Visits(context.Background(), sqlite.VisitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range visits {
		photos, _ := s.Photos(context.Background(), v.ID)
		for _, p := range photos {
			if p.ID == photoID {
				return v.ID
			}
		}
	}
	t.Fatalf("photo %s is in no visit", photoID)
	return ""
}

func TestKilledDemoLeavesNothingHalfBuilt(t *testing.T) {
	if testing.Short() {
		t.Skip("kills the demo command 10 times")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	bin := sharedBinary(t)
	partial := 0
	for run := 0; run < 10; run++ {
		db := filepath.Join(t.TempDir(), "demo.db")
		cmd := exec.Command(bin, "demo", "--db", db)
		cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir()) // where a killed demo's scratch file stays
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(200+rng.IntN(5000)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if _, err := os.Stat(db); err != nil {
			continue // killed before the file was made
		}
		r := techwalk(t, nil, "schools", "--db", db, "--json")
		if n := strings.Count(r.stdout, `"name"`); n != 0 && n != 3 {
			partial++
			t.Errorf("run %d: the killed demo left %d of 3 schools", run, n)
			continue
		}
		if strings.Count(r.stdout, `"name"`) == 0 {
			if r := techwalk(t, nil, "demo", "--db", db); r.code != 0 {
				t.Errorf("run %d: demo again after the kill: %s", run, r.stderr)
			}
		}
	}
	if partial > 0 {
		t.Errorf("%d of 10 killed demos left a half-built district", partial)
	}
}

func TestOutputsNeverReplaceTheDatabase(t *testing.T) {
	db := demoDB(t, t.TempDir())
	before := sum(t, db)
	for _, args := range [][]string{
		{"report", "--visit", "latest", "-o", db},
		{"district", "report", "-o", db},
		{"export", "--format", "csv", "-o", db},
		{"export", "--format", "csv", "-o", db + "-wal"},
		{"backup", "-o", db},
	} {
		r := techwalk(t, nil, append(args, "--db", db)...)
		if r.code == 0 {
			t.Errorf("%v wrote over the database: %s", args, r.stdout)
		}
	}
	if sum(t, db) != before {
		t.Error("the database changed")
	}
	if r := techwalk(t, nil, "check", "--db", db); r.code != 0 {
		t.Errorf("check after the refused writes: %s%s", r.stdout, r.stderr)
	}
}
