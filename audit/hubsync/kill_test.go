package hubsync

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	neturl "net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/postgres"
	"techwalk/audit/sqlite"
)

// pushChildEnv tells a re-executed test binary to push the database at
// path to the hub at url ("path|url"), saying "staged PART" as each part
// reaches the hub's staging tables and then holding the transaction open
// for a while, so the parent can kill it mid-push.
const pushChildEnv = "TECHWALK_HUBSYNC_PUSH_CHILD"

func pushChild(spec string) int {
	path, url, _ := strings.Cut(spec, "|")
	ctx := context.Background()
	s, err := sqlite.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	h, err := postgres.Open(ctx, url)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer h.Close()
	_, err = Push(ctx, s, h, func(part string, _, _ int) {
		fmt.Printf("staged %s\n", part)
		time.Sleep(30 * time.Second)
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// hubRows is how many rows of table the hub holds.
func hubRows(t *testing.T, h *postgres.Hub, table string) int {
	t.Helper()
	st, err := h.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range st.Counts {
		if c.Table == table {
			return int(c.Rows)
		}
	}
	t.Fatalf("no count of %s", table)
	return 0
}

// localRows is how many rows of each part the device's own changes hold.
func localAnswers(t *testing.T, s *sqlite.Store) int {
	t.Helper()
	cs, err := s.ExportChangeSet(context.Background(), allOwn(s))
	if err != nil {
		t.Fatal(err)
	}
	return len(cs.Answers)
}

// TestKilledPushLeavesTheHubConsistentAndResumes kills a pushing process
// after its rows reached the hub's staging tables, before the commit: the
// hub holds nothing of the change set, the device's cursor did not move,
// and the next push sends it all.
func TestKilledPushLeavesTheHubConsistentAndResumes(t *testing.T) {
	h := newHub(t)
	s, path := device(t, "a", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC))
	walk(t, s, "North", 6)
	walk(t, s, "East", 6)
	want := localAnswers(t, s)
	s.Close()
	url := h.auditorURL(t, "alice")

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), pushChildEnv+"="+path+"|"+url)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "staged ") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the child said %q (%v): %s", line, err, stderr.String())
	}
	cmd.Process.Kill()
	cmd.Wait()

	alice := open(t, url)
	for _, table := range []string{"schools", "answers", "photos"} {
		if n := hubRows(t, h.admin, table); n != 0 {
			t.Fatalf("after the kill the hub holds %d %s of an uncommitted push", n, table)
		}
	}
	s2, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	rep := mustPush(t, s2, alice)
	if rep.AlreadyPushed || rep.Merged["answers"] != want || hubRows(t, h.admin, "answers") != want {
		t.Fatalf("the resumed push took %v; the hub holds %d answers, the device %d", rep.Merged, hubRows(t, h.admin, "answers"), want)
	}
}

// TestHubRestartDuringPushLosesNothing restarts the hub's server while a
// push is between staging and commit: the push fails as unreachable, the
// cursor stays, and the next push lands every row.
func TestHubRestartDuringPushLosesNothing(t *testing.T) {
	h := newHub(t)
	s, _ := device(t, "a", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC))
	walk(t, s, "North", 5)
	want := localAnswers(t, s)
	url := h.auditorURL(t, "alice")
	alice := open(t, url)
	var once sync.Once
	_, err := Push(context.Background(), s, alice, func(string, int, int) {
		once.Do(func() {
			if err := h.srv.Restart(); err != nil {
				t.Error(err)
			}
		})
	})
	if err == nil {
		t.Fatal("a push through a hub restart succeeded")
	}
	w, err2 := Count(context.Background(), s, open(t, url))
	if err2 != nil || w.ToSend == 0 {
		t.Fatalf("after the failed push nothing waits to be sent: %+v, %v (push said %v)", w, err2, err)
	}
	rep := mustPush(t, s, open(t, url))
	if got := hubRows(t, open(t, h.url), "answers"); got != want || rep.Merged["answers"] != want {
		t.Fatalf("after the restart the hub holds %d answers (push took %v), the device %d", got, rep.Merged, want)
	}
}

// TestTwoDevicesPushingAtOnceBothLand pushes two devices' districts at the
// same moment from two logins; both land, and a third device pulls both.
func TestTwoDevicesPushingAtOnceBothLand(t *testing.T) {
	h := newHub(t)
	a, _ := device(t, "a", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC))
	b, _ := device(t, "b", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC))
	walk(t, a, "North", 6)
	walk(t, b, "South", 6)
	alice, bob := open(t, h.auditorURL(t, "alice")), open(t, h.auditorURL(t, "bob"))
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, d := range []struct {
		s *sqlite.Store
		h *postgres.Hub
	}{{a, alice}, {b, bob}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = Push(context.Background(), d.s, d.h, nil)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("device %d: %v", i, err)
		}
	}
	want := localAnswers(t, a) + localAnswers(t, b)
	if got := hubRows(t, h.admin, "answers"); got != want {
		t.Fatalf("the hub holds %d answers, the two devices %d", got, want)
	}
	c, _ := device(t, "c", time.Date(2026, 11, 4, 8, 0, 0, 0, time.UTC))
	mustPull(t, c, open(t, h.auditorURL(t, "carol")))
	if got := len(exportAll(t, c).Answers); got != want {
		t.Fatalf("a third device pulled %d answers of %d", got, want)
	}
}

// TestDroppedConnectionMidPushResumes cuts the pushing login's connection
// on the server (pg_terminate_backend) once its rows are staged: the push
// fails as unreachable, the hub holds none of it, and the next push lands
// every row.
func TestDroppedConnectionMidPushResumes(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	s, _ := device(t, "a", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC))
	walk(t, s, "North", 4)
	want := localAnswers(t, s)
	url := h.auditorURL(t, "alice")
	alice := open(t, url)
	login := loginOf(t, url)
	var once sync.Once
	_, err := Push(ctx, s, alice, func(string, int, int) {
		once.Do(func() {
			if err := h.srv.Exec("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", login); err != nil {
				t.Error(err)
			}
		})
	})
	if !errors.Is(err, audit.ErrHubUnreachable) {
		t.Fatalf("a push whose connection was cut: %v, want ErrHubUnreachable", err)
	}
	if n := hubRows(t, h.admin, "answers"); n != 0 {
		t.Fatalf("the cut push left %d answers on the hub", n)
	}
	rep := mustPush(t, s, open(t, url))
	if got := hubRows(t, h.admin, "answers"); got != want || rep.Merged["answers"] != want {
		t.Fatalf("after the cut the hub holds %d answers (push took %v), the device %d", got, rep.Merged, want)
	}
}

// loginOf is the user name in a hub URL.
func loginOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := neturl.Parse(raw)
	if err != nil || u.User == nil {
		t.Fatalf("hub URL without a user: %v", err)
	}
	return u.User.Username()
}
