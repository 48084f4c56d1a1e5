package sqlite

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"testing"
	"time"

	"techwalk/audit"
)

// autosaveChild runs "path|visitID|roomID|count|photoEvery": it saves
// answers to q0...q(count-1), adds a photo after every photoEvery-th answer,
// and acknowledges each commit. On SIGTERM it stops between saves, closes
// the store and says "closed".
func autosaveChild(out *bufio.Writer, args []string) int {
	count, _ := strconv.Atoi(args[3])
	photoEvery, _ := strconv.Atoi(args[4])
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	s, err := Open(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	say(out, "ready")
	ctx := context.Background()
	for i := 0; i < count && len(term) == 0; i++ {
		if err := childSave(ctx, out, s, args[1], args[2], i, photoEvery); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	if err := s.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	say(out, "closed")
	return 0
}

// childSave saves answer i and, every photoEvery answers, a photo.
func childSave(ctx context.Context, out *bufio.Writer, s *Store, visitID, roomID string, i, photoEvery int) error {
	a := audit.Answer{VisitID: visitID, RoomID: roomID, ItemID: fmt.Sprintf("q%d", i), Value: answerValue(i)}
	if err := s.SaveAnswer(ctx, &a); err != nil {
		return err
	}
	say(out, "ack a %d", i)
	if photoEvery <= 0 || i%photoEvery != 0 {
		return nil
	}
	p, err := s.AddPhoto(ctx, audit.PhotoInput{VisitID: visitID, RoomID: roomID, ItemID: a.ItemID, Name: "child.jpg", Data: childJPEG(i)})
	if err != nil {
		return err
	}
	say(out, "ack p %s %s", p.ID, p.SHA256)
	return nil
}

func TestKilledDuringAutosaveLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns 200 child processes")
	}
	const runs, answersPerRun, photoEvery = 200, 40, 4
	target := newKillTarget(t, answersPerRun)
	rng := rand.New(rand.NewPCG(1, 2))
	killedMidway, answers, photos := 0, 0, 0
	for run := 0; run < runs; run++ {
		visitID := target.newVisit(t)
		c := startChild(t, "autosave", target.path, visitID, target.roomID, strconv.Itoa(answersPerRun), strconv.Itoa(photoEvery))
		// Kill after a random number of saves and a little more, so the kill
		// lands between or inside saves however slow this machine (or the
		// race detector) makes each save.
		if c.killAfter(t, run, rng.IntN(answersPerRun/4), rng) {
			killedMidway++
		}
		answers += len(c.ackedAnswers())
		photos += len(c.ackedPhotos())
		verifyAcked(t, target.path, fmt.Sprintf("run %d", run), visitID, c)
	}
	t.Logf("%d of %d runs were killed before finishing; %d answers and %d photos acknowledged and checked", killedMidway, runs, answers, photos)
	if answers < runs || photos < runs/4 {
		t.Errorf("only %d answers and %d photos were acknowledged in %d runs; the children barely saved anything", answers, photos, runs)
	}
	if killedMidway < runs/2 {
		t.Errorf("only %d runs were killed mid-way; the test is not exercising kills", killedMidway)
	}
}

func TestSIGTERMClosesCleanlyAndLosesNothing(t *testing.T) {
	const runs, answersPerRun, photoEvery = 20, 40, 4
	target := newKillTarget(t, answersPerRun)
	rng := rand.New(rand.NewPCG(3, 4))
	stoppedEarly := 0
	for run := 0; run < runs; run++ {
		visitID := target.newVisit(t)
		c := startChild(t, "autosave", target.path, visitID, target.roomID, strconv.Itoa(answersPerRun), strconv.Itoa(photoEvery))
		time.Sleep(time.Duration(rng.IntN(40_000)) * time.Microsecond)
		c.cmd.Process.Signal(syscall.SIGTERM)
		if err := c.wait(t); err != nil {
			t.Fatalf("run %d: child did not exit cleanly on SIGTERM: %v\n%s", run, err, c.stderr.String())
		}
		if len(c.events("closed")) != 1 {
			t.Fatalf("run %d: child exited without closing the store", run)
		}
		if _, err := os.Stat(target.path + "-wal"); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("run %d: the WAL is still there after a clean close (%v)", run, err)
		}
		if len(c.ackedAnswers()) < answersPerRun {
			stoppedEarly++
		}
		verifyAcked(t, target.path, fmt.Sprintf("run %d", run), visitID, c)
	}
	if stoppedEarly < runs/2 {
		t.Errorf("only %d of %d runs were stopped mid-autosave", stoppedEarly, runs)
	}
}

// verifyAcked checks the file's integrity, that every answer and photo the
// child acknowledged is there, and that no photo row lacks its data.
func verifyAcked(t *testing.T, path, what, visitID string, c *child) {
	t.Helper()
	ctx := context.Background()
	if err := CheckIntegrity(ctx, path); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatalf("%s: reopen: %v", what, err)
	}
	defer s.Close()
	answers, err := s.Answers(ctx, visitID)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]string{}
	for _, a := range answers {
		have[a.ItemID] = a.Value
	}
	for _, n := range c.ackedAnswers() {
		if got := have[fmt.Sprintf("q%d", n)]; got != answerValue(n) {
			t.Fatalf("%s: acknowledged answer q%d is %q after the child stopped", what, n, got)
		}
	}
	for id, sha := range c.ackedPhotos() {
		data, err := s.PhotoData(ctx, id)
		if err != nil {
			t.Fatalf("%s: acknowledged photo %s: %v", what, id, err)
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != sha {
			t.Fatalf("%s: acknowledged photo %s has %d bytes that do not match its SHA-256", what, id, len(data))
		}
	}
	checkPhotoRows(t, s, what)
}

// checkPhotoRows fails when any photo row has no data or data that does not
// match its recorded SHA-256.
func checkPhotoRows(t *testing.T, s *Store, what string) {
	t.Helper()
	rows, err := s.r.Query("SELECT id, sha256, data FROM photos")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, sha string
		var data []byte
		if err := rows.Scan(&id, &sha, &data); err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(data); len(data) == 0 || hex.EncodeToString(sum[:]) != sha {
			t.Fatalf("%s: photo row %s has %d bytes not matching its SHA-256", what, id, len(data))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
