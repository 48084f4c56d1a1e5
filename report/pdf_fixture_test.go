package report

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

func floatPtr(v float64) *float64 { return &v }

// fixtureTemplate is a small checklist with a check, an apps and a Wi-Fi item.
func fixtureTemplate() *audit.Template {
	return &audit.Template{ID: "fixture", Name: "Fixture checklist", Version: "2.1",
		Feedback: audit.FeedbackPrompt{SupportsTeaching: "Supports my teaching?", HelpEasy: "Help is easy?",
			ChooseAgain: "Choose IT again?", Inconveniences: "How often held up?", Frustration: "Biggest frustration?", Consent: "Quote you?"},
		Sections: []audit.Section{{ID: "front", Title: "Front of room", Items: []audit.Item{
			{ID: "hdmi", Kind: audit.ItemCheck, Label: "HDMI adapter", Category: "Cables", Severity: audit.High},
			{ID: "display", Kind: audit.ItemCheck, Label: "Display powers on", Category: "Display", Severity: audit.Critical},
			{ID: "pens", Kind: audit.ItemCheck, Label: "Pens present", Category: "Display", Severity: audit.Low},
			{ID: "apps", Kind: audit.ItemApps, Label: "Curriculum apps", Apps: []string{"Clever", "Seesaw"}, Category: "Apps", Severity: audit.Medium},
			{ID: "wifi", Kind: audit.ItemWifi, Label: "Wi-Fi front", Category: "Wi-Fi", Severity: audit.High,
				Wifi: &audit.WifiThresholds{MinSignalDBM: floatPtr(-67), MaxLatencyMS: floatPtr(50), MinDownMbps: floatPtr(25)}},
		}}}}
}

// fixture describes a visit to build.
type fixture struct {
	rooms    int
	photos   int
	previous bool   // add an earlier finished visit
	teacher  string // teacher of the first room
	quote    string // the first room's teacher's quote (with consent)
	longNote bool   // every room fails every item, making tall rows
}

// build stores the fixture and returns the id of the visit to report on.
func (f fixture) build(t testing.TB, s *sqlite.Store) string {
	t.Helper()
	ctx := context.Background()
	must(t, s.SaveTemplate(ctx, fixtureTemplate()))
	sc := audit.School{Name: "Fixture Academy", Address: "1 Test Road"}
	must(t, s.SaveSchool(ctx, &sc))
	rooms := make([]audit.Room, f.rooms)
	for i := range rooms {
		rooms[i] = audit.Room{SchoolID: sc.ID, Number: fmt.Sprintf("R%03d", i+1), Kind: audit.KindClassroom}
		if i == 0 {
			rooms[i].Teacher = f.teacher
		}
		must(t, s.SaveRoom(ctx, &rooms[i]))
	}
	start := time.Date(2026, 9, 14, 8, 0, 0, 0, time.UTC)
	if f.previous {
		f.visit(t, s, sc, rooms, start.AddDate(0, -4, 0), true)
	}
	return f.visit(t, s, sc, rooms, start, false)
}

func (f fixture) visit(t testing.TB, s *sqlite.Store, sc audit.School, rooms []audit.Room, start time.Time, older bool) string {
	t.Helper()
	ctx := context.Background()
	v := audit.Visit{SchoolID: sc.ID, TemplateID: "fixture", TemplateVersion: "2.1", Auditor: "Auditor Person",
		People: "Principal Person", StartedAt: start}
	must(t, s.StartVisit(ctx, &v))
	for i, r := range rooms {
		for item, value := range f.answers(i, older) {
			a := audit.Answer{VisitID: v.ID, RoomID: r.ID, ItemID: item, Value: value}
			if f.longNote {
				a.Note = "Reported by the teacher as an ongoing problem."
			}
			must(t, s.SaveAnswer(ctx, &a))
		}
	}
	if !older {
		f.feedback(t, s, v, rooms[0])
		f.addPhotos(t, s, v, rooms)
	}
	v.FinishedAt = start.Add(2 * time.Hour)
	must(t, s.SaveVisit(ctx, &v))
	return v.ID
}

// answers gives room i's answers: every third room lacks its HDMI adapter.
func (f fixture) answers(i int, older bool) map[string]string {
	wifi := audit.WifiReading{SignalDBM: floatPtr(-58.4), LatencyMS: floatPtr(21), DownMbps: floatPtr(143.6)}
	a := map[string]string{"hdmi": audit.CheckOK, "display": audit.CheckOK, "pens": audit.CheckOK,
		"apps": audit.EncodeMissingApps(nil), "wifi": wifi.Encode()}
	if i%3 == 0 || older {
		a["hdmi"] = audit.CheckMissing
	}
	if f.longNote || i%5 == 1 {
		a["display"], a["pens"] = audit.CheckBroken, audit.CheckMissing
		a["apps"] = audit.EncodeMissingApps([]string{"Seesaw", "Clever"})
		a["wifi"] = audit.WifiReading{SignalDBM: floatPtr(-79), LatencyMS: floatPtr(180), DownMbps: floatPtr(4.2)}.Encode()
	}
	return a
}

func (f fixture) feedback(t testing.TB, s *sqlite.Store, v audit.Visit, room audit.Room) {
	t.Helper()
	if f.teacher == "" {
		return
	}
	fb := audit.Feedback{VisitID: v.ID, RoomID: room.ID, TeacherName: f.teacher, SupportsTeaching: 4, HelpEasy: 2,
		ChooseAgain: audit.ChooseYes, Inconveniences: 3, Frustration: f.quote, ConsentToQuote: true}
	must(t, s.SaveFeedback(context.Background(), &fb))
}

func (f fixture) addPhotos(t testing.TB, s *sqlite.Store, v audit.Visit, rooms []audit.Room) {
	t.Helper()
	for i := 0; i < f.photos; i++ {
		r := rooms[i%len(rooms)]
		_, err := s.AddPhoto(context.Background(), audit.PhotoInput{VisitID: v.ID, RoomID: r.ID, ItemID: "hdmi",
			Name: "p.jpg", Caption: "HDMI adapter", Data: testJPEG(t, 1200, 900, uint8(i*37))})
		must(t, err)
	}
}

// testJPEG makes a w x h JPEG with a gradient, so it compresses like a photo.
func testJPEG(t testing.TB, w, h int, seed uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(x) + seed, uint8(y), uint8(x ^ y), 255})
		}
	}
	var buf bytes.Buffer
	must(t, jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}))
	return buf.Bytes()
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
