package sqlite

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"techwalk/audit"
	"testing"
	"time"
)

// contendChild runs "path|visitID|roomID|count": it saves count answers as
// fast as it can and, every 50 answers, holds an export-like read open for
// 200 ms (a snapshot of every answer, read slowly row by row).
func contendChild(out *bufio.Writer, args []string) int {
	count, _ := strconv.Atoi(args[3])
	s, err := Open(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	say(out, "ready")
	ctx := context.Background()
	for i := 0; i < count; i++ {
		if i%50 == 0 {
			if err := slowExportRead(ctx, s, 200*time.Millisecond); err != nil {
				fmt.Fprintln(os.Stderr, "read:", err)
				return 1
			}
		}
		a := audit.Answer{VisitID: args[1], RoomID: args[2], ItemID: fmt.Sprintf("q%d", i), Value: answerValue(i)}
		if err := s.SaveAnswer(ctx, &a); err != nil {
			fmt.Fprintln(os.Stderr, "save:", err)
			return 1
		}
		say(out, "ack a %d", i)
	}
	return 0
}

// slowExportRead reads every answer inside one read transaction, spreading
// the rows over about d, as a long export would.
func slowExportRead(ctx context.Context, s *Store, d time.Duration) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, "SELECT id, value, note FROM answers")
	if err != nil {
		return err
	}
	defer rows.Close()
	deadline := time.Now().Add(d)
	for n := 0; rows.Next(); n++ {
		var id, value, note string
		if err := rows.Scan(&id, &value, &note); err != nil {
			return err
		}
		if n%20 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	time.Sleep(time.Until(deadline))
	return rows.Err()
}

// holdLockChild runs "path|millis": it takes the database's write lock in an
// immediate transaction, says "ready", holds it for millis and commits.
func holdLockChild(out *bufio.Writer, args []string) int {
	millis, _ := strconv.Atoi(args[1])
	db, err := sql.Open("sqlite", dsn(args[0], false, BusyTimeout))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := tx.Exec("INSERT OR REPLACE INTO local(key, value) VALUES ('lock-test', 'held')"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	say(out, "ready")
	time.Sleep(time.Duration(millis) * time.Millisecond)
	if err := tx.Commit(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func TestTwoProcessesWriteAndReadWithoutBusyErrors(t *testing.T) {
	const count = 300
	target := newKillTarget(t, count)
	mine, theirs := target.newVisit(t), target.newVisit(t)
	s, err := Open(target.path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := startChild(t, "contend", target.path, theirs, target.roomID, strconv.Itoa(count))
	ctx := context.Background()
	slowest := time.Duration(0)
	for i := 0; i < count; i++ {
		t0 := time.Now()
		a := audit.Answer{VisitID: mine, RoomID: target.roomID, ItemID: fmt.Sprintf("q%d", i), Value: answerValue(i)}
		if err := s.SaveAnswer(ctx, &a); err != nil {
			t.Fatalf("save %d while another process writes and reads: %v", i, err)
		}
		slowest = max(slowest, time.Since(t0))
		if i%100 == 0 {
			if _, err := s.Findings(ctx, audit.FindingFilter{}); err != nil {
				t.Fatalf("read while another process writes: %v", err)
			}
		}
	}
	if err := c.wait(t); err != nil {
		t.Fatalf("the other process failed: %v\n%s", err, c.stderr.String())
	}
	t.Logf("slowest save while contended: %v", slowest)
	for _, visit := range []string{mine, theirs} {
		answers, err := s.Answers(ctx, visit)
		if err != nil || len(answers) != count {
			t.Fatalf("visit has %d answers (%v), want %d", len(answers), err, count)
		}
	}
	if got := len(c.ackedAnswers()); got != count {
		t.Errorf("the other process acknowledged %d answers, want %d", got, count)
	}
}

func TestBusyTimeoutGivesAPlainMessage(t *testing.T) {
	target := newKillTarget(t, 4)
	visitID := target.newVisit(t)
	s, err := Open(target.path, WithBusyTimeout(300*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := startChild(t, "hold", target.path, "1500")
	ctx := context.Background()
	t0 := time.Now()
	a := audit.Answer{VisitID: visitID, RoomID: target.roomID, ItemID: "q0", Value: "while locked"}
	err = s.SaveAnswer(ctx, &a)
	if !errors.Is(err, audit.ErrBusy) {
		t.Fatalf("save while another process holds the lock: err = %v, want ErrBusy", err)
	}
	if waited := time.Since(t0); waited < 250*time.Millisecond {
		t.Errorf("the save gave up after %v, before the busy timeout", waited)
	}
	msg := err.Error()
	for _, bad := range []string{"SQLITE_BUSY", "database is locked", "(5)"} {
		if strings.Contains(msg, bad) {
			t.Errorf("message %q shows SQLite's %q", msg, bad)
		}
	}
	if !strings.Contains(msg, "busy in another TechWalk window; try again") || !strings.Contains(msg, "nothing from this change was saved") {
		t.Errorf("message %q does not say what happened and what to do", msg)
	}
	if err := c.wait(t); err != nil {
		t.Fatalf("lock holder: %v\n%s", err, c.stderr.String())
	}
	if err := s.SaveAnswer(ctx, &a); err != nil {
		t.Fatalf("save after the other process let go: %v", err)
	}
}

// fillDiskChild runs "path|visitID|roomID|limitBytes|secret": it limits the
// size of any file it writes (RLIMIT_FSIZE), then saves answers with long
// notes holding secret until a save fails, and reports "error MESSAGE".
func fillDiskChild(out *bufio.Writer, args []string) int {
	limit, _ := strconv.ParseUint(args[3], 10, 64)
	signal.Ignore(syscall.SIGXFSZ) // writes past the limit fail with EFBIG instead of killing us
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
		fmt.Fprintln(os.Stderr, "setrlimit:", err)
		return 1
	}
	s, err := Open(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	say(out, "ready")
	for i := 0; i < 100000; i++ {
		a := audit.Answer{VisitID: args[1], RoomID: args[2], ItemID: fmt.Sprintf("q%d", i%2000), Value: answerValue(i), Note: fillNote(i, args[4])}
		if err := s.SaveAnswer(context.Background(), &a); err != nil {
			say(out, "error %s", strings.ReplaceAll(err.Error(), "\n", " "))
			return 0
		}
		say(out, "ack a %d", i)
	}
	fmt.Fprintln(os.Stderr, "the file never reached its size limit")
	return 1
}

// fillNote is the long note fillDiskChild writes for answer i.
func fillNote(i int, secret string) string {
	return fmt.Sprintf("%d %s ", i, secret) + strings.Repeat("Teacher said the projector flickers. ", 400)
}

func TestDiskFullKeepsEarlierAnswers(t *testing.T) {
	target := newKillTarget(t, 2000)
	visitID := target.newVisit(t)
	info, err := os.Stat(target.path)
	if err != nil {
		t.Fatal(err)
	}
	const secret = "Ms-Okonkwo-private-remark"
	limit := info.Size() + 3<<20
	c := startChild(t, "fill", target.path, visitID, target.roomID, strconv.FormatInt(limit, 10), secret)
	if err := c.wait(t); err != nil {
		t.Fatalf("fill child: %v\n%s", err, c.stderr.String())
	}
	errs := c.events("error ")
	if len(errs) != 1 {
		t.Fatalf("the child reported %d errors, want 1; stderr:\n%s", len(errs), c.stderr.String())
	}
	msg := errs[0]
	t.Logf("after %d answers: %s", len(c.ackedAnswers()), msg)
	for _, want := range []string{"the disk is full or the file is too large", "nothing from this change was saved"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, secret) {
		t.Errorf("message %q repeats the note", msg)
	}
	verifyNotes(t, target.path, visitID, c.ackedAnswers(), secret)
}

// verifyNotes reopens the file without limits and checks every acknowledged
// answer is there with its exact note.
func verifyNotes(t *testing.T, path, visitID string, acked []int, secret string) {
	t.Helper()
	if len(acked) < 10 {
		t.Fatalf("only %d answers were saved before the limit; the test needs more", len(acked))
	}
	if err := CheckIntegrity(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	answers, err := s.Answers(context.Background(), visitID)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]audit.Answer{}
	for _, a := range answers {
		have[a.ItemID] = a
	}
	for _, n := range acked {
		a := have[fmt.Sprintf("q%d", n%2000)]
		if a.Value != answerValue(n) || a.Note != fillNote(n, secret) {
			t.Fatalf("acknowledged answer %d is missing or changed after the disk filled", n)
		}
	}
}
