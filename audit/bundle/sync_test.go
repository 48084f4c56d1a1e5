package bundle_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/bundle"
	"techwalk/audit/sqlite"
	"techwalk/report/pdf"
)

var day = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

// device is one laptop or tablet: its own database file and clock.
type device struct {
	name  string
	store *sqlite.Store
	dir   string
	at    *time.Time // the device's wall clock, a second later at each reading
}

// wait moves the device's wall clock on by d.
func (d *device) wait(by time.Duration) { *d.at = d.at.Add(by) }

func newDevice(t testing.TB, name string, skew time.Duration) *device {
	t.Helper()
	base, err := os.MkdirTemp("", "techwalk-sync-") // t.TempDir's name holds the seed's '#', which a database path may not
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	dir := filepath.Join(base, name)
	at := day.Add(skew)
	var s *sqlite.Store
	s, err = sqlite.Open(filepath.Join(dir, "techwalk.db"), sqlite.WithClock(func() time.Time {
		at = at.Add(time.Second)
		return at
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &device{name: name, store: s, dir: dir, at: &at}
}

func schemaVersion(t testing.TB) int {
	v, err := sqlite.SchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// export writes a bundle of scope to a real file and returns its path.
func (d *device) export(t testing.TB, scope audit.ExportScope, n int) string {
	t.Helper()
	path := filepath.Join(d.dir, fmt.Sprintf("%s-%d%s", d.name, n, bundle.Extension))
	if _, err := bundle.Export(context.Background(), d.store, scope, "Springfield USD", "test", schemaVersion(t), path); err != nil {
		t.Fatal(err)
	}
	return path
}

func (d *device) importFile(t testing.TB, path string) audit.ApplyReport {
	t.Helper()
	rep, _, err := bundle.Import(context.Background(), d.store, path, schemaVersion(t), false)
	if err != nil {
		t.Fatalf("%s imports %s: %v", d.name, filepath.Base(path), err)
	}
	return rep
}

// canonicalJSON is the device's whole database as canonical JSON.
func (d *device) canonicalJSON(t testing.TB) string {
	t.Helper()
	cs, err := d.store.ExportChangeSet(context.Background(), audit.ExportScope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(cs.Canonical(), "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func sameOnAll(t testing.TB, devices []*device) string {
	t.Helper()
	want := devices[0].canonicalJSON(t)
	for _, d := range devices[1:] {
		if got := d.canonicalJSON(t); got != want {
			t.Fatalf("%s and %s differ:\n%s", devices[0].name, d.name, firstDiff(want, got))
		}
	}
	return want
}

func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			lo := max(0, i-8)
			return fmt.Sprintf("line %d:\n%s\n--- vs ---\n%s", i+1, strings.Join(la[lo:min(len(la), i+3)], "\n"), strings.Join(lb[lo:min(len(lb), i+3)], "\n"))
		}
	}
	return fmt.Sprintf("lengths %d and %d lines", len(la), len(lb))
}

// sharedVisit has the first device start a visit of a school with rooms
// and hand its start to the others by bundle.
func sharedVisit(t testing.TB, devices []*device) (audit.Visit, []audit.Room) {
	t.Helper()
	ctx := context.Background()
	a := devices[0].store
	tpl, err := a.LatestTemplate(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	sc := audit.School{Name: "Lincoln Elementary", Code: "060000100001"}
	if err := a.SaveSchool(ctx, &sc); err != nil {
		t.Fatal(err)
	}
	var rooms []audit.Room
	for _, n := range []string{"101", "102", "103", "104"} {
		r := audit.Room{SchoolID: sc.ID, Number: n, Kind: audit.KindClassroom}
		if err := a.SaveRoom(ctx, &r); err != nil {
			t.Fatal(err)
		}
		rooms = append(rooms, r)
	}
	v := audit.Visit{SchoolID: sc.ID, TemplateID: tpl.ID, TemplateVersion: tpl.Version, Auditor: "Ana Muñoz"}
	if err := a.StartVisit(ctx, &v); err != nil {
		t.Fatal(err)
	}
	start := devices[0].export(t, audit.ExportScope{VisitIDs: []string{v.ID}}, 0)
	for _, d := range devices[1:] {
		d.importFile(t, start)
	}
	return v, rooms
}

var items = []string{"disp-power", "disp-remote", "cab-hdmi", "cab-usbc"}
var values = []string{audit.CheckOK, audit.CheckMissing, audit.CheckBroken, audit.CheckNA}

func photoBytes(t testing.TB, shade uint8) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 24, 16))
	for x := 0; x < 24; x++ {
		img.Set(x, x%16, color.RGBA{shade, 80, 160, 255})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// play runs a script of edits, exports and imports on three devices (the
// third with its clock a day fast), then hands every device every bundle
// in a shuffled order, some twice, and checks they all hold the same.
func play(t *testing.T, script []byte, seed int64) {
	ctx := context.Background()
	devices := []*device{newDevice(t, "a", 0), newDevice(t, "b", 3*time.Minute), newDevice(t, "c", 24*time.Hour)}
	v, rooms := sharedVisit(t, devices)
	var bundles []string
	if len(script) > 40 {
		script = script[:40]
	}
	for i, op := range script {
		d := devices[int(op)%3]
		room := rooms[int(op>>2)%len(rooms)]
		item := items[int(op>>4)%len(items)]
		switch (op >> 6) % 4 {
		case 0, 1:
			a := audit.Answer{VisitID: v.ID, RoomID: room.ID, ItemID: item, Value: values[(int(op)+i)%len(values)], Note: fmt.Sprintf("%s says %d", d.name, i)}
			if err := d.store.SaveAnswer(ctx, &a); err != nil {
				t.Fatal(err)
			}
			if op&2 != 0 {
				if err := d.store.SaveAction(ctx, &audit.Action{FindingID: a.ID, OwnerTeam: "Team " + d.name, Priority: audit.High}); err != nil {
					t.Fatal(err)
				}
			}
		case 2:
			if op&0x10 != 0 {
				giveFeedback(t, d, v, room, op&0x20 != 0, i)
			}
			bundles = append(bundles, d.export(t, audit.ExportScope{VisitIDs: []string{v.ID}}, i+1))
		case 3:
			if len(bundles) > 0 {
				d.importFile(t, bundles[int(op)%len(bundles)])
			} else if _, err := d.store.AddPhoto(ctx, audit.PhotoInput{VisitID: v.ID, RoomID: room.ID, ItemID: item, Name: "p.jpg", Data: photoBytes(t, op)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, d := range devices {
		bundles = append(bundles, d.export(t, audit.ExportScope{All: true}, 1000+i))
	}
	rng := rand.New(rand.NewSource(seed))
	for _, d := range devices {
		order := append(rng.Perm(len(bundles)), rng.Perm(len(bundles))[:len(bundles)/2]...)
		for _, k := range order {
			d.importFile(t, bundles[k])
		}
	}
	state := sameOnAll(t, devices)
	for _, d := range devices { // the converged state is stable: one more round changes nothing
		path := d.export(t, audit.ExportScope{All: true}, 2000)
		for _, o := range devices {
			if rep := o.importFile(t, path); rep.Total().Added+rep.Total().Updated != 0 {
				t.Fatalf("%s importing %s's converged state changed %+v", o.name, d.name, rep.Total())
			}
		}
	}
	if sameOnAll(t, devices) != state {
		t.Fatal("the state changed after convergence")
	}
}

// giveFeedback has a teacher of room give feedback on the device: a new
// entry, or (edit) a change to the first entry the device holds for the room.
func giveFeedback(t *testing.T, d *device, v audit.Visit, room audit.Room, edit bool, i int) {
	ctx := context.Background()
	f := audit.Feedback{VisitID: v.ID, RoomID: room.ID, TeacherName: fmt.Sprintf("Teacher %s%d", d.name, i)}
	if edit {
		held, err := d.store.Feedback(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range held {
			if h.RoomID == room.ID {
				f = h
				break
			}
		}
	}
	f.SupportsTeaching, f.Inconveniences = 1+i%5, i
	if err := d.store.SaveFeedback(ctx, &f); err != nil {
		t.Fatal(err)
	}
}

// FuzzBundlesConverge: bundles from three devices with overlapping edits
// (answers, actions, photos, teacher feedback),
// imported in any order, any number of times, into any device, leave
// every device with byte-identical canonical exports and the same open conflicts.
func FuzzBundlesConverge(f *testing.F) {
	f.Add([]byte{0x01, 0x02, 0x81, 0x82, 0x40, 0x44, 0x0d, 0x8e, 0x9d, 0xc1, 0x11, 0x12, 0x80, 0xc2, 0x13}, int64(1))
	f.Add([]byte{0x00, 0x01, 0x02, 0x00, 0x01, 0x02, 0x80, 0x81, 0x82}, int64(7))
	f.Add([]byte{0xc0, 0xc1, 0x03, 0x17, 0x2a, 0x80, 0xe1, 0x05, 0x46, 0x81, 0xd2}, int64(42))
	f.Add([]byte{0x90, 0x91, 0xb2, 0xb0, 0xc1, 0xb1, 0x92, 0xc0, 0xb2, 0xc2, 0xb0}, int64(5)) // feedback added and edited
	f.Fuzz(func(t *testing.T, script []byte, seed int64) {
		play(t, script, seed)
	})
}

func TestConflictsAreKeptAndShownTheSameEverywhere(t *testing.T) {
	ctx := context.Background()
	devices := []*device{newDevice(t, "a", 0), newDevice(t, "b", time.Minute)}
	v, rooms := sharedVisit(t, devices)
	a, b := devices[0], devices[1]
	for _, d := range []struct {
		dev   *device
		value string
		note  string
	}{{a, audit.CheckOK, "works"}, {b, audit.CheckBroken, "cracked port"}} {
		if err := d.dev.store.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "cab-hdmi", Value: d.value, Note: d.note}); err != nil {
			t.Fatal(err)
		}
	}
	fromA, fromB := a.export(t, audit.ExportScope{VisitIDs: []string{v.ID}}, 1), b.export(t, audit.ExportScope{VisitIDs: []string{v.ID}}, 1)
	repA, repB := a.importFile(t, fromB), b.importFile(t, fromA)
	if len(repA.Conflicts) != 1 || len(repB.Conflicts) != 1 {
		t.Fatalf("conflicts reported: on a %+v, on b %+v; want one each", repA.Conflicts, repB.Conflicts)
	}
	if repA.Conflicts[0] != repB.Conflicts[0] || repA.Conflicts[0].Value != audit.CheckOK || repA.Conflicts[0].Note != "works" {
		t.Fatalf("the losing answer kept: on a %+v, on b %+v; want a's older 'ok, works' on both", repA.Conflicts[0], repB.Conflicts[0])
	}
	sameOnAll(t, devices)
	answers, err := a.store.Answers(ctx, v.ID)
	if err != nil || len(answers) != 1 || answers[0].Value != audit.CheckBroken {
		t.Fatalf("answers on a after the merge: %+v %v; want one, b's newer 'broken'", answers, err)
	}
}

func TestSplitRoomSharedVisitMergesEitherWay(t *testing.T) {
	ctx := context.Background()
	devices := []*device{newDevice(t, "a", 0), newDevice(t, "b", 2*time.Minute)}
	v, rooms := sharedVisit(t, devices)
	for i, d := range devices {
		for _, r := range rooms[i*2 : i*2+2] {
			for j, item := range items {
				if err := d.store.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: r.ID, ItemID: item, Value: values[(i+j)%3]}); err != nil {
					t.Fatal(err)
				}
			}
			if err := d.store.SetRoomDone(ctx, v.ID, r.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.store.AddPhoto(ctx, audit.PhotoInput{VisitID: v.ID, RoomID: rooms[i*2].ID, ItemID: "cab-hdmi", Name: "p.jpg", Data: photoBytes(t, 10)}); err != nil {
			t.Fatal(err)
		}
	}
	fromA := devices[0].export(t, audit.ExportScope{VisitIDs: []string{v.ID}}, 1)
	fromB := devices[1].export(t, audit.ExportScope{VisitIDs: []string{v.ID}}, 1)
	repB := devices[1].importFile(t, fromA)
	devices[0].importFile(t, fromB)
	if len(repB.Conflicts) != 0 {
		t.Fatalf("rooms walked by one device each made conflicts: %+v", repB.Conflicts)
	}
	sameOnAll(t, devices)
	for _, d := range devices {
		data, err := d.store.LoadVisit(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(data.Answers) != len(rooms)*len(items) || len(data.RoomsDone) != len(rooms) || len(data.Photos) != 2 {
			t.Fatalf("%s: %d answers, %d rooms done, %d photos; want %d, %d, 2", d.name, len(data.Answers), len(data.RoomsDone), len(data.Photos), len(rooms)*len(items), len(rooms))
		}
	}
	scoreA, _ := devices[0].store.LoadVisit(ctx, v.ID)
	scoreB, _ := devices[1].store.LoadVisit(ctx, v.ID)
	if scoreA.Score.Score != scoreB.Score.Score {
		t.Fatalf("scores differ: %v and %v", scoreA.Score.Score, scoreB.Score.Score)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed")
	}
	texts := make([]string, len(devices))
	for i, d := range devices {
		texts[i] = reportText(t, d, v.ID)
	}
	if texts[0] == "" || texts[0] != texts[1] {
		t.Fatalf("the two devices' reports differ:\n%s", firstDiff(texts[0], texts[1]))
	}
}

// reportText writes the visit's PDF report on the device and reads its text back.
func reportText(t *testing.T, d *device, visitID string) string {
	t.Helper()
	ctx := context.Background()
	opt, err := pdf.OptionsFromStore(ctx, d.store)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(d.dir, "report.pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(pdf.Write(ctx, f, d.store, visitID, opt), f.Close()); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestResolvedConflictIsGoneOnEveryDevice(t *testing.T) {
	ctx := context.Background()
	devices := []*device{newDevice(t, "a", 0), newDevice(t, "b", time.Minute)}
	v, rooms := sharedVisit(t, devices)
	a, b := devices[0], devices[1]
	for _, d := range []struct {
		dev         *device
		value, note string
	}{{a, audit.CheckOK, "works"}, {b, audit.CheckBroken, "cracked port"}} {
		if err := d.dev.store.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "cab-hdmi", Value: d.value, Note: d.note}); err != nil {
			t.Fatal(err)
		}
	}
	a.importFile(t, b.export(t, audit.ExportScope{VisitIDs: []string{v.ID}}, 1))
	b.importFile(t, a.export(t, audit.ExportScope{VisitIDs: []string{v.ID}}, 1))
	shown, err := a.store.Conflicts(ctx, v.ID)
	if err != nil || len(shown) != 1 || len(shown[0].Others) != 1 || shown[0].Kept.Value != audit.CheckBroken {
		t.Fatalf("a shows %+v (%v); want one answer kept as broken with one other", shown, err)
	}
	if err := a.store.ResolveConflict(ctx, shown[0].Others[0], audit.KeepBothNotes); err != nil {
		t.Fatal(err)
	}
	b.importFile(t, a.export(t, audit.ExportScope{VisitIDs: []string{v.ID}}, 2))
	a.importFile(t, b.export(t, audit.ExportScope{VisitIDs: []string{v.ID}}, 2))
	for _, d := range devices {
		if left, _ := d.store.Conflicts(ctx, v.ID); len(left) != 0 {
			t.Fatalf("%s still shows %+v", d.name, left)
		}
		answers, _ := d.store.Answers(ctx, v.ID)
		if len(answers) != 1 || answers[0].Value != audit.CheckBroken || answers[0].Note != "cracked port\nworks" {
			t.Fatalf("%s holds %+v; want broken with both notes", d.name, answers)
		}
	}
	sameOnAll(t, devices)
}

func TestSinceBundleCarriesOnlyLaterChangesAndSettledConflicts(t *testing.T) {
	ctx := context.Background()
	devices := []*device{newDevice(t, "a", 0), newDevice(t, "b", time.Minute)}
	v, rooms := sharedVisit(t, devices)
	a, b := devices[0], devices[1]
	for i, d := range devices {
		if err := d.store.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "cab-hdmi", Value: values[i]}); err != nil {
			t.Fatal(err)
		}
	}
	a.importFile(t, b.export(t, audit.ExportScope{VisitIDs: []string{v.ID}}, 1))
	b.importFile(t, a.export(t, audit.ExportScope{VisitIDs: []string{v.ID}}, 1))
	a.wait(48 * time.Hour)
	later := a.store.Now()
	open, _ := a.store.Conflicts(ctx, v.ID)
	if len(open) != 1 {
		t.Fatalf("open conflicts on a: %+v", open)
	}
	if err := a.store.ResolveConflict(ctx, open[0].Others[0], audit.KeepMine); err != nil {
		t.Fatal(err)
	}
	if err := a.store.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[1].ID, ItemID: "cab-usbc", Value: audit.CheckOK}); err != nil {
		t.Fatal(err)
	}
	cs, err := a.store.ExportChangeSet(ctx, audit.ExportScope{VisitIDs: []string{v.ID}, Since: later})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.Answers) != 1 || cs.Answers[0].ItemID != "cab-usbc" {
		t.Fatalf("a --since change set carries answers %+v; want only the later one", cs.Answers)
	}
	b.importFile(t, a.export(t, audit.ExportScope{VisitIDs: []string{v.ID}, Since: later}, 2))
	if left, _ := b.store.Conflicts(ctx, v.ID); len(left) != 0 {
		t.Fatalf("b still shows the conflict a settled: %+v", left)
	}
}
