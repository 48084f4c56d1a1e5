package sqlite

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"techwalk/audit"
	"techwalk/audit/importer"
)

func init() {
	childModes["autosave-touch"] = autosaveTouchChild
	childModes["load"] = loadChild
}

// autosaveTouchChild runs "path|visitID|roomID|count": it saves answers
// q0...q(count-1), acknowledging each, and before every save opens, reads
// and closes every file in the database's folder, as a file dialog or a
// thumbnailer would: the database file, its WAL, its -lock file and the
// rest. Only the -shm file is left alone: SQLite's locks on it are POSIX
// locks even with OFD locking on, so in the app Fyne's file repository
// refuses to open it (see app/fileguard.go).
func autosaveTouchChild(out *bufio.Writer, args []string) int {
	count, _ := strconv.Atoi(args[3])
	s, err := Open(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	say(out, "ready")
	ctx := context.Background()
	for i := 0; i < count; i++ {
		if err := touchFolder(filepath.Dir(args[0])); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if err := childSave(ctx, out, s, args[1], args[2], i, 0); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}

// touchFolder opens, reads a little of and closes every file in dir but a -shm.
func touchFolder(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	buf := make([]byte, 512)
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), shmSuffix) {
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			continue // removed meanwhile
		}
		f.Read(buf)
		f.Close()
	}
	return nil
}

// loadChild runs "path|csvPath": until killed, it does what other
// TechWalk commands do, each opening and closing the database: read
// schools, visits and findings (read-only), check it, import a schools CSV,
// and back it up with VACUUM INTO. It says "round N" after each round and
// "error MESSAGE" on any failure.
func loadChild(out *bufio.Writer, args []string) int {
	ctx := context.Background()
	data, err := os.ReadFile(args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	say(out, "ready")
	for round := 1; ; round++ {
		if err := loadRound(ctx, args[0], args[1], data, round); err != nil {
			say(out, "error %s", strings.ReplaceAll(err.Error(), "\n", " "))
			return 1
		}
		say(out, "round %d", round)
	}
}

func loadRound(ctx context.Context, path, csvName string, data []byte, round int) error {
	r, err := OpenReadOnly(path)
	if err != nil {
		return fmt.Errorf("open to read: %w", err)
	}
	_, err1 := r.Schools(ctx)
	_, err2 := r.Visits(ctx, VisitFilter{})
	_, err3 := r.Findings(ctx, audit.FindingFilter{})
	if err := errors.Join(err1, err2, err3, r.Close()); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	res, err := Check(ctx, path)
	if err != nil || res.Damaged() {
		return fmt.Errorf("check: %v %v %v", err, res.Integrity, res.Photos)
	}
	w, err := Open(path)
	if err != nil {
		return fmt.Errorf("open to import: %w", err)
	}
	defer w.Close()
	f, err := importer.ReadCSV(csvName, data)
	if err != nil {
		return err
	}
	m, err := importer.DetectMapping(f.Header)
	if err != nil {
		return err
	}
	if _, err := w.ImportDirectory(ctx, f, m, importer.ImportOptions{}); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if round%10 == 0 {
		if err := w.BackupTo(ctx, filepath.Join(filepath.Dir(csvName), fmt.Sprintf("copy-%d.db", round))); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
	}
	return nil
}

func TestKilledUnderLoadLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns 100 child processes while another one works on the same file")
	}
	const runs, perRun = 100, 20
	target := newKillTarget(t, perRun)
	csvPath := filepath.Join(t.TempDir(), "district.csv")
	if err := os.WriteFile(csvPath, []byte("name,code,address\nLoad Test Elementary,LTE,1 Main St\nLoad Test Middle,LTM,2 Main St\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(filepath.Dir(target.path), "notes.txt"), []byte("other files live here too\n"), 0o600)
	load := startChild(t, "load", target.path, csvPath)
	rng := rand.New(rand.NewPCG(7, 8))
	killedMidway, answers := 0, 0
	for run := 0; run < runs; run++ {
		visitID := target.newVisit(t)
		c := startChild(t, "autosave-touch", target.path, visitID, target.roomID, strconv.Itoa(perRun))
		stopAt := 1 + rng.IntN(perRun-1)
		if c.killAfter(t, run, stopAt, rng) {
			killedMidway++
		}
		answers += len(c.ackedAnswers())
		verifyAcked(t, target.path, fmt.Sprintf("run %d", run), visitID, c)
		if errs := load.events("error "); len(errs) > 0 {
			t.Fatalf("run %d: the other TechWalk process failed: %s", run, errs[0])
		}
	}
	load.cmd.Process.Kill()
	load.wait(t)
	rounds := len(load.events("round "))
	t.Logf("%d runs, %d killed mid-way; %d answers acknowledged, all present; the other process did %d rounds of reads, check, import (and a backup every 10th) meanwhile",
		runs, killedMidway, answers, rounds)
	if killedMidway < runs*9/10 || answers < runs*perRun/3 || rounds < runs/10 {
		t.Errorf("the test did not exercise enough: %d kills mid-way, %d answers, %d load rounds", killedMidway, answers, rounds)
	}
}
