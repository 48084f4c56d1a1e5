package postgres

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/postgres/pgtest"
)

// district is a hub with two schools walked by auditor alice's device, an
// auditor bob with a device of his own, and reader pat for the first school.
type district struct {
	admin, alice, bob, pat *Hub
}

// as creates a login named from prefix with role and opens the hub at
// dbURL as it.
func as(t *testing.T, srv *pgtest.Server, dbURL, prefix, role string) *Hub {
	t.Helper()
	login, password := srv.NewLogin(t, prefix, role)
	u, _ := url.Parse(dbURL)
	return openHub(t, srv.UserURL(login, password, strings.TrimPrefix(u.Path, "/")))
}

func newDistrict(t *testing.T) district {
	t.Helper()
	ctx := context.Background()
	srv, dbURL := initHub(t)
	d := district{admin: openHub(t, dbURL)}
	d.alice = as(t, srv, dbURL, "alice", "techwalk_auditor")
	d.bob = as(t, srv, dbURL, "bob", "techwalk_auditor")
	d.pat = as(t, srv, dbURL, "pat", "techwalk_reader")
	for _, reg := range []struct {
		h  *Hub
		id string
	}{{d.alice, "dev-a"}, {d.bob, "dev-b"}} {
		if err := reg.h.RegisterDevice(ctx, reg.id); err != nil {
			t.Fatal(err)
		}
	}
	for _, school := range []string{"s1", "s2"} {
		walkSchool(t, d.alice, "dev-a", school)
	}
	mustExec(t, d.admin, "INSERT INTO techwalk.reader_schools(login, school_id) VALUES ($1, 's1')", d.pat.login(t))
	return d
}

// login is the role the hub is connected as.
func (h *Hub) login(t *testing.T) string {
	t.Helper()
	var name string
	if err := h.pool.QueryRow(context.Background(), "SELECT current_user").Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

// walkSchool writes, as device, a school with one room and a visit that
// answered one item, with feedback, a photo and an action on the finding.
func walkSchool(t *testing.T, h *Hub, device, school string) {
	t.Helper()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	room, visit, answer := school+"-r1", school+"-v1", school+"-a1"
	mustExec(t, h, `INSERT INTO techwalk.templates(id, version, device, name, body, created_at, updated_at)
		VALUES ('k12', '1', $1, 'K-12', '{}', $2, $2) ON CONFLICT DO NOTHING`, device, now)
	mustExec(t, h, `INSERT INTO techwalk.schools(id, device, name, created_at, updated_at) VALUES ($1, $2, $1, $3, $3)`, school, device, now)
	mustExec(t, h, `INSERT INTO techwalk.rooms(id, device, school_id, number, kind, created_at, updated_at)
		VALUES ($1, $2, $3, '214', 'classroom', $4, $4)`, room, device, school, now)
	mustExec(t, h, `INSERT INTO techwalk.visits(id, device, school_id, template_id, template_version, started_at, created_at, updated_at)
		VALUES ($1, $2, $3, 'k12', '1', $4, $4, $4)`, visit, device, school, now)
	mustExec(t, h, `INSERT INTO techwalk.answers(id, device, visit_id, room_id, item_id, value, created_at, updated_at)
		VALUES ($1, $2, $3, $4, 'hdmi', 'missing', $5, $5)`, answer, device, visit, room, now)
	mustExec(t, h, `INSERT INTO techwalk.feedback(id, device, visit_id, room_id, supports_teaching, created_at, updated_at)
		VALUES ($1, $2, $3, $4, 4, $5, $5)`, school+"-f1", device, visit, room, now)
	mustExec(t, h, `INSERT INTO techwalk.photos(id, device, visit_id, room_id, mime, width, height, sha256, data, created_at, updated_at)
		VALUES ($1, $2, $3, $4, 'image/jpeg', 1, 1, 'abc', '\xff', $5, $5)`, school+"-p1", device, visit, room, now)
	mustExec(t, h, `INSERT INTO techwalk.visit_rooms(visit_id, room_id, device, done, updated_at) VALUES ($1, $2, $3, true, $4)`, visit, room, device, now)
	mustExec(t, h, `INSERT INTO techwalk.finding_actions(finding_id, device, owner_team, updated_at) VALUES ($1, $2, 'Field services', $3)`, answer, device, now)
	// A settling, on a hub whose schema has the table (a migration test
	// walks a hub of an older schema).
	var has bool
	if err := h.pool.QueryRow(context.Background(), "SELECT to_regclass('techwalk.conflicts') IS NOT NULL").Scan(&has); err != nil {
		t.Fatal(err)
	}
	if !has {
		return
	}
	mustExec(t, h, `INSERT INTO techwalk.conflicts(visit_id, room_id, item_id, version_hlc, device, value, made_by, hlc)
		VALUES ($1, $2, 'hdmi', '001793606400000-0000000000-dev-x', $3, 'ok', 'dev-x', '001793606400009-0000000000-' || $3)`, visit, room, device)
}

func mustExec(t *testing.T, h *Hub, sql string, args ...any) {
	t.Helper()
	if _, err := h.exec(context.Background(), sql, args...); err != nil {
		t.Fatal(err)
	}
}

// exec runs one statement and returns how many rows it changed.
func (h *Hub) exec(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := h.pool.Exec(ctx, sql, args...)
	return tag.RowsAffected(), h.wrap(err)
}

// ids lists the ids of a table the hub's login can read.
func ids(t *testing.T, h *Hub, table, column string) []string {
	t.Helper()
	rows, err := h.pool.Query(context.Background(), "SELECT "+column+" FROM techwalk."+table+" ORDER BY 1")
	if err != nil {
		t.Fatal(h.wrap(err))
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(h.wrap(err))
	}
	return out
}

func answerValue(t *testing.T, h *Hub, id, device string) string {
	t.Helper()
	var v string
	if err := h.pool.QueryRow(context.Background(), "SELECT value FROM techwalk.answers WHERE id = $1 AND device = $2", id, device).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestAuditorCannotChangeAnotherDevicesAnswers(t *testing.T) {
	ctx := context.Background()
	d := newDistrict(t)
	if err := d.bob.RegisterDevice(ctx, "dev-a"); !errors.Is(err, audit.ErrHubDeviceTaken) || !errors.Is(err, audit.ErrHubDenied) ||
		!strings.Contains(err.Error(), "UPDATE techwalk.devices SET login = '"+d.bob.login(t)+"' WHERE id = 'dev-a'") {
		t.Fatalf("bob registering alice's device: %v, want ErrHubDeviceTaken saying how to move the device", err)
	}
	for _, sql := range []string{
		"UPDATE techwalk.answers SET value = 'ok' WHERE id = 's1-a1'",
		"UPDATE techwalk.answers SET device = 'dev-b' WHERE id = 's1-a1'",
		"UPDATE techwalk.finding_actions SET status = 'resolved' WHERE finding_id = 's1-a1'",
		"UPDATE techwalk.schools SET name = 'Renamed' WHERE id = 's1'",
	} {
		n, err := d.bob.exec(ctx, sql)
		if err != nil || n != 0 {
			t.Errorf("bob: %s changed %d rows (%v); want none", sql, n, err)
		}
	}
	denied := []string{
		`INSERT INTO techwalk.answers(id, device, visit_id, room_id, item_id, value, created_at, updated_at)
			VALUES ('s1-a2', 'dev-a', 's1-v1', 's1-r1', 'projector', 'broken', now(), now())`,
		`INSERT INTO techwalk.answers(id, device, visit_id, room_id, item_id, value, created_at, updated_at)
			VALUES ('s1-a3', 'dev-unregistered', 's1-v1', 's1-r1', 'projector', 'broken', now(), now())`,
		"DELETE FROM techwalk.answers WHERE id = 's1-a1'",
		"INSERT INTO techwalk.devices(id, login) VALUES ('dev-c', 'someone_else')",
	}
	for _, sql := range denied {
		if _, err := d.bob.exec(ctx, sql); !errors.Is(err, audit.ErrHubDenied) {
			t.Errorf("bob: %s: %v, want ErrHubDenied", sql, err)
		}
	}
	if v := answerValue(t, d.admin, "s1-a1", "dev-a"); v != "missing" {
		t.Fatalf("alice's answer is now %q", v)
	}

	// Bob's own version of the same answer, and his edits of it, are his to make.
	mustExec(t, d.bob, `INSERT INTO techwalk.answers(id, device, visit_id, room_id, item_id, value, created_at, updated_at)
		VALUES ('s1-a1', 'dev-b', 's1-v1', 's1-r1', 'hdmi', 'ok', now(), now())`)
	if n, err := d.bob.exec(ctx, "UPDATE techwalk.answers SET note = 'adapter found' WHERE id = 's1-a1'"); err != nil || n != 1 {
		t.Fatalf("bob editing his own answer changed %d rows (%v)", n, err)
	}
	if _, err := d.bob.exec(ctx, "UPDATE techwalk.answers SET device = 'dev-a' WHERE device = 'dev-b'"); !errors.Is(err, audit.ErrHubDenied) {
		t.Fatalf("bob handing his row to alice's device: %v, want ErrHubDenied", err)
	}
	if got := ids(t, d.alice, "answers", "device || ':' || value"); !slices.Equal(got, []string{"dev-a:missing", "dev-a:missing", "dev-b:ok"}) {
		t.Fatalf("alice reads the answers %v", got)
	}
}

func TestReaderSeesOnlyTheirSchool(t *testing.T) {
	d := newDistrict(t)
	for _, c := range []struct {
		table, column string
		want          []string
	}{
		{"schools", "id", []string{"s1"}},
		{"rooms", "id", []string{"s1-r1"}},
		{"visits", "id", []string{"s1-v1"}},
		{"answers", "id", []string{"s1-a1"}},
		{"feedback", "id", []string{"s1-f1"}},
		{"photos", "id", []string{"s1-p1"}},
		{"visit_rooms", "room_id", []string{"s1-r1"}},
		{"finding_actions", "finding_id", []string{"s1-a1"}},
		{"conflicts", "visit_id", []string{"s1-v1"}},
		{"templates", "id", []string{"k12"}},
	} {
		if got := ids(t, d.pat, c.table, c.column); !slices.Equal(got, c.want) {
			t.Errorf("the reader of s1 reads %s %v, want %v", c.table, got, c.want)
		}
		if got := ids(t, d.alice, c.table, c.column); len(got) < len(c.want) || (c.table != "templates" && len(got) != 2) {
			t.Errorf("auditor alice reads %s %v, want both schools'", c.table, got)
		}
	}
	if _, err := d.pat.pool.Exec(context.Background(), "SELECT count(*) FROM techwalk.devices"); !errors.Is(classify(err), audit.ErrHubDenied) {
		t.Errorf("the reader reads the device list: %v", err)
	}
	st, err := d.pat.Status(context.Background())
	if err != nil || !slices.Equal(st.Roles, []string{"reader"}) {
		t.Fatalf("reader's status %+v, %v", st, err)
	}
}

func TestReaderCannotWrite(t *testing.T) {
	ctx := context.Background()
	d := newDistrict(t)
	for _, sql := range []string{
		"UPDATE techwalk.answers SET value = 'ok' WHERE id = 's1-a1'",
		"UPDATE techwalk.finding_actions SET status = 'resolved'",
		`INSERT INTO techwalk.answers(id, device, visit_id, room_id, item_id, value, created_at, updated_at)
			VALUES ('x', 'dev-a', 's1-v1', 's1-r1', 'projector', 'ok', now(), now())`,
		"INSERT INTO techwalk.reader_schools(login, school_id) VALUES (current_user, 's2')",
		"INSERT INTO techwalk.devices(id) VALUES ('dev-p')",
		"DELETE FROM techwalk.schools",
	} {
		if _, err := d.pat.exec(ctx, sql); !errors.Is(err, audit.ErrHubDenied) {
			t.Errorf("reader: %s: %v, want ErrHubDenied", sql, err)
		}
	}
	if got := ids(t, d.admin, "answers", "value"); !slices.Equal(got, []string{"missing", "missing"}) {
		t.Fatalf("answers after the reader's attempts: %v", got)
	}
}

// TestAuditorCannotChangeAnotherDevicesSyncRows: the clocks and change
// numbers of schema 2, its status history and its record of pushed change
// sets are as closed to another device's login as the rows themselves;
// and a change set another login records under alice's change set's id
// does not stop alice's push.
func TestAuditorCannotChangeAnotherDevicesSyncRows(t *testing.T) {
	ctx := context.Background()
	d := newDistrict(t)
	for _, sql := range []string{
		"UPDATE techwalk.answers SET hlc = '999999999999999-0000000000-dev-b', seq = 0 WHERE device = 'dev-a'",
		"UPDATE techwalk.finding_actions SET status_hlc = '999999999999999-0000000000-dev-b' WHERE device = 'dev-a'",
	} {
		if n, err := d.bob.exec(ctx, sql); err != nil || n != 0 {
			t.Errorf("bob: %s changed %d rows (%v); want none", sql, n, err)
		}
	}
	for _, sql := range []string{
		"INSERT INTO techwalk.change_sets(id, device) VALUES ('x', 'dev-a')",
		"INSERT INTO techwalk.status_history(finding_id, device, status, hlc) VALUES ('s1-a1', 'dev-a', 'resolved', 'h')",
		"UPDATE techwalk.change_sets SET counts = '{}'",
		"DELETE FROM techwalk.change_sets",
	} {
		if _, err := d.bob.exec(ctx, sql); !errors.Is(err, audit.ErrHubDenied) {
			t.Errorf("bob: %s: %v, want ErrHubDenied", sql, err)
		}
	}

	at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	clock := audit.HLC{Wall: at.UnixMilli(), Device: "dev-a"}
	cs := &audit.ChangeSet{Schools: []audit.SchoolChange{{School: audit.School{Record: audit.Record{ID: "s3", CreatedAt: at, UpdatedAt: at,
		Device: "dev-a"}, Name: "West"}, Clock: clock}}}
	id := ChangeSetID("dev-a", audit.HLC{}, cs)
	mustExec(t, d.bob, "INSERT INTO techwalk.change_sets(id, device) VALUES ($1, 'dev-b')", id)
	rep, err := d.alice.Push(ctx, "dev-a", audit.HLC{}, cs, nil)
	if err != nil || rep.AlreadyPushed || rep.Merged["schools"] != 1 {
		t.Fatalf("alice's push after bob took its id: %+v, %v", rep, err)
	}
	if _, err := d.bob.Push(ctx, "dev-a", audit.HLC{Wall: 1, Device: "dev-a"}, cs, nil); !errors.Is(err, audit.ErrHubDenied) {
		t.Fatalf("bob pushing as dev-a: %v, want ErrHubDenied", err)
	}
}

// TestAuditorCannotChangeAnotherDevicesConflicts: a device's settlings are
// as closed to another login as its other rows: bob can neither change,
// remove nor add alice's device's settlings, nor hand his own to her
// device; his own device's settling of the same version is his to add.
func TestAuditorCannotChangeAnotherDevicesConflicts(t *testing.T) {
	ctx := context.Background()
	d := newDistrict(t)
	for _, sql := range []string{
		"UPDATE techwalk.conflicts SET value = 'broken', seq = 0 WHERE device = 'dev-a'",
		"UPDATE techwalk.conflicts SET device = 'dev-b' WHERE device = 'dev-a'",
	} {
		if n, err := d.bob.exec(ctx, sql); err != nil || n != 0 {
			t.Errorf("bob: %s changed %d rows (%v); want none", sql, n, err)
		}
	}
	for _, sql := range []string{
		`INSERT INTO techwalk.conflicts(visit_id, room_id, item_id, version_hlc, device, value, made_by, hlc)
			VALUES ('s1-v1', 's1-r1', 'projector', '001793606400000-0000000000-dev-x', 'dev-a', 'ok', 'dev-x', '001793606400010-0000000000-dev-a')`,
		"DELETE FROM techwalk.conflicts WHERE device = 'dev-a'",
	} {
		if _, err := d.bob.exec(ctx, sql); !errors.Is(err, audit.ErrHubDenied) {
			t.Errorf("bob: %s: %v, want ErrHubDenied", sql, err)
		}
	}
	mustExec(t, d.bob, `INSERT INTO techwalk.conflicts(visit_id, room_id, item_id, version_hlc, device, value, made_by, hlc)
		VALUES ('s1-v1', 's1-r1', 'hdmi', '001793606400000-0000000000-dev-x', 'dev-b', 'ok', 'dev-x', '001793606400011-0000000000-dev-b')`)
	if _, err := d.bob.exec(ctx, "UPDATE techwalk.conflicts SET device = 'dev-a' WHERE device = 'dev-b'"); !errors.Is(err, audit.ErrHubDenied) {
		t.Fatalf("bob handing his settling to alice's device: %v, want ErrHubDenied", err)
	}
	if got := ids(t, d.alice, "conflicts", "device || ':' || visit_id || ':' || value"); !slices.Equal(got, []string{"dev-a:s1-v1:ok", "dev-a:s2-v1:ok", "dev-b:s1-v1:ok"}) {
		t.Fatalf("alice reads the settlings %v", got)
	}
	if _, err := d.pat.exec(ctx, "UPDATE techwalk.conflicts SET value = 'broken'"); !errors.Is(err, audit.ErrHubDenied) {
		t.Errorf("the reader changing settlings: %v, want ErrHubDenied", err)
	}
}
