package sqlite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"techwalk/audit"
	"time"
)

// DemoResult says what CreateDemo made.
type DemoResult struct {
	Schools, Rooms, Visits, Answers, Photos, Feedback int
}

type demoSchool struct {
	name, code, address, principal string
	rooms                          []demoRoom
}

type demoRoom struct {
	number, name string
	kind         audit.RoomKind
	teacher      string
}

var demoSchools = []demoSchool{
	{"Lincoln Elementary School", "LES", "1200 Maple Avenue, Springfield", "Dr. Angela Reyes", []demoRoom{
		{"101", "", audit.KindClassroom, "Nguyễn Thị Hoa"}, {"102", "", audit.KindClassroom, "José Muñoz"},
		{"104", "", audit.KindClassroom, "Mary O'Connor"}, {"110", "STEM lab", audit.KindLab, "Aisha Bello"},
		{"115", "Library", audit.KindLibrary, "王芳 (Wang Fang)"}, {"120", "", audit.KindClassroom, "Dmitri Petrov"},
		{"", "Gym", audit.KindGym, "Coach Sam Carter"}, {"", "Main office", audit.KindOffice, ""},
	}},
	{"Washington Middle School", "WMS", "45 Liberty Street, Springfield", "Mr. David Kim", []demoRoom{
		{"201", "", audit.KindClassroom, "Zoë Kowalski"}, {"202", "", audit.KindClassroom, "Łukasz Nowak"},
		{"204", "Science lab", audit.KindLab, "Priya Raman"}, {"210", "", audit.KindClassroom, "Tomás García"},
		{"214", "", audit.KindClassroom, "Li Wei"}, {"220", "Media center", audit.KindLibrary, "Fatima Al-Sayed"},
		{"", "Cafeteria", audit.KindCommon, ""}, {"", "Front office", audit.KindOffice, "Grace Thompson"},
	}},
	{"Roosevelt High School", "RHS", "900 Elm Road, Springfield", "Ms. Sandra Oyelaran", []demoRoom{
		{"A101", "", audit.KindClassroom, "Nguyễn Văn An"}, {"A102", "", audit.KindClassroom, "Chloé Martin"},
		{"A110", "Chemistry lab", audit.KindLab, "Hiroshi Tanaka"}, {"B201", "", audit.KindClassroom, "Olga Ivanova"},
		{"B204", "", audit.KindClassroom, "Marcus Johnson"}, {"C001", "Library", audit.KindLibrary, "Ana Souza"},
		{"", "Gym", audit.KindGym, "Coach Ray Diaz"},
	}},
}

var demoFrustrations = []string{
	"The HDMI adapter walks off every week and I lose ten minutes of my lesson finding one.",
	"Wi-Fi drops at the back of the room, so half the class can't submit work.",
	"When I put in a ticket I never hear back; I'd rather ask the teacher next door.",
	"The projector takes forever to warm up and the remote has been missing since October.",
	"Students' Chromebooks don't charge overnight because the cart is half broken.",
	"Chúng tôi cần micro cho lớp học đông học sinh.",
	"La pizarra digital se desconecta cada vez que alguien cierra la puerta.",
	"投影仪经常没有信号，上课前要花很多时间调试。",
}

// demoTables are the tables a demo district fills, parents first.
var demoTables = []string{"schools", "rooms", "templates", "visits", "answers", "photos", "feedback", "visit_rooms", "actions", "settings"}

// CreateDemo fills the store with a realistic sample district: three
// schools, 23 rooms, a finished visit per school (two for the first, so
// reports can show change), answers with failures, teacher feedback and
// photos. The same seed always makes the same district. It is all or
// nothing: the district is built in a scratch database, then copied in with
// one transaction, so a kill or a full disk leaves the store as it was.
func (s *Store) CreateDemo(ctx context.Context, seed uint64) (DemoResult, error) {
	dir, err := os.MkdirTemp("", "techwalk-demo-*")
	if err != nil {
		return DemoResult{}, err
	}
	defer os.RemoveAll(dir)
	scratch, err := Open(filepath.Join(dir, "demo.db"), WithClock(s.now))
	if err != nil {
		return DemoResult{}, err
	}
	scratch.device = s.device
	if _, err := scratch.w.ExecContext(ctx, "PRAGMA synchronous=OFF"); err != nil { // a scratch file need not survive a crash
		scratch.Close()
		return DemoResult{}, err
	}
	res, err := scratch.buildDemo(ctx, seed)
	if err = errors.Join(err, scratch.Close()); err != nil {
		return DemoResult{}, err
	}
	return res, s.copyIn(ctx, scratch.path)
}

// copyIn adds every row of the demo tables of the TechWalk database at
// path to the store in one transaction; templates the store has are kept.
func (s *Store) copyIn(ctx context.Context, path string) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return saveError(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "ATTACH DATABASE ? AS demo", path); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DETACH DATABASE demo")
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return saveError(err)
	}
	defer tx.Rollback()
	for _, table := range demoTables {
		verb := "INSERT"
		switch table {
		case "templates":
			verb = "INSERT OR IGNORE"
		case "settings":
			verb = "INSERT OR REPLACE"
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("%s INTO main.%s SELECT * FROM demo.%s", verb, table, table)); err != nil {
			return saveError(fmt.Errorf("add the demo's %s: %w", table, err))
		}
	}
	return saveError(tx.Commit())
}

// buildDemo makes the demo district in s, one save at a time.
func (s *Store) buildDemo(ctx context.Context, seed uint64) (DemoResult, error) {
	var res DemoResult
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	t, err := s.LatestTemplate(ctx, "")
	if err != nil {
		return res, err
	}
	if err := s.SetSetting(ctx, SettingDistrict, "Springfield Unified School District"); err != nil {
		return res, err
	}
	base := time.Date(2026, 10, 6, 8, 30, 0, 0, time.UTC)
	for i, ds := range demoSchools {
		school, rooms, err := s.demoSchool(ctx, ds)
		if err != nil {
			return res, err
		}
		res.Schools++
		res.Rooms += len(rooms)
		starts := []time.Time{base.AddDate(0, 0, 7*i)}
		if i == 0 {
			starts = []time.Time{base.AddDate(0, -6, 0), base}
		}
		for k, start := range starts {
			failRate := 0.16 - 0.06*float64(k) // the later visit shows improvement
			if err := s.demoVisit(ctx, rng, t, school, rooms, start, failRate, &res); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

func (s *Store) demoSchool(ctx context.Context, ds demoSchool) (audit.School, []audit.Room, error) {
	school := audit.School{Name: ds.name, Code: ds.code, Address: ds.address, Principal: ds.principal}
	if err := s.SaveSchool(ctx, &school); err != nil {
		return school, nil, err
	}
	var rooms []audit.Room
	for _, dr := range ds.rooms {
		r := audit.Room{SchoolID: school.ID, Number: dr.number, Name: dr.name, Kind: dr.kind, Teacher: dr.teacher}
		if err := s.SaveRoom(ctx, &r); err != nil {
			return school, nil, err
		}
		rooms = append(rooms, r)
	}
	return school, rooms, nil
}

func (s *Store) demoVisit(ctx context.Context, rng *rand.Rand, t *audit.Template, school audit.School, rooms []audit.Room, start time.Time, failRate float64, res *DemoResult) error {
	v := audit.Visit{SchoolID: school.ID, TemplateID: t.ID, TemplateVersion: t.Version, Auditor: "Jordan Lee, CIO",
		People: school.Principal + "; Priya Shah (tech coach)", StartedAt: start}
	if err := s.StartVisit(ctx, &v); err != nil {
		return err
	}
	res.Visits++
	for _, room := range rooms {
		if err := s.demoRoom(ctx, rng, v, room, failRate, res); err != nil {
			return err
		}
	}
	v.FinishedAt = start.Add(time.Duration(len(rooms)*9) * time.Minute)
	return s.SaveVisit(ctx, &v)
}

func (s *Store) demoRoom(ctx context.Context, rng *rand.Rand, v audit.Visit, room audit.Room, failRate float64, res *DemoResult) error {
	t, err := s.visitTemplate(ctx, v.ID)
	if err != nil {
		return err
	}
	photos := 0
	given := map[string]string{} // for show_if: hidden items get no answer
	for _, si := range t.ItemsFor(room.Kind) {
		if !si.Shown(given) {
			continue
		}
		value, failed := demoValue(rng, si.Item, failRate)
		if value == "" {
			continue
		}
		given[si.ID] = value
		a := audit.Answer{VisitID: v.ID, RoomID: room.ID, ItemID: si.ID, Value: value}
		if failed && rng.Float64() < 0.4 {
			a.Note = "Reported by " + firstWord(room.Teacher, "staff") + " as an ongoing problem."
		}
		if err := s.SaveAnswer(ctx, &a); err != nil {
			return fmt.Errorf("demo answer %s: %w", si.ID, err)
		}
		res.Answers++
		if failed && photos < 2 && rng.Float64() < 0.5 {
			if _, err := s.AddPhoto(ctx, audit.PhotoInput{VisitID: v.ID, RoomID: room.ID, ItemID: si.ID, Name: "demo.jpg",
				Caption: si.Label, Data: demoPhoto(rng, room.Label()+" "+si.ID)}); err != nil {
				return err
			}
			photos++
			res.Photos++
		}
	}
	if err := s.SetRoomDone(ctx, v.ID, room.ID, true); err != nil {
		return err
	}
	if room.Teacher == "" || room.Kind == audit.KindOffice {
		return nil
	}
	res.Feedback++
	return s.SaveFeedback(ctx, demoFeedback(rng, v, room, failRate))
}

func demoFeedback(rng *rand.Rand, v audit.Visit, room audit.Room, failRate float64) *audit.Feedback {
	mood := rng.Float64() - failRate
	f := &audit.Feedback{VisitID: v.ID, RoomID: room.ID, TeacherName: room.Teacher,
		SupportsTeaching: clampRating(2 + int(mood*4)), HelpEasy: clampRating(1 + int(mood*5)),
		Inconveniences: rng.IntN(6), ConsentToQuote: rng.Float64() < 0.7,
		Frustration: demoFrustrations[rng.IntN(len(demoFrustrations))]}
	switch {
	case mood > 0.45:
		f.ChooseAgain = audit.ChooseYes
	case mood > 0.2:
		f.ChooseAgain = audit.ChooseUnsure
	default:
		f.ChooseAgain = audit.ChooseNo
	}
	return f
}

func clampRating(n int) int {
	return min(max(n, 1), 5)
}

func firstWord(s, def string) string {
	for i, r := range s {
		if r == ' ' {
			return s[:i]
		}
	}
	if s == "" {
		return def
	}
	return s
}

// demoValue picks a plausible answer for an item; failed says whether it fails.
func demoValue(rng *rand.Rand, it audit.Item, failRate float64) (string, bool) {
	fail := rng.Float64() < failRate
	switch it.Kind {
	case audit.ItemCheck:
		return demoCheck(rng, fail), fail
	case audit.ItemRating:
		if fail && it.PassMin != nil {
			return strconv.Itoa(max(1, int(*it.PassMin)-1)), true
		}
		return strconv.Itoa(3 + rng.IntN(3)), false
	case audit.ItemNumber:
		return demoNumber(rng, it, fail)
	case audit.ItemChoice:
		return demoChoice(rng, it, fail)
	case audit.ItemApps:
		if !fail {
			return audit.EncodeMissingApps(nil), false
		}
		return audit.EncodeMissingApps([]string{it.Apps[rng.IntN(len(it.Apps))]}), true
	case audit.ItemWifi:
		return demoWifi(rng, fail), fail
	case audit.ItemText:
		return "", false
	}
	return "", false
}

func demoCheck(rng *rand.Rand, fail bool) string {
	switch {
	case fail && rng.IntN(2) == 0:
		return audit.CheckMissing
	case fail:
		return audit.CheckBroken
	case rng.Float64() < 0.05:
		return audit.CheckNA
	}
	return audit.CheckOK
}

func demoNumber(rng *rand.Rand, it audit.Item, fail bool) (string, bool) {
	lo, hi := 0.0, 100.0
	if it.PassMin != nil {
		lo = *it.PassMin
	}
	if it.PassMax != nil {
		hi = *it.PassMax
	}
	if fail && it.PassMax != nil {
		return strconv.FormatFloat(float64(int(hi*1.5)+1+rng.IntN(10)), 'f', -1, 64), true
	}
	if fail && it.PassMin != nil {
		return strconv.FormatFloat(float64(int(lo/2)-1), 'f', -1, 64), true
	}
	return strconv.FormatFloat(float64(int(lo+(hi-lo)*rng.Float64()*0.8)), 'f', -1, 64), false
}

func demoChoice(rng *rand.Rand, it audit.Item, fail bool) (string, bool) {
	var pass, bad []string
	for _, o := range it.Options {
		if slices.Contains(it.FailOptions, o) {
			bad = append(bad, o)
		} else {
			pass = append(pass, o)
		}
	}
	if fail && len(bad) > 0 {
		return bad[rng.IntN(len(bad))], true
	}
	if len(pass) == 0 {
		return "", false
	}
	return pass[rng.IntN(len(pass))], false
}

func demoWifi(rng *rand.Rand, fail bool) string {
	signal, latency, down, up := -52-rng.Float64()*12, 8+rng.Float64()*25, 60+rng.Float64()*180, 20+rng.Float64()*60
	if fail {
		signal, latency, down = -72-rng.Float64()*10, 60+rng.Float64()*120, 4+rng.Float64()*15
	}
	round := func(v float64) *float64 { r := float64(int(v*10)) / 10; return &r }
	return audit.WifiReading{SignalDBM: round(signal), LatencyMS: round(latency), DownMbps: round(down), UpMbps: round(up),
		SSID: "SUSD-Staff", Source: "manual"}.Encode()
}

// demoPhoto draws a small stand-in photo: a wall, a screen and a desk in
// colours that depend on the label.
func demoPhoto(rng *rand.Rand, label string) []byte {
	const w, h = 960, 720
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	wall := color.RGBA{uint8(200 + rng.IntN(40)), uint8(195 + rng.IntN(40)), uint8(180 + rng.IntN(40)), 255}
	fill(img, image.Rect(0, 0, w, h), wall)
	fill(img, image.Rect(0, h*2/3, w, h), color.RGBA{120, 90, 60, 255})
	fill(img, image.Rect(w/4, h/8, w*3/4, h/2), color.RGBA{30, 30, 35, 255})
	if len(label)%2 == 0 {
		fill(img, image.Rect(w/4+20, h/8+20, w*3/4-20, h/2-20), color.RGBA{40, 90, 160, 255})
	}
	fill(img, image.Rect(w/2-6, h/2, w/2+6, h*2/3), color.RGBA{20, 20, 20, 255})
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80})
	return buf.Bytes()
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}
