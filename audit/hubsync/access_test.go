package hubsync

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/postgres"
	"techwalk/audit/sqlite"
)

// loginURL is the URL of a new login member of roles (none for a login
// the DBA has not granted anything), and the login's name.
func (h hub) loginURL(t *testing.T, prefix string, roles ...string) (string, string) {
	t.Helper()
	login, password := h.srv.NewLogin(t, prefix, roles...)
	u, _ := url.Parse(h.url)
	return h.srv.UserURL(login, password, strings.TrimPrefix(u.Path, "/")), login
}

// namesOf lists the schools, visits' schools and answers' visits a device holds.
func namesOf(t *testing.T, s *sqlite.Store) (schools []string, visitSchools, answerVisits map[string]bool) {
	t.Helper()
	cs := exportAll(t, s)
	byID := map[string]string{}
	for _, sc := range cs.Schools {
		schools = append(schools, sc.Name)
		byID[sc.ID] = sc.Name
	}
	slices.Sort(schools)
	visitSchools, answerVisits = map[string]bool{}, map[string]bool{}
	visitOf := map[string]string{}
	for _, v := range cs.Visits {
		visitSchools[byID[v.SchoolID]] = true
		visitOf[v.ID] = byID[v.SchoolID]
	}
	for _, a := range cs.Answers {
		answerVisits[visitOf[a.VisitID]] = true
	}
	return schools, visitSchools, answerVisits
}

// TestReaderPullsOnlyTheirSchools: a principal's read-only login pulls into
// an empty device only the school techwalk.reader_schools gives it, with
// its visits and answers and none of another school's; its push is refused
// as read-only and changes nothing on the hub; its sync pulls only; and the
// device records when it pulled. A login with no TechWalk role is told
// what to grant when it connects.
func TestReaderPullsOnlyTheirSchools(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	a, _ := device(t, "a", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC))
	walk(t, a, "North", 3)
	walk(t, a, "East", 2)
	mustPush(t, a, open(t, h.auditorURL(t, "alice")))
	readerURL, login := h.loginURL(t, "lincoln", "techwalk_reader")
	if err := h.srv.Exec(strings.TrimPrefix(mustURL(t, h.url).Path, "/"),
		"INSERT INTO techwalk.reader_schools(login, school_id) VALUES ($1, $2)", login, schoolOf(t, a, "North")); err != nil {
		t.Fatal(err)
	}
	reader := open(t, readerURL)
	access, err := reader.Access(ctx)
	if err != nil || access.Write || access.Login != login {
		t.Fatalf("the reader's access: %+v, %v", access, err)
	}

	p, _ := device(t, "principal", time.Date(2026, 11, 5, 8, 0, 0, 0, time.UTC))
	rep, err := Bring(ctx, p, reader, nil)
	if err != nil || rep.Total().Added == 0 {
		t.Fatalf("the reader's pull: %v (%s)", err, rep.Summary())
	}
	schools, visits, answers := namesOf(t, p)
	if !slices.Equal(schools, []string{"North"}) || len(visits) != 1 || !visits["North"] || len(answers) != 1 || !answers["North"] {
		t.Fatalf("the reader's device holds schools %v, visits of %v, answers of %v; want North's only", schools, visits, answers)
	}
	if at, err := LastPull(ctx, p, reader.Target()); err != nil || at.IsZero() || at.After(p.Now()) {
		t.Fatalf("last pull recorded as %v, %v", at, err)
	}

	before := h.counts(t)
	walk(t, p, "Principal's own", 1)
	_, err = Push(ctx, p, reader, nil)
	if !errors.Is(err, audit.ErrHubReadOnly) || !strings.Contains(err.Error(), "login "+login+" on hub") ||
		!strings.Contains(err.Error(), "read-only (principal) account") {
		t.Fatalf("the reader's push: %v, want the read-only refusal", err)
	}
	synced, err := Sync(ctx, p, reader, nil, nil)
	if err != nil || synced.Access.Write || synced.Pushed.Changed() != 0 || len(synced.Pushed.Sent) != 0 {
		t.Fatalf("the reader's sync: %+v, %v; want a pull only", synced, err)
	}
	if own := exportOwn(t, p); synced.Unsent != own || own == 0 {
		t.Errorf("the reader's sync counts %d changes made on the device that stay on it; it holds %d", synced.Unsent, own)
	}
	if after := h.counts(t); after != before {
		t.Fatalf("the reader changed the hub: %s -> %s", before, after)
	}

	noRoleURL, nobody := h.loginURL(t, "nobody")
	_, err = postgres.Open(ctx, noRoleURL)
	if !errors.Is(err, audit.ErrHubDenied) || !strings.Contains(err.Error(), "login "+nobody+" is neither") ||
		!strings.Contains(err.Error(), "GRANT techwalk_reader TO "+nobody) {
		t.Fatalf("a login without a role pulling: %v", err)
	}
	if target, err := postgres.TargetOf(readerURL); err != nil || target != reader.Target() {
		t.Fatalf("TargetOf(%s) = %q, %v; the open hub says %q", postgres.Redact(readerURL), target, err, reader.Target())
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// exportOwn counts the rows s made itself.
func exportOwn(t *testing.T, s *sqlite.Store) int {
	t.Helper()
	cs, err := s.ExportChangeSet(context.Background(), audit.ExportScope{All: true, OwnDevice: s.Device()})
	if err != nil {
		t.Fatal(err)
	}
	return rows(cs)
}
