package hubsync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/postgres"
	"techwalk/audit/postgres/pgtest"
	"techwalk/audit/sqlite"
	"techwalk/report/backlog"
)

func TestMain(m *testing.M) {
	if spec := os.Getenv(pushChildEnv); spec != "" {
		os.Exit(pushChild(spec))
	}
	if spec := os.Getenv(pullChildEnv); spec != "" {
		os.Exit(pullChild(spec))
	}
	os.Exit(pgtest.Main(m))
}

// hub is a migrated hub database on the shared test server.
type hub struct {
	srv   *pgtest.Server
	url   string // the superuser's URL
	admin *postgres.Hub
}

func newHub(t *testing.T) hub {
	t.Helper()
	srv, dbURL := pgtest.Database(t)
	h := hub{srv: srv, url: dbURL, admin: open(t, dbURL)}
	if _, _, err := h.admin.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return h
}

func open(t *testing.T, url string) *postgres.Hub {
	t.Helper()
	h, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}

// auditorURL is the URL of a new login with the auditor role.
func (h hub) auditorURL(t *testing.T, prefix string) string {
	t.Helper()
	login, password := h.srv.NewLogin(t, prefix, "techwalk_auditor")
	u, _ := url.Parse(h.url)
	return h.srv.UserURL(login, password, strings.TrimPrefix(u.Path, "/"))
}

// counts is how many rows each hub table holds, and the newest change number.
func (h hub) counts(t *testing.T) string {
	t.Helper()
	st, err := h.admin.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(st.Counts)
	return string(b)
}

// device opens a new database file for a device; its clock ticks a
// millisecond a reading from start.
func device(t *testing.T, name string, start time.Time) (*sqlite.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".db")
	at := start
	s, err := sqlite.Open(path, sqlite.WithClock(func() time.Time {
		at = at.Add(time.Millisecond + 7*time.Nanosecond) // nanoseconds, which timestamptz does not keep
		return at
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func checklist() *audit.Template {
	items := make([]audit.Item, 8)
	for i := range items {
		items[i] = audit.Item{ID: fmt.Sprintf("i%d", i), Kind: audit.ItemCheck, Label: fmt.Sprintf("Check %d", i),
			Category: "Display", Severity: audit.High}
	}
	return &audit.Template{ID: "walk", Name: "Walkthrough", Version: "1",
		Feedback: audit.FeedbackPrompt{SupportsTeaching: "Supports?", HelpEasy: "Help?", ChooseAgain: "Again?",
			Inconveniences: "How often?", Frustration: "Frustration?", Consent: "Quote?"},
		Sections: []audit.Section{{ID: "all", Title: "All", Items: items}}}
}

func photo(t *testing.T, shade uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = shade + uint8(i%7)
	}
	img.Set(1, 1, color.RGBA{R: shade, A: 255})
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// walk adds a school with rooms and walks it: a finished visit with every
// item answered (some missing), a teacher's feedback, a photo and a room
// marked done per room. It returns the visit.
func walk(t *testing.T, s *sqlite.Store, school string, rooms int) audit.Visit {
	t.Helper()
	ctx := context.Background()
	tmpl := checklist()
	if err := s.SaveTemplate(ctx, tmpl); err != nil {
		t.Fatal(err)
	}
	sc := audit.School{Name: school, Code: strings.ToUpper(school[:3]), Principal: "Dr. " + school}
	if err := s.SaveSchool(ctx, &sc); err != nil {
		t.Fatal(err)
	}
	v := audit.Visit{SchoolID: sc.ID, TemplateID: tmpl.ID, TemplateVersion: tmpl.Version, Auditor: "auditor of " + school,
		StartedAt: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	if err := s.StartVisit(ctx, &v); err != nil {
		t.Fatal(err)
	}
	for r := 0; r < rooms; r++ {
		room := audit.Room{SchoolID: sc.ID, Number: fmt.Sprintf("%d", 100+r), Kind: audit.KindClassroom, Teacher: fmt.Sprintf("Teacher %d", r)}
		if err := s.SaveRoom(ctx, &room); err != nil {
			t.Fatal(err)
		}
		for i, it := range tmpl.Sections[0].Items {
			value := "ok"
			if (i+r)%3 == 0 {
				value = "missing"
			}
			a := audit.Answer{VisitID: v.ID, RoomID: room.ID, ItemID: it.ID, Value: value}
			if err := s.SaveAnswer(ctx, &a); err != nil {
				t.Fatal(err)
			}
		}
		f := audit.Feedback{VisitID: v.ID, RoomID: room.ID, TeacherName: room.Teacher, SupportsTeaching: 1 + r%5, HelpEasy: 2,
			ChooseAgain: audit.ChooseYes, Inconveniences: r, Frustration: "The projector flickers", ConsentToQuote: true}
		if err := s.SaveFeedback(ctx, &f); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddPhoto(ctx, audit.PhotoInput{VisitID: v.ID, RoomID: room.ID, Caption: "Cart", Name: "cart.jpg", Data: photo(t, uint8(r*20))}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetRoomDone(ctx, v.ID, room.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	done, err := s.FinishVisit(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	return done
}

// picture is what a device shows and writes of the district: the district
// screen's figures, the plain JSON backlog export and the canonical change
// set of everything it holds.
type picture struct{ district, backlog, canonical string }

func pictureOf(t *testing.T, s *sqlite.Store) picture {
	t.Helper()
	ctx := context.Background()
	in, err := s.DistrictInput(ctx, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	d, err := json.MarshalIndent(audit.DistrictPicture(in), "", " ")
	if err != nil {
		t.Fatal(err)
	}
	var bl bytes.Buffer
	if err := backlog.Export(ctx, s, backlog.Options{Format: backlog.FormatJSON, All: true}, &bl); err != nil {
		t.Fatal(err)
	}
	cs, err := s.ExportChangeSet(ctx, audit.ExportScope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	c, err := json.MarshalIndent(cs.Canonical(), "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return picture{string(d), bl.String(), string(c)}
}

func mustPush(t *testing.T, s *sqlite.Store, h *postgres.Hub) postgres.PushReport {
	t.Helper()
	rep, err := Push(context.Background(), s, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func mustPull(t *testing.T, s *sqlite.Store, h *postgres.Hub) audit.ApplyReport {
	t.Helper()
	rep, err := Pull(context.Background(), s, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func TestPushTwiceChangesNothing(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	s, _ := device(t, "a", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC))
	walk(t, s, "North", 3)
	alice := open(t, h.auditorURL(t, "alice"))
	first := mustPush(t, s, alice)
	if first.Changed() == 0 || first.Changed() != sum(first.Sent) {
		t.Fatalf("first push: sent %v, the hub took %v", first.Sent, first.Merged)
	}
	before := h.counts(t)
	if again := mustPush(t, s, alice); sum(again.Sent) != 0 || again.Changed() != 0 {
		t.Fatalf("second push: sent %v, took %v; want nothing", again.Sent, again.Merged)
	}
	// The same change set again (its cursor lost): the hub knows its id.
	cs, err := s.ExportChangeSet(ctx, audit.ExportScope{All: true, OwnDevice: s.Device()})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := alice.Push(ctx, s.Device(), audit.HLC{}, cs, nil)
	if err != nil || !rep.AlreadyPushed || rep.Changed() != 0 {
		t.Fatalf("the same change set again: %+v, %v; want already pushed", rep, err)
	}
	// The same rows under another id: every row is as new as the hub's, so none is taken.
	rep, err = alice.Push(ctx, s.Device(), audit.HLC{Wall: 1, Device: s.Device()}, cs, nil)
	if err != nil || rep.AlreadyPushed || rep.Changed() != 0 || sum(rep.Sent) != sum(first.Sent) {
		t.Fatalf("the same rows again: %+v, %v; want all sent, none taken", rep, err)
	}
	if rep.PhotosKnown != len(cs.Photos) {
		t.Errorf("photos the hub holds were sent again with their bytes: %d of %d known", rep.PhotosKnown, len(cs.Photos))
	}
	if after := h.counts(t); after != before {
		t.Fatalf("pushing again changed the hub: %s -> %s", before, after)
	}
	w, err := Count(ctx, s, alice)
	if err != nil || w.ToSend != 0 || w.ToBring != 0 {
		t.Fatalf("waiting after the push: %+v, %v", w, err)
	}
}

// TestTwoDevicesEndToEnd: two devices each walk part of the district, push
// and pull; then both hold the same district: the same district screen
// figures, the same plain JSON backlog export, byte for byte, and the same
// canonical change set. An action set on one device on the other's
// finding comes across too.
func TestTwoDevicesEndToEnd(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	a, _ := device(t, "a", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC))
	b, _ := device(t, "b", time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC))
	walk(t, a, "North", 3)
	walk(t, a, "East", 2)
	south := walk(t, b, "South", 4)
	alice, bob := open(t, h.auditorURL(t, "alice")), open(t, h.auditorURL(t, "bob"))

	mustPush(t, a, alice)
	mustPush(t, b, bob)
	w, err := Count(ctx, a, alice)
	if err != nil || w.ToSend != 0 || w.ToBring == 0 {
		t.Fatalf("a's waiting after both pushed: %+v, %v; want rows to bring", w, err)
	}
	if rep := mustPull(t, a, alice); rep.Total().Added == 0 {
		t.Fatalf("a's pull added nothing: %s", rep.Summary())
	}
	mustPull(t, b, bob)

	// Bob's device puts one of alice's findings in the backlog.
	findings, err := b.Findings(ctx, audit.FindingFilter{SchoolID: schoolOf(t, b, "North")})
	if err != nil || len(findings) == 0 {
		t.Fatalf("b sees North's findings %d, %v", len(findings), err)
	}
	act := audit.Action{FindingID: findings[0].ID, Status: audit.StatusInBacklog, TicketKey: "IT-42", OwnerTeam: "Field services"}
	if err := b.SaveAction(ctx, &act); err != nil {
		t.Fatal(err)
	}
	mustPush(t, b, bob)
	mustPull(t, a, alice)
	mustPull(t, b, bob)
	for _, s := range []*sqlite.Store{a, b} {
		if w, err := Count(ctx, s, open(t, h.url)); err != nil || w.ToSend != 0 || w.ToBring != 0 {
			t.Fatalf("%s still waits: %+v, %v", s.Device(), w, err)
		}
	}

	pa, pb := pictureOf(t, a), pictureOf(t, b)
	if pa.district != pb.district {
		t.Errorf("the district screens differ:\n%s\n---\n%s", pa.district, pb.district)
	}
	if pa.backlog != pb.backlog {
		t.Errorf("the JSON backlog exports differ:\n%s\n---\n%s", pa.backlog, pb.backlog)
	}
	if pa.canonical != pb.canonical {
		t.Errorf("the canonical change sets differ:\n%s", firstDiff(pa.canonical, pb.canonical))
	}
	for _, want := range []string{"North", "East", "South", "IT-42", south.ID} {
		if !strings.Contains(pa.canonical, want) || !strings.Contains(pa.backlog+pa.district+pa.canonical, want) {
			t.Errorf("the merged district lacks %q", want)
		}
	}
}

func schoolOf(t *testing.T, s *sqlite.Store, name string) string {
	t.Helper()
	cs, err := s.ExportChangeSet(context.Background(), audit.ExportScope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range cs.Schools {
		if sc.Name == name {
			return sc.ID
		}
	}
	t.Fatalf("no school %s", name)
	return ""
}

// firstDiff shows where two texts first differ.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			lo := max(0, i-8)
			return fmt.Sprintf("line %d:\n%s\n---\n%s", i+1, strings.Join(la[lo:min(len(la), i+3)], "\n"), strings.Join(lb[lo:min(len(lb), i+3)], "\n"))
		}
	}
	return fmt.Sprintf("%d lines against %d", len(la), len(lb))
}

// TestAuditorCannotPushAsAnotherDevice: bob's login pushes a change set as
// alice's device; row-level security refuses it, classified as denied, and
// the hub holds nothing of it.
func TestAuditorCannotPushAsAnotherDevice(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	a, _ := device(t, "a", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC))
	walk(t, a, "North", 2)
	alice, bob := open(t, h.auditorURL(t, "alice")), open(t, h.auditorURL(t, "bob"))
	if err := alice.RegisterDevice(ctx, a.Device()); err != nil {
		t.Fatal(err)
	}
	before := h.counts(t)
	cs, err := a.ExportChangeSet(ctx, audit.ExportScope{All: true, OwnDevice: a.Device()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bob.Push(ctx, a.Device(), audit.HLC{}, cs, nil); !errors.Is(err, audit.ErrHubDenied) {
		t.Fatalf("bob pushing as alice's device: %v, want ErrHubDenied", err)
	}
	if _, err := Push(ctx, a, bob, nil); !errors.Is(err, audit.ErrHubDenied) {
		t.Fatalf("bob's login syncing alice's database: %v, want ErrHubDenied", err)
	}
	if after := h.counts(t); after != before {
		t.Fatalf("the refused pushes changed the hub: %s -> %s", before, after)
	}
}

func allOwn(s *sqlite.Store) audit.ExportScope {
	return audit.ExportScope{All: true, OwnDevice: s.Device()}
}

func exportAll(t *testing.T, s *sqlite.Store) *audit.ChangeSet {
	t.Helper()
	cs, err := s.ExportChangeSet(context.Background(), audit.ExportScope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}
