package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"techwalk/audit/postgres"
	"techwalk/audit/postgres/pgtest"
	"techwalk/audit/sqlite"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// deviceDB creates an empty device database and returns its path.
func deviceDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "techwalk.db")
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	return path
}

// pgpass writes a password file for the server's superuser and points
// PGPASSFILE at it.
func pgpass(t *testing.T, srv *pgtest.Server) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "pgpass")
	line := fmt.Sprintf("127.0.0.1:%d:*:%s:%s\n", srv.Port(), pgtest.AdminUser, srv.Password())
	if err := os.WriteFile(file, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PGPASSFILE", file)
}

// TestHubInitThenStatus sets a hub up with a URL that carries the
// password, checks only the URL without it reaches Settings, and reads the
// status through the saved URL with the password from ~/.pgpass.
func TestHubInitThenStatus(t *testing.T) {
	srv, hubURL := pgtest.Database(t)
	db := deviceDB(t)
	t.Setenv(hubEnv, "")
	code, out, errOut := runCLI("hub", "init", "--hub", hubURL, "--db", db)
	if code != 0 {
		t.Fatalf("hub init: %d %s", code, errOut)
	}
	if want := fmt.Sprintf("schema 0 -> %d", postgres.Latest()); !strings.Contains(out, want) || !strings.Contains(out, "techwalk_reader") {
		t.Fatalf("hub init said %q, want %q and the roles", out, want)
	}
	for _, f := range []string{db, db + "-wal"} {
		if b, _ := os.ReadFile(f); strings.Contains(string(b), srv.Password()) {
			t.Fatalf("%s holds the hub password", f)
		}
	}
	store, err := sqlite.OpenReadOnly(db)
	if err != nil {
		t.Fatal(err)
	}
	saved, _ := store.Setting(context.Background(), sqlite.SettingHubURL, "")
	store.Close()
	u, _ := url.Parse(saved)
	if _, has := u.User.Password(); has || u.Host != "127.0.0.1:"+strconv.Itoa(srv.Port()) {
		t.Fatalf("saved hub URL %q", saved)
	}

	if code, out, _ := runCLI("hub", "init", "--hub", hubURL, "--db", db); code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("second hub init: %d %q", code, out)
	}
	pgpass(t, srv)
	code, out, errOut = runCLI("hub", "status", "--db", db, "--json")
	if code != 0 {
		t.Fatalf("hub status from Settings: %d %s", code, errOut)
	}
	var st postgres.Status
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status JSON %q: %v", out, err)
	}
	if st.Version != postgres.Latest() || st.Login != pgtest.AdminUser || len(st.Roles) == 0 || st.Roles[0] != "owner" {
		t.Fatalf("status = %+v", st)
	}
	code, out, _ = runCLI("hub", "status", "--db", db)
	if code != 0 || !strings.Contains(out, "Signed in as "+pgtest.AdminUser+" (owner") || !strings.Contains(out, "schools 0") {
		t.Fatalf("hub status: %d %q", code, out)
	}
}

// TestHubErrorsNameTheProblem: a hub not set up, a wrong password, a
// closed port and a hub from a newer TechWalk each get a message saying
// what to do, never showing the password; TECHWALK_HUB is used without --hub.
func TestHubErrorsNameTheProblem(t *testing.T) {
	srv, hubURL := pgtest.Database(t)
	db := deviceDB(t)
	dbName := strings.TrimPrefix(mustParse(t, hubURL).Path, "/")
	secret := "Wr0ng-secret"
	closed := strings.Replace(hubURL, ":"+strconv.Itoa(srv.Port()), ":1", 1)
	cases := []struct {
		name, hub, want string
	}{
		{"not set up", hubURL, "hub init"},
		{"wrong password", srv.UserURL(pgtest.AdminUser, secret, dbName), "~/.pgpass"},
		{"closed port", strings.Replace(closed, srv.Password(), secret, 1), "keeps working offline"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(hubEnv, c.hub)
			code, _, errOut := runCLI("hub", "status", "--db", db, "--timeout", "20s")
			if code != 1 || !strings.Contains(errOut, c.want) {
				t.Fatalf("hub status: %d %q, want a message with %q", code, errOut, c.want)
			}
			if strings.Contains(errOut, secret) || strings.Contains(errOut, srv.Password()) {
				t.Fatalf("the message shows the password: %q", errOut)
			}
		})
	}
	t.Setenv(hubEnv, hubURL)
	if code, _, errOut := runCLI("hub", "init", "--db", db); code != 0 {
		t.Fatalf("hub init: %s", errOut)
	}
	if err := srv.Exec(dbName, "UPDATE techwalk.hub_schema SET version = version + 1"); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI("hub", "init", "--db", db)
	if code != 1 || !strings.Contains(errOut, "newer TechWalk") || !strings.Contains(errOut, "update TechWalk") {
		t.Fatalf("hub init on a newer hub: %d %q", code, errOut)
	}
}

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestHubPushPullSync walks one device's district (the demo), pushes it,
// syncs it into a second device, and checks what waits each way before and
// after, that nothing shows or stores the password, and the messages when
// the hub is offline and when the login may not write as the device.
func TestHubPushPullSync(t *testing.T) {
	srv, hubURL := pgtest.Database(t)
	a, b := deviceDB(t), deviceDB(t)
	t.Setenv(hubEnv, "")
	if code, _, errOut := runCLI("demo", "--db", a); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	if code, _, errOut := runCLI("hub", "init", "--hub", hubURL, "--db", a); code != 0 {
		t.Fatalf("hub init: %s", errOut)
	}
	var outs []string
	run := func(want string, args ...string) string {
		t.Helper()
		code, out, errOut := runCLI(append(args, "--hub", hubURL)...)
		outs = append(outs, out, errOut)
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("%v: %d %q %q, want %q", args, code, out, errOut, want)
		}
		return out
	}
	run("Waiting: ", "hub", "status", "--db", a)
	if out := run(", 0 changes to bring", "hub", "status", "--db", a); strings.Contains(out, "Waiting: 0 changes to send") {
		t.Fatalf("the demo's device has nothing to send: %q", out)
	}
	run("Pushed to hub", "hub", "push", "--db", a)
	run("Nothing to push", "hub", "push", "--db", a)
	run("Waiting: 0 changes to send, 0 changes to bring", "hub", "status", "--db", a)
	if out := run("Waiting: 0 changes to send", "hub", "status", "--db", b); strings.Contains(out, ", 0 changes to bring") {
		t.Fatalf("the second device has nothing to bring: %q", out)
	}
	sync := run("Pulled from hub", "hub", "sync", "--db", b)
	if !strings.Contains(sync, "Nothing to push") || !strings.Contains(sync, "added ") {
		t.Fatalf("hub sync said %q", sync)
	}
	run("Nothing to pull", "hub", "pull", "--db", b)
	run("Waiting: 0 changes to send, 0 changes to bring", "hub", "status", "--db", b)
	_, schoolsA, _ := runCLI("schools", "--db", a)
	_, schoolsB, _ := runCLI("schools", "--db", b)
	if schoolsA != schoolsB || strings.Count(schoolsB, "\n") != 4 {
		t.Fatalf("the schools differ after sync:\n%s\n---\n%s", schoolsA, schoolsB)
	}
	for _, f := range []string{a, a + "-wal", b, b + "-wal"} {
		if data, _ := os.ReadFile(f); strings.Contains(string(data), srv.Password()) {
			t.Fatalf("%s holds the hub password", f)
		}
	}
	for _, out := range outs {
		if strings.Contains(out, srv.Password()) {
			t.Fatalf("a hub command shows the password: %q", out)
		}
	}

	closed := strings.Replace(hubURL, ":"+strconv.Itoa(srv.Port()), ":1", 1)
	for _, cmd := range []string{"push", "pull", "sync"} {
		code, _, errOut := runCLI("hub", cmd, "--db", a, "--hub", closed, "--timeout", "20s")
		if code != 1 || !strings.Contains(errOut, "cannot be reached") || !strings.Contains(errOut, "saved on this device") || strings.Contains(errOut, srv.Password()) {
			t.Fatalf("hub %s offline: %d %q", cmd, code, errOut)
		}
	}
	login, password := srv.NewLogin(t, "bob", "techwalk_auditor")
	bob := srv.UserURL(login, password, strings.TrimPrefix(mustParse(t, hubURL).Path, "/"))
	code, _, errOut := runCLI("hub", "push", "--db", a, "--hub", bob)
	if code != 1 || !strings.Contains(errOut, "refused this account") || strings.Contains(errOut, password) {
		t.Fatalf("bob pushing the first device's changes: %d %q", code, errOut)
	}
}

// TestDistrictReportPullsFromTheHub: a device that never walked the
// district writes, with --hub, the same district report as the device whose
// work it pulled, the district's name and settings included (they come
// through the hub too); offline it writes nothing and says why.
func TestDistrictReportPullsFromTheHub(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed (poppler-utils)")
	}
	srv, hubURL := pgtest.Database(t)
	a, b := deviceDB(t), deviceDB(t)
	t.Setenv(hubEnv, "")
	for _, args := range [][]string{{"demo", "--db", a}, {"hub", "init", "--hub", hubURL, "--db", a}, {"hub", "push", "--hub", hubURL, "--db", a}} {
		if code, _, errOut := runCLI(args...); code != 0 {
			t.Fatalf("%v: %s", args, errOut)
		}
	}
	dir := t.TempDir()
	pdfA, pdfB := filepath.Join(dir, "a.pdf"), filepath.Join(dir, "b.pdf")
	if code, _, errOut := runCLI("district", "report", "--db", a, "-o", pdfA); code != 0 {
		t.Fatalf("district report on the walking device: %s", errOut)
	}
	code, _, errOut := runCLI("district", "report", "--hub", hubURL, "--db", b, "-o", pdfB)
	if code != 0 || !strings.Contains(errOut, "Pulled from hub") {
		t.Fatalf("district report --hub: %d %q", code, errOut)
	}
	if textA, textB := reportText(t, pdfA), reportText(t, pdfB); textA != textB || !strings.Contains(textB, "Lincoln Elementary") || strings.Contains(textB, "Covers") ||
		!strings.Contains(textB, "Springfield Unified School District") {
		t.Fatalf("the reports differ:\n%s\n---\n%s", textA, textB)
	}
	closed := strings.Replace(hubURL, ":"+strconv.Itoa(srv.Port()), ":1", 1)
	offline := filepath.Join(dir, "offline.pdf")
	code, _, errOut = runCLI("district", "report", "--hub", closed, "--db", b, "-o", offline)
	if _, err := os.Stat(offline); code != 1 || !strings.Contains(errOut, "cannot be reached") || err == nil {
		t.Fatalf("district report with the hub offline: %d %q (file: %v)", code, errOut, err)
	}
}

// generatedAt matches the report's "generated" time, which differs between two runs.
var generatedAt = regexp.MustCompile(`(?m)^\d{1,2} \w+ \d{4}, \d\d:\d\d .*$`)

// reportText is a PDF's text without the time it was generated.
func reportText(t *testing.T, path string) string {
	t.Helper()
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return generatedAt.ReplaceAllString(string(text), "")
}

// TestHubReaderAccount: a principal's read-only login pulls into an empty
// device only its school, and its district report names that school and
// no other; its push is refused with a plain message, exits 1 and changes
// nothing on the hub; its sync pulls only and says so, and its status says
// nothing is sent.
func TestHubReaderAccount(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed (poppler-utils)")
	}
	srv, hubURL := pgtest.Database(t)
	a, b := deviceDB(t), deviceDB(t)
	t.Setenv(hubEnv, "")
	for _, args := range [][]string{{"demo", "--db", a}, {"hub", "init", "--hub", hubURL, "--db", a}, {"hub", "push", "--hub", hubURL, "--db", a}} {
		if code, _, errOut := runCLI(args...); code != 0 {
			t.Fatalf("%v: %s", args, errOut)
		}
	}
	dbName := strings.TrimPrefix(mustParse(t, hubURL).Path, "/")
	login, password := srv.NewLogin(t, "lincoln", "techwalk_reader")
	if err := srv.Exec(dbName, `INSERT INTO techwalk.reader_schools(login, school_id)
		SELECT $1, id FROM techwalk.schools WHERE name = 'Lincoln Elementary School'`, login); err != nil {
		t.Fatal(err)
	}
	reader := srv.UserURL(login, password, dbName)
	counts := func() string {
		t.Helper()
		code, out, errOut := runCLI("hub", "status", "--hub", hubURL, "--db", a, "--json")
		if code != 0 {
			t.Fatalf("hub status: %s", errOut)
		}
		var st postgres.Status
		if err := json.Unmarshal([]byte(out), &st); err != nil {
			t.Fatal(err)
		}
		c, _ := json.Marshal(st.Counts)
		return string(c)
	}
	before := counts()

	code, out, errOut := runCLI("hub", "pull", "--hub", reader, "--db", b)
	if code != 0 || !strings.Contains(out, "Pulled from hub") {
		t.Fatalf("the reader's pull: %d %q %q", code, out, errOut)
	}
	if _, schools, _ := runCLI("schools", "--db", b); !strings.Contains(schools, "Lincoln Elementary School") || strings.Count(schools, "\n") != 2 {
		t.Fatalf("the reader's device lists:\n%s", schools)
	}
	report := filepath.Join(t.TempDir(), "lincoln.pdf")
	if code, _, errOut := runCLI("district", "report", "--hub", reader, "--db", b, "-o", report); code != 0 {
		t.Fatalf("the reader's district report: %s", errOut)
	}
	text := reportText(t, report)
	if !strings.Contains(text, "Lincoln Elementary") {
		t.Fatalf("the reader's district report lacks its school:\n%s", text)
	}
	if !strings.Contains(strings.Join(strings.Fields(text), " "), "Covers only the schools this device's principal account may read on the district hub") {
		t.Errorf("the reader's district report does not say it covers only the login's schools:\n%s", text)
	}
	for _, other := range []string{"Roosevelt", "Washington"} {
		if strings.Contains(text, other) {
			t.Errorf("the reader's district report names %s", other)
		}
	}

	code, out, errOut = runCLI("hub", "push", "--hub", reader, "--db", b)
	if want := "login " + login + " on hub "; code != 1 || !strings.Contains(errOut, want) ||
		!strings.Contains(errOut, "is a read-only (principal) account: it can bring the schools it may read, not send changes") {
		t.Fatalf("the reader's push: %d %q %q", code, out, errOut)
	}
	code, out, errOut = runCLI("hub", "sync", "--hub", reader, "--db", b)
	if code != 0 || !strings.Contains(out, "Read-only account: brought 0 changes; nothing is sent") {
		t.Fatalf("the reader's sync: %d %q %q", code, out, errOut)
	}
	code, out, errOut = runCLI("hub", "status", "--hub", reader, "--db", b)
	if code != 0 || !strings.Contains(out, "nothing is sent from a read-only account") || !strings.Contains(out, "("+"reader)") {
		t.Fatalf("the reader's status: %d %q %q", code, out, errOut)
	}
	if after := counts(); after != before {
		t.Fatalf("the reader changed the hub: %s -> %s", before, after)
	}
	if strings.Contains(out+errOut, password) {
		t.Fatalf("a message shows the reader's password")
	}
}

// TestHubBringsTheDistrictOntoANewDevice: a device joining the district
// has no database yet; hub pull, hub sync and district report --hub make
// it and bring the district, as a bundle import does. A push, with nothing
// to send from a device that does not exist, creates nothing.
func TestHubBringsTheDistrictOntoANewDevice(t *testing.T) {
	_, hubURL := pgtest.Database(t)
	a := deviceDB(t)
	t.Setenv(hubEnv, "")
	for _, args := range [][]string{{"demo", "--db", a}, {"hub", "init", "--hub", hubURL, "--db", a}, {"hub", "push", "--hub", hubURL, "--db", a}} {
		if code, _, errOut := runCLI(args...); code != 0 {
			t.Fatalf("%v: %s", args, errOut)
		}
	}
	dir := t.TempDir()
	for _, args := range [][]string{{"hub", "pull"}, {"hub", "sync"}, {"district", "report", "-o", filepath.Join(dir, "d.pdf")}} {
		db := filepath.Join(dir, args[1]+".db")
		if code, _, errOut := runCLI(append(args, "--hub", hubURL, "--db", db)...); code != 0 {
			t.Fatalf("%v onto a new device: exit %d, %s", args, code, errOut)
		}
		code, out, errOut := runCLI("schools", "--db", db)
		if code != 0 || !strings.Contains(out, "Lincoln Elementary School") {
			t.Fatalf("%v onto a new device: its schools are %q (%s)", args, out, errOut)
		}
		if args[0] != "hub" {
			continue
		}
		store, err := sqlite.OpenReadOnly(db)
		if err != nil {
			t.Fatal(err)
		}
		saved, _ := store.Setting(context.Background(), sqlite.SettingHubURL, "")
		store.Close()
		if want, _ := postgres.SaveableURL(hubURL); saved != want || saved == "" {
			t.Errorf("%v onto a new device saved the hub %q in Settings, want %q (for the app's Sync)", args, saved, want)
		}
	}
	db := filepath.Join(dir, "push.db")
	if code, _, errOut := runCLI("hub", "push", "--hub", hubURL, "--db", db); code == 0 || !strings.Contains(errOut, "does not exist") {
		t.Fatalf("hub push from a device with no database: exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(db); err == nil {
		t.Fatal("hub push created a database")
	}
}
