package sqlite

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"techwalk/audit"
	"techwalk/audit/importer"
	"testing"
)

// ticketFixture makes two findings (hdmi missing, display broken in room
// 101) and returns them by item id.
func ticketFixture(t *testing.T) (*Store, map[string]audit.Finding) {
	t.Helper()
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	v, rooms := fixtureVisit(t, s)
	for item, value := range map[string]string{"hdmi": audit.CheckMissing, "display": audit.CheckBroken} {
		if err := s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: item, Value: value}); err != nil {
			t.Fatal(err)
		}
	}
	return s, findingsByItem(t, s)
}

func findingsByItem(t *testing.T, s *Store) map[string]audit.Finding {
	t.Helper()
	fs, err := s.Findings(context.Background(), audit.FindingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]audit.Finding{}
	for _, f := range fs {
		out[f.ItemID] = f
	}
	return out
}

func withIDs(data []byte, id1, id2 string) []byte {
	return []byte(strings.NewReplacer("{{ID1}}", id1, "{{ID2}}", id2).Replace(string(data)))
}

func TestImportTicketsFromEachTracker(t *testing.T) {
	cases := []struct {
		file           string
		key1, key2     string
		status2        audit.Status
		unknownRowLine int
	}{
		{"jira-export.csv", "IT-101", "IT-102", audit.StatusResolved, 6},
		{"servicenow-export.csv", "INC0010001", "INC0010002", audit.StatusResolved, 4},
		{"azure-export.csv", "4101", "4102", audit.StatusResolved, 4},
		{"github-issues.json", "springfield-usd/it-backlog#12", "springfield-usd/it-backlog#13", audit.StatusResolved, 19},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			s, fs := ticketFixture(t)
			data := withIDs(readTestdata(t, c.file), fs["hdmi"].ID, fs["display"].ID)
			rep, err := s.ImportTickets(context.Background(), c.file, data, importer.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Count(importer.RowMatched) != 2 || rep.Count(importer.RowUnknown) != 1 || !rep.Applied {
				t.Fatalf("%s: %+v", rep.Summary(), rep.Rows)
			}
			if u := rep.Rows[2]; u.Outcome != importer.RowUnknown || u.Line != c.unknownRowLine {
				t.Errorf("unknown row = %+v, want line %d", u, c.unknownRowLine)
			}
			got := findingsByItem(t, s)
			if a := got["hdmi"].Action; a.TicketKey != c.key1 || a.Status != audit.StatusInBacklog {
				t.Errorf("hdmi action = %+v, want %s in backlog", a, c.key1)
			}
			if a := got["display"].Action; a.TicketKey != c.key2 || a.Status != c.status2 {
				t.Errorf("display action = %+v, want %s %s", a, c.key2, c.status2)
			}
			rep, err = s.ImportTickets(context.Background(), c.file, data, importer.ImportOptions{})
			if err != nil || rep.Count(importer.RowUnchanged) != 2 || rep.Count(importer.RowMatched) != 0 {
				t.Errorf("second import: %v %v", rep.Summary(), err)
			}
		})
	}
}

func TestImportTicketsKeepsOwnerAndDueDate(t *testing.T) {
	s, fs := ticketFixture(t)
	ctx := context.Background()
	a := fs["hdmi"].Action
	a.OwnerTeam, a.DueDate = "Field services", "2026-12-01"
	if err := s.SaveAction(ctx, &a); err != nil {
		t.Fatal(err)
	}
	data := []byte("Issue key,Status,External ID\nIT-9,In Progress," + fs["hdmi"].ID + "\n")
	if _, err := s.ImportTickets(ctx, "t.csv", data, importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	got := findingsByItem(t, s)["hdmi"].Action
	if got.OwnerTeam != "Field services" || got.DueDate != "2026-12-01" || got.TicketKey != "IT-9" {
		t.Errorf("action = %+v", got)
	}
}

func TestImportTicketsGroupedIDCoversEveryRoom(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	v, rooms := fixtureVisit(t, s)
	for _, r := range rooms {
		if err := s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: r.ID, ItemID: "hdmi", Value: audit.CheckMissing}); err != nil {
			t.Fatal(err)
		}
	}
	fs, _ := s.Findings(ctx, audit.FindingFilter{})
	if len(fs) != 2 || fs[0].GroupID() != fs[1].GroupID() || fs[0].GroupID() != audit.GroupID(v.SchoolID, "hdmi") {
		t.Fatalf("findings %d, group ids differ", len(fs))
	}
	data := []byte("number,state,correlation_id\nINC1,1," + fs[0].GroupID() + "\n")
	rep, err := s.ImportTickets(ctx, "sn.csv", data, importer.ImportOptions{})
	if err != nil || !strings.Contains(rep.Rows[0].Reason, "2 finding(s)") {
		t.Fatalf("%v %v", rep, err)
	}
	fs, _ = s.Findings(ctx, audit.FindingFilter{Status: audit.StatusInBacklog})
	if len(fs) != 2 || fs[0].Action.TicketKey != "INC1" || fs[1].Action.TicketKey != "INC1" {
		t.Errorf("in backlog: %+v", fs)
	}
}

func TestBadTicketFileChangesNothing(t *testing.T) {
	s, fs := ticketFixture(t)
	ctx := context.Background()
	snapshot := func() string {
		var b strings.Builder
		all, err := s.Findings(ctx, audit.FindingFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range all {
			b.WriteString(f.ID + string(f.Action.Status) + f.Action.TicketKey + "\n")
		}
		return b.String()
	}
	before := snapshot()
	conflict := withIDs(readTestdata(t, "tickets-conflict.csv"), fs["hdmi"].ID, "")
	rep, err := s.ImportTickets(ctx, "tickets-conflict.csv", conflict, importer.ImportOptions{})
	if !errors.Is(err, importer.ErrRejectedRows) || !strings.Contains(err.Error(), "tickets-conflict.csv: line 3") {
		t.Fatalf("err = %v", err)
	}
	if rep.Rows[1].Outcome != importer.RowRejected || !strings.Contains(rep.Rows[1].Reason, `also ticket "IT-201" on line 2`) {
		t.Errorf("row report = %+v", rep.Rows)
	}
	badFiles := map[string][]byte{
		"tickets-no-id.csv": readTestdata(t, "tickets-no-id.csv"),
		"bad-id.csv":        []byte("Issue key,Status,External ID\nIT-1,Done,not-a-uuid\n"),
		"broken.json":       []byte(`[{"number": 1, "state": "open", "body": "x"`),
		"object.json":       []byte(`{"number": 1}`),
	}
	for name, data := range badFiles {
		if _, err := s.ImportTickets(ctx, name, data, importer.ImportOptions{}); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v, want an error naming the file", name, err)
		}
	}
	if snapshot() != before {
		t.Fatal("a bad ticket file changed the findings")
	}
	rep, err = s.ImportTickets(ctx, "tickets-conflict.csv", conflict, importer.ImportOptions{Partial: true})
	if err != nil || findingsByItem(t, s)["hdmi"].Action.TicketKey != "IT-201" {
		t.Errorf("partial: %v %v", rep, err)
	}
}

func TestMapTicketStatus(t *testing.T) {
	cases := map[string]audit.Status{"To Do": audit.StatusInBacklog, "In Progress": audit.StatusInBacklog, "Done": audit.StatusResolved,
		"Closed": audit.StatusResolved, "6": audit.StatusResolved, "8": audit.StatusWontFix, "Won't Do": audit.StatusWontFix, "": audit.StatusInBacklog,
		"not planned": audit.StatusWontFix, "open": audit.StatusInBacklog, "Removed": audit.StatusWontFix, "Duplicate": audit.StatusInBacklog}
	for in, want := range cases {
		if got := importer.MapTicketStatus(in); got != want {
			t.Errorf("MapTicketStatus(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMapTicketOutcome: the reason a closed ticket was closed decides,
// in each tracker's own words; an open ticket is in backlog whatever its
// leftover resolution says.
func TestMapTicketOutcome(t *testing.T) {
	cases := []struct {
		tracker, status, resolution string
		want                        audit.Status
	}{
		{"jira", "Done", "Won't Do", audit.StatusWontFix},
		{"jira", "Done", "Won't Fix", audit.StatusWontFix},
		{"jira", "Done", "Duplicate", audit.StatusInBacklog},
		{"jira", "Done", "Done", audit.StatusResolved},
		{"jira", "Closed", "Cannot Reproduce", audit.StatusWontFix},
		{"jira", "To Do", "Won't Do", audit.StatusInBacklog},
		{"azure", "Closed", "Fixed", audit.StatusResolved},
		{"azure", "Closed", "Won't Fix", audit.StatusWontFix},
		{"azure", "Closed", "Obsolete", audit.StatusWontFix},
		{"azure", "Closed", "Duplicate", audit.StatusInBacklog},
		{"azure", "Removed", "Removed from the backlog", audit.StatusWontFix},
		{"azure", "Active", "Implementation started", audit.StatusInBacklog},
		{"servicenow", "7", "Solved (Permanently)", audit.StatusResolved},
		{"servicenow", "7", "Not Solved (Too Costly)", audit.StatusWontFix},
		{"servicenow", "8", "", audit.StatusWontFix},
		{"servicenow", "3", "", audit.StatusInBacklog},
		{"github", "closed", "completed", audit.StatusResolved},
		{"github", "closed", "not planned", audit.StatusWontFix},
		{"github", "closed", "duplicate", audit.StatusInBacklog},
		{"github", "open", "reopened", audit.StatusInBacklog},
	}
	for _, c := range cases {
		if got := importer.MapTicketOutcome(c.status, c.resolution); got != c.want {
			t.Errorf("%s %q resolved as %q = %q, want %q", c.tracker, c.status, c.resolution, got, c.want)
		}
	}
}

// TestTicketIDIsReadFromOnePlaceOnly: a note quoting another finding's id
// before the real one never redirects the ticket, in any format.
func TestTicketIDIsReadFromOnePlaceOnly(t *testing.T) {
	s, fs := ticketFixture(t)
	hdmi, display := fs["hdmi"].ID, fs["display"].ID
	files := map[string]string{
		"jira.csv": "Issue key,Status,Description,External ID\nIT-1,To Do,\"Note: Same cause as TechWalk ID: " + display + "\nTechWalk ID: " + display + "\"," + hdmi + "\n",
		"azure.csv": "ID,State,Description\n7,Active,\"<p><b>Note:</b> Same cause as TechWalk ID: " + display + " &lt;b&gt;TechWalk ID:&lt;/b&gt; " + display +
			"</p><p><b>TechWalk ID:</b> " + hdmi + " (TW-1)</p>\"\n",
		"github.json": `[{"number": 1, "state": "open", "body": "**Note:** Same cause as TechWalk ID: ` + display + ` &lt;!-- techwalk-id: ` + display +
			` -->\n\n**TechWalk ID:** ` + display + `\n\n<!-- techwalk-id: ` + hdmi + ` -->"}]`,
		"sn.csv": "number,state,description,correlation_id\nINC1,2,TechWalk ID: " + display + "," + hdmi + "\n",
	}
	for name, data := range files {
		rows, err := importer.ParseTickets(name, []byte(data))
		if err != nil || len(rows) != 1 {
			t.Fatalf("%s: %v %+v", name, err, rows)
		}
		if rows[0].FindingID != hdmi || rows[0].Problem != "" {
			t.Errorf("%s: id %q (%s), want the hdmi finding %s from the one id place", name, rows[0].FindingID, rows[0].Problem, hdmi)
		}
	}
	if _, err := s.ImportTickets(context.Background(), "jira.csv", []byte(files["jira.csv"]), importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	got := findingsByItem(t, s)
	if got["hdmi"].Action.TicketKey != "IT-1" || got["display"].Action.TicketKey != "" {
		t.Errorf("hdmi %+v, display %+v", got["hdmi"].Action, got["display"].Action)
	}
}

func TestNoMatchedTicketIsAnError(t *testing.T) {
	s, _ := ticketFixture(t)
	for name, data := range map[string]string{
		"other-db.csv": "Issue key,Status,External ID\nIT-1,Done,0b8a3c1e-5f7d-4c2a-9e6b-1d2f3a4b5c6d\nIT-2,Done,\n",
		"header.csv":   "Issue key,Status,External ID\n",
	} {
		rep, err := s.ImportTickets(context.Background(), name, []byte(data), importer.ImportOptions{})
		if !errors.Is(err, importer.ErrNoTicketMatched) || !strings.HasPrefix(err.Error(), name+": ") || rep.Applied {
			t.Errorf("%s: err = %v, want ErrNoTicketMatched naming the file", name, err)
		}
	}
}

func TestTicketFilesOverTheLimitAreRefused(t *testing.T) {
	big := bytes.Repeat([]byte(" "), importer.MaxImportBytes)
	for name, head := range map[string]string{"issues.json": "[", "jira.csv": "Issue key,Status\n"} {
		_, err := importer.ParseTickets(name, append([]byte(head), big...))
		if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "MB limit") {
			t.Errorf("%s over the limit: %v", name, err)
		}
	}
}

// TestJiraResolutionsAndNotes: a ticket closed as Won't Do makes its
// finding "won't fix" (not open again), a duplicate stays in backlog, and
// the note quoting the other finding's id changes nothing.
func TestJiraResolutionsAndNotes(t *testing.T) {
	s, fs := ticketFixture(t)
	data := withIDs(readTestdata(t, "tickets-resolution-and-note.csv"), fs["hdmi"].ID, fs["display"].ID)
	if _, err := s.ImportTickets(context.Background(), "jira.csv", data, importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	got := findingsByItem(t, s)
	if a := got["hdmi"].Action; a.TicketKey != "IT-301" || a.Status != audit.StatusWontFix {
		t.Errorf("hdmi action = %+v, want IT-301 won't fix", a)
	}
	if a := got["display"].Action; a.TicketKey != "IT-302" || a.Status != audit.StatusInBacklog {
		t.Errorf("display action = %+v, want IT-302 in backlog", a)
	}
}
