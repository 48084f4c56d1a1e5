package hubsync

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"techwalk/audit"
	"techwalk/audit/postgres"
	"techwalk/audit/sqlite"
)

// pullChildEnv tells a re-executed test binary to pull into the database
// at path from the hub at url ("how|path|url"). how is "one" (the whole
// change set at once, as pulls were), a number of visits per batch, or
// "stop": one visit a batch, saying "applied" and holding still once the
// second batch of visits is being read, so the parent can kill it between
// batches. It prints the pull's time, its peak heap, its peak RSS and the
// rows it added.
const pullChildEnv = "TECHWALK_HUBSYNC_PULL_CHILD"

func pullChild(spec string) int {
	parts := strings.SplitN(spec, "|", 3)
	if len(parts) != 3 {
		fmt.Fprintf(os.Stderr, "%s=%q: want how|path|url\n", pullChildEnv, spec)
		return 2
	}
	how, path, url := parts[0], parts[1], parts[2]
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
	peak, stop := sampleHeap()
	start := time.Now()
	var rep audit.ApplyReport
	switch how {
	case "one":
		rep, err = pullOneShot(ctx, s, h)
	case "stop":
		visits := 0
		rep, err = PullVisits(ctx, s, h, 1, func(part string, _, _ int) {
			if part == "visits" {
				if visits++; visits == 2 {
					fmt.Println("applied")
					time.Sleep(time.Minute)
				}
			}
		})
	default:
		n, aerr := strconv.Atoi(how)
		if aerr != nil {
			fmt.Fprintf(os.Stderr, "%s: %q is not one, stop or a number of visits\n", pullChildEnv, how)
			return 2
		}
		rep, err = PullVisits(ctx, s, h, n, nil)
	}
	took := time.Since(start)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("pulled %d ms %d bytes %d kB %d added\n", took.Milliseconds(), peak.Load(), peakRSS(), rep.Total().Added)
	return 0
}

// peakRSS is this process's peak resident set in kB (VmHWM), or 0 where
// /proc does not say: unlike the rusage a parent reads, it never counts
// the parent's memory, which a child started by fork shares before exec.
func peakRSS() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// sampleHeap watches the bytes of heap objects (live and not yet swept)
// every millisecond until stopped, keeping the most seen.
func sampleHeap() (*atomic.Uint64, func()) {
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return &peak, func() { close(done); <-finished }
}

// pullOneShot pulls as pulls did before batches: the whole change set
// read into memory, merged in one transaction, then the cursor saved.
func pullOneShot(ctx context.Context, s *sqlite.Store, h *postgres.Hub) (audit.ApplyReport, error) {
	none := audit.ApplyReport{Parts: map[string]*audit.PartCount{}}
	hubID, err := h.ID(ctx)
	if err != nil {
		return none, err
	}
	after, err := PullCursor(ctx, s, hubID)
	if err != nil {
		return none, err
	}
	p, err := h.Pull(ctx, s.Device(), after, nil)
	if err != nil || p.To == p.From {
		return none, err
	}
	rep, err := s.ApplyChangeSet(ctx, p.ChangeSet, p.Origin(hubID), false)
	if err != nil {
		return rep, err
	}
	return rep, s.SetSetting(ctx, pullCursorKey+hubID, strconv.FormatInt(p.To, 10))
}

// batchDistrict is a hub several devices pushed to, with a device's
// database (c's, at path, closed) that holds only its own two schools.
// Besides plain walks the hub holds a school and a visit edited after
// their children were pushed (their rows come later in the hub's change
// numbers), an answer another device added to c's visit of Hill (a child
// whose visit row the pull does not bring), and actions another device
// set on c's findings at Lake (findings no batch's visit holds).
type batchDistrict struct {
	h     hub
	a     *sqlite.Store
	alice *postgres.Hub
	url   string // carol's login, c's
	path  string
	// firstIsOwn says the first visit in id order, the first batch of
	// visits, is c's own visit of Hill, which c holds already.
	firstIsOwn bool
}

func newBatchDistrict(t *testing.T) batchDistrict {
	t.Helper()
	ctx := context.Background()
	h := newHub(t)
	a, _ := device(t, "a", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC))
	b, _ := device(t, "b", time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC))
	c, path := device(t, "c", time.Date(2026, 11, 4, 8, 0, 0, 0, time.UTC))
	for _, school := range []string{"North", "East", "West"} {
		walk(t, a, school, 3)
	}
	for _, school := range []string{"South", "Central"} {
		walk(t, b, school, 2)
	}
	walk(t, c, "Lake", 2)
	hill := walk(t, c, "Hill", 1)
	d := batchDistrict{h: h, a: a, alice: open(t, h.auditorURL(t, "alice")), url: h.auditorURL(t, "carol"), path: path}
	bob, carol := open(t, h.auditorURL(t, "bob")), open(t, d.url)
	mustPush(t, a, d.alice)
	mustPush(t, b, bob)
	mustPush(t, c, carol)
	mustPull(t, b, bob)

	// a renames a school and edits a visit after their rooms and answers reached the hub.
	cs := exportAll(t, a)
	sc := cs.Schools[0].School
	sc.Name += " Elementary"
	if err := a.SaveSchool(ctx, &sc); err != nil {
		t.Fatal(err)
	}
	v := cs.Visits[0].Visit
	v.People = "Principal; tech coach"
	if err := a.SaveVisit(ctx, &v); err != nil {
		t.Fatal(err)
	}
	mustPush(t, a, d.alice)

	// b answers in c's visit and files c's findings (and one of a's) in the backlog.
	findings, err := b.Findings(ctx, audit.FindingFilter{SchoolID: schoolOf(t, b, "Lake")})
	if err != nil || len(findings) < 2 {
		t.Fatalf("b sees Lake's findings %d, %v", len(findings), err)
	}
	for i, f := range findings[:2] {
		act := audit.Action{FindingID: f.ID, Status: audit.StatusInBacklog, TicketKey: fmt.Sprintf("IT-%d", 7+i), OwnerTeam: "Field services"}
		if err := b.SaveAction(ctx, &act); err != nil {
			t.Fatal(err)
		}
	}
	north, err := b.Findings(ctx, audit.FindingFilter{SchoolID: schoolOf(t, b, "North")})
	if err != nil || len(north) == 0 {
		t.Fatalf("b sees North's findings %d, %v", len(north), err)
	}
	if err := b.SaveAction(ctx, &audit.Action{FindingID: north[0].ID, Status: audit.StatusResolved}); err != nil {
		t.Fatal(err)
	}
	hillFindings, err := b.Findings(ctx, audit.FindingFilter{SchoolID: schoolOf(t, b, "Hill")})
	if err != nil || len(hillFindings) == 0 {
		t.Fatalf("b sees Hill's findings %d, %v", len(hillFindings), err)
	}
	f := hillFindings[0]
	ans := audit.Answer{VisitID: hill.ID, RoomID: f.RoomID, ItemID: f.ItemID, Value: "ok", Note: "fixed by b"}
	if err := b.SaveAnswer(ctx, &ans); err != nil {
		t.Fatal(err)
	}
	mustPush(t, b, bob)
	c.Close()
	ids := []string{hill.ID}
	for _, v := range exportAll(t, b).Visits {
		if v.SchoolID != hill.SchoolID && v.SchoolID != schoolOf(t, b, "Lake") {
			ids = append(ids, v.ID)
		}
	}
	d.firstIsOwn = slices.Min(ids) == hill.ID
	return d
}

// copyDB copies c's closed database to a new file for another pull.
func copyDB(t *testing.T, from string) string {
	t.Helper()
	to := filepath.Join(t.TempDir(), "copy.db")
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return to
}

func openDB(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestBatchedPullMatchesOneShot: c's database pulled in batches of one
// and of two visits holds exactly what it holds pulled all at once: the
// same district screen, backlog export and canonical change set, and the
// same cursor. The batches come in order: the district-wide parts alone,
// each visit with its rows, the actions on c's own findings last; progress
// counts the rows across them up to what was waiting.
func TestBatchedPullMatchesOneShot(t *testing.T) {
	ctx := context.Background()
	d := newBatchDistrict(t)
	carol := open(t, d.url)
	one := openDB(t, copyDB(t, d.path))
	if _, err := pullOneShot(ctx, one, carol); err != nil {
		t.Fatal(err)
	}
	want := pictureOf(t, one)
	wantCursor := cursorOf(t, one, carol)
	for _, visits := range []int{1, 2} {
		s := openDB(t, copyDB(t, d.path))
		if _, err := PullVisits(ctx, s, carol, visits, nil); err != nil {
			t.Fatalf("%d visits a batch: %v", visits, err)
		}
		got := pictureOf(t, s)
		if got.canonical != want.canonical {
			t.Errorf("%d visits a batch: the canonical change sets differ:\n%s", visits, firstDiff(got.canonical, want.canonical))
		}
		if got.district != want.district || got.backlog != want.backlog {
			t.Errorf("%d visits a batch: the district screen or the backlog differ", visits)
		}
		if c := cursorOf(t, s, carol); c != wantCursor {
			t.Errorf("%d visits a batch: cursor %d, want %d", visits, c, wantCursor)
		}
	}
	for _, want := range []string{"North Elementary", "Principal; tech coach", "fixed by b", "IT-7", "IT-8"} {
		if !strings.Contains(pictureOf(t, one).canonical, want) {
			t.Errorf("the pulled district lacks %q", want)
		}
	}

	// The batches themselves, one visit each.
	s := openDB(t, copyDB(t, d.path))
	var batches []*audit.ChangeSet
	waiting, err := carol.Waiting(ctx, s.Device(), 0)
	if err != nil {
		t.Fatal(err)
	}
	done := 0
	progress := func(part string, n, total int) {
		if n < done || total != waiting {
			t.Errorf("progress went from %d to %d rows of %d (%s), want up to %d", done, n, total, part, waiting)
		}
		done = n
	}
	_, err = carol.PullBatches(ctx, s.Device(), 0, postgres.PullOptions{Visits: 1}, progress, func(b postgres.Batch) error {
		batches = append(batches, b.ChangeSet)
		_, err := s.ApplyChangeSet(ctx, b.ChangeSet, b.Origin("test"), false)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if done != waiting {
		t.Errorf("progress ended at %d rows of %d", done, waiting)
	}
	const visits = 3 + 2 + 1 // a's, b's and Hill's (b's answer), not Lake's (only actions)
	if len(batches) != 1+visits+1 {
		t.Fatalf("%d batches for %d visits, want the district, one per visit and the rest", len(batches), visits)
	}
	first, last := batches[0], batches[len(batches)-1]
	if len(first.Schools) == 0 || len(first.Rooms) == 0 || len(first.Visits)+len(first.Answers)+len(first.Actions) != 0 {
		t.Errorf("the first batch holds %v, want the district-wide parts alone", first.Rows())
	}
	if len(last.Actions) != 2 || len(last.StatusHistory) != 2 || len(last.Answers)+len(last.Visits) != 0 {
		t.Errorf("the last batch holds %v, want the two actions on c's own findings and their statuses", last.Rows())
	}
	if got := pictureOf(t, s); got.canonical != want.canonical {
		t.Errorf("applied batch by batch: the canonical change sets differ:\n%s", firstDiff(got.canonical, want.canonical))
	}
}

func cursorOf(t *testing.T, s *sqlite.Store, h *postgres.Hub) int64 {
	t.Helper()
	id, err := h.ID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n, err := PullCursor(context.Background(), s, id)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// foreignKeysHold runs SQLite's foreign_key_check on the database file.
func foreignKeysHold(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if rows.Next() {
		t.Fatal("a row names a parent the database does not hold")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// TestKilledPullBetweenBatchesResumes kills a pulling process once its
// second batch of visits is being read: the database passes the store's
// check with every foreign key holding, holds the batches applied so far
// and no cursor; after another device pushed one more change, the next
// pull completes to exactly what a device pulling all at once holds.
func TestKilledPullBetweenBatchesResumes(t *testing.T) {
	ctx := context.Background()
	d := newBatchDistrict(t)
	path := copyDB(t, d.path)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), pullChildEnv+"=stop|"+path+"|"+d.url)
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
	cmd.Process.Kill()
	cmd.Wait()
	if err != nil || line != "applied\n" {
		t.Fatalf("the child said %q (%v): %s", line, err, stderr.String())
	}

	res, err := sqlite.Check(ctx, path)
	if err != nil || res.Damaged() {
		t.Fatalf("after the kill: %+v, %v", res, err)
	}
	foreignKeysHold(t, path)
	s := openDB(t, path)
	carol := open(t, d.url)
	if c := cursorOf(t, s, carol); c != 0 {
		t.Fatalf("the killed pull saved cursor %d", c)
	}
	held := 3 // its own two and the first batch's
	if d.firstIsOwn {
		held = 2 // the first batch brought b's answer to its own visit
	}
	if n := len(exportAll(t, s).Visits); n != held {
		t.Fatalf("after the kill the device holds %d visits, want %d: its own and the first batch's", n, held)
	}

	cs := exportAll(t, d.a)
	v := cs.Visits[1].Visit
	v.Auditor = "Second auditor"
	if err := d.a.SaveVisit(ctx, &v); err != nil {
		t.Fatal(err)
	}
	mustPush(t, d.a, d.alice)
	rep, err := Pull(ctx, s, carol, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total().Unchanged == 0 {
		t.Errorf("the resumed pull found nothing it held already: %s", rep.Summary())
	}
	one := openDB(t, copyDB(t, d.path))
	if _, err := pullOneShot(ctx, one, carol); err != nil {
		t.Fatal(err)
	}
	want, got := pictureOf(t, one), pictureOf(t, s)
	if got.canonical != want.canonical {
		t.Errorf("the resumed pull: the canonical change sets differ:\n%s", firstDiff(got.canonical, want.canonical))
	}
	if !strings.Contains(got.canonical, "Second auditor") {
		t.Error("the resumed pull lacks the change pushed after the kill")
	}
	if w, err := Count(ctx, s, carol); err != nil || w.ToBring != 0 {
		t.Errorf("after the resumed pull: %+v, %v", w, err)
	}
}

// TestPullSkipsPastThisDevicesOwnRows: after a device pushed and pulled,
// its pull cursor is past its own rows too, so the next pull does not read
// them again (a device that mostly pushes would otherwise rescan all it
// ever sent on every pull), and nothing another device sends later is
// missed.
func TestPullSkipsPastThisDevicesOwnRows(t *testing.T) {
	h := newHub(t)
	a, _ := device(t, "a", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC))
	b, _ := device(t, "b", time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	alice, bob := open(t, h.auditorURL(t, "alice")), open(t, h.auditorURL(t, "bob"))
	walk(t, a, "North", 3)
	mustPush(t, a, alice)
	mustPull(t, a, alice)
	if got, newest := cursorOf(t, a, alice), newestChange(t, h); got != newest {
		t.Fatalf("after pushing and pulling, a's pull cursor is %d; the hub's newest change is %d (a's own)", got, newest)
	}
	walk(t, b, "South", 2)
	mustPush(t, b, bob)
	rep := mustPull(t, a, alice)
	if rep.Parts["visits"] == nil || rep.Parts["visits"].Added != 1 {
		t.Fatalf("a's pull after b pushed a visit: %+v, want the visit added", rep.Parts["visits"])
	}
	mustPull(t, b, bob)
	if !reflect.DeepEqual(pictureOf(t, a), pictureOf(t, b)) {
		t.Fatal("a and b see different district pictures after both pushed and pulled")
	}
}

// newestChange is the last change number the hub handed out.
func newestChange(t *testing.T, h hub) int64 {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), h.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int64
	if err := conn.QueryRow(context.Background(), "SELECT last_value FROM techwalk.change_seq").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
