package audit

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The kill test re-runs this test binary as a child that autosaves answers
// and prints "ack N" after each commit; the parent kills it with SIGKILL at
// a random moment and checks that every acknowledged answer survived.
const childEnv = "TECHWALK_AUTOSAVE_CHILD"

func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		os.Exit(autosaveChild(spec))
	}
	os.Exit(m.Run())
}

// autosaveChild runs "path|visitID|roomID|count": count answers to items q0...
func autosaveChild(spec string) int {
	parts := strings.Split(spec, "|")
	count, _ := strconv.Atoi(parts[3])
	s, err := Open(parts[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; i < count; i++ {
		a := Answer{VisitID: parts[1], RoomID: parts[2], ItemID: fmt.Sprintf("q%d", i), Value: "answer " + strconv.Itoa(i)}
		if err := s.SaveAnswer(context.Background(), &a); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Fprintf(out, "ack %d\n", i)
		out.Flush()
	}
	return 0
}

func manyItemTemplate(n int) *Template {
	t := fixtureTemplate()
	t.ID = "many"
	items := make([]Item, n)
	for i := range items {
		items[i] = Item{ID: fmt.Sprintf("q%d", i), Kind: ItemText, Label: "Question", Category: "Context", Severity: Low}
	}
	t.Sections = []Section{{ID: "all", Title: "All", Items: items}}
	return t
}

func TestKilledDuringAutosaveLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns 60 child processes")
	}
	const runs, answersPerRun = 60, 1000
	s, path := openFixtureStore(t)
	ctx := context.Background()
	if err := s.SaveTemplate(ctx, manyItemTemplate(answersPerRun)); err != nil {
		t.Fatal(err)
	}
	sc := School{Name: "Kill test school"}
	if err := s.SaveSchool(ctx, &sc); err != nil {
		t.Fatal(err)
	}
	room := Room{SchoolID: sc.ID, Number: "1", Kind: KindClassroom}
	if err := s.SaveRoom(ctx, &room); err != nil {
		t.Fatal(err)
	}
	s.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	killedMidway, totalAcked := 0, 0
	for run := 0; run < runs; run++ {
		acked, finished := killChildAfter(t, path, sc.ID, room.ID, answersPerRun, time.Duration(rng.IntN(120)+5)*time.Millisecond)
		if !finished {
			killedMidway++
		}
		for _, n := range acked {
			totalAcked += n
		}
		verifyAcked(t, path, run, acked)
	}
	t.Logf("%d of %d runs were killed before finishing; %d acknowledged answers checked", killedMidway, runs, totalAcked)
	if totalAcked < runs {
		t.Errorf("only %d answers were acknowledged in %d runs; the children barely saved anything", totalAcked, runs)
	}
	if killedMidway < runs/2 {
		t.Errorf("only %d runs were killed mid-way; the test is not exercising kills", killedMidway)
	}
}

// killChildAfter starts a child on a new visit, kills it after delay, and
// returns the visit's acknowledged answer count.
func killChildAfter(t *testing.T, path, schoolID, roomID string, count int, delay time.Duration) (acked map[string]int, finished bool) {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	v := Visit{SchoolID: schoolID, TemplateID: "many", TemplateVersion: "1"}
	if err := s.StartVisit(context.Background(), &v); err != nil {
		t.Fatal(err)
	}
	s.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%s|%s|%d", childEnv, path, v.ID, roomID, count))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n := 0
	done := make(chan struct{})
	firstAck := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "ack ") {
				if n++; n == 1 {
					close(firstAck)
				}
			}
		}
		close(done)
	}()
	// The delay counts from the first saved answer, so a slow start-up
	// (a loaded machine, the race detector) does not eat the saving window.
	var timer *time.Timer
	select {
	case <-firstAck:
		timer = time.AfterFunc(delay, func() { cmd.Process.Signal(syscall.SIGKILL) })
	case <-done:
		timer = time.NewTimer(time.Hour)
	}
	<-done
	err = cmd.Wait()
	stopped := timer.Stop()
	if err != nil && stopped {
		t.Fatalf("child failed before it was killed: %v\n%s", err, stderr.String())
	}
	return map[string]int{v.ID: n}, err == nil
}

func verifyAcked(t *testing.T, path string, run int, acked map[string]int) {
	t.Helper()
	if err := CheckIntegrity(context.Background(), path); err != nil {
		t.Fatalf("run %d: %v", run, err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatalf("run %d: reopen: %v", run, err)
	}
	defer s.Close()
	for visitID, n := range acked {
		answers, err := s.Answers(context.Background(), visitID)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]string{}
		for _, a := range answers {
			have[a.ItemID] = a.Value
		}
		for i := 0; i < n; i++ {
			if got := have[fmt.Sprintf("q%d", i)]; got != "answer "+strconv.Itoa(i) {
				t.Fatalf("run %d: acknowledged answer q%d is %q after the kill", run, i, got)
			}
		}
	}
}
