package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

var ctx = context.Background()

func openStore(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// newTestUI opens a window on a real database file in a temp dir.
func newTestUI(t *testing.T) (*ui, *sqlite.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "techwalk.db")
	store := openStore(t, path)
	t.Cleanup(func() { store.Close() })
	u := newUI(test.NewTempApp(t), store)
	u.win.Resize(fyne.NewSize(1024, 768))
	return u, store, path
}

// writePNG writes a real 64x48 PNG and returns its path.
func writePNG(t *testing.T, name string) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := 0; x < 64; x++ {
		for y := 0; y < 48; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// fileReader opens a file the way the file dialog hands it over.
func fileReader(t *testing.T, path string) fyne.URIReadCloser {
	t.Helper()
	rc, err := storage.Reader(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

// answer returns the stored answer of an item in a room.
func answer(t *testing.T, s *sqlite.Store, visitID, roomID, itemID string) audit.Answer {
	t.Helper()
	as, err := s.Answers(ctx, visitID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.RoomID == roomID && a.ItemID == itemID {
			return a
		}
	}
	return audit.Answer{}
}

func row(t *testing.T, c *checklist, itemID string) *itemRow {
	t.Helper()
	r := c.rowFor(itemID)
	if r == nil {
		t.Fatalf("item %s is not on the checklist of room %s", itemID, c.room.Label())
	}
	return r
}

// setUpSchool adds a school and rooms through the school screen.
func setUpSchool(t *testing.T, u *ui, s *sqlite.Store) (audit.School, []audit.Room) {
	t.Helper()
	h := loadedHome(u)
	test.Tap(h.addBtn)
	se := u.school
	test.Type(se.name, "Jefferson Elementary")
	schools, _ := s.Schools(ctx)
	if len(schools) != 1 || schools[0].Name != "Jefferson Elementary" {
		t.Fatalf("schools after typing the name: %+v", schools)
	}
	test.Type(se.roomNumber, "101")
	test.Tap(se.addRoomBtn)
	test.Type(se.roomNumber, "102")
	test.Type(se.roomTeacher, "José Muñoz")
	test.Tap(se.addRoomBtn)
	se.roomKind.SetSelected(string(audit.KindLab))
	test.Type(se.roomNumber, "110")
	test.Tap(se.addRoomBtn)
	rooms, err := s.Rooms(ctx, schools[0].ID)
	if err != nil || len(rooms) != 3 {
		t.Fatalf("rooms: %v %+v", err, rooms)
	}
	if rooms[0].Kind != audit.KindClassroom || rooms[1].Teacher != "José Muñoz" || rooms[2].Kind != audit.KindLab {
		t.Fatalf("rooms not as typed: %+v", rooms)
	}
	if se.roomNumber.Text != "" {
		t.Errorf("the room number was not cleared for the next room: %q", se.roomNumber.Text)
	}
	return schools[0], rooms
}

func TestWholeVisit(t *testing.T) {
	u, s, _ := newTestUI(t)
	school, rooms := setUpSchool(t, u, s)

	h := loadedHome(u)
	test.Tap(homeRowOf(t, h, school.ID).start)
	visits, _ := s.Visits(ctx, sqlite.VisitFilter{SchoolID: school.ID})
	if len(visits) != 1 || visits[0].Finished() || u.visit == nil {
		t.Fatalf("start visit: %+v", visits)
	}
	vid := visits[0].ID
	vs := u.visit
	test.Tap(vs.roomButtons[rooms[0].ID])
	c := vs.checklist
	room := rooms[0].ID

	// check
	test.Tap(row(t, c, "disp-power").choice.button(audit.CheckBroken))
	if a := answer(t, s, vid, room, "disp-power"); a.Value != audit.CheckBroken {
		t.Fatalf("disp-power = %q", a.Value)
	}
	if !strings.HasPrefix(c.saved.Text, "Saved ") {
		t.Errorf("save status says %q", c.saved.Text)
	}
	// number, then a typo that must not be saved
	num := row(t, c, "disp-seconds")
	test.Type(num.number, "45")
	if a := answer(t, s, vid, room, "disp-seconds"); a.Value != "45" {
		t.Fatalf("disp-seconds = %q", a.Value)
	}
	test.Type(num.number, "x")
	if a := answer(t, s, vid, room, "disp-seconds"); a.Value != "45" || !num.problem.Visible() {
		t.Fatalf("a typo was saved or not reported: %q, problem %q", a.Value, num.problem.Text)
	}
	// choice
	test.Tap(row(t, c, "ctx-in-use").choice.button("Room empty"))
	if a := answer(t, s, vid, room, "ctx-in-use"); a.Value != "Room empty" {
		t.Fatalf("ctx-in-use = %q", a.Value)
	}
	// apps: tick what is missing
	apps := row(t, c, "apps-teacher")
	test.Tap(apps.apps["Seesaw"])
	if missing, _ := audit.ParseMissingApps(answer(t, s, vid, room, "apps-teacher").Value); len(missing) != 1 || missing[0] != "Seesaw" {
		t.Fatalf("apps-teacher missing = %v", missing)
	}
	test.Tap(apps.allApps)
	if a := answer(t, s, vid, room, "apps-teacher"); a.Value != "[]" {
		t.Fatalf("all present gave %q", a.Value)
	}
	// wifi typed by hand
	wf := row(t, c, "wifi-front")
	test.Type(wf.wifi.signal, "-75")
	test.Type(wf.wifi.down, "12.5")
	w, err := audit.ParseWifi(answer(t, s, vid, room, "wifi-front").Value)
	if err != nil || w.SignalDBM == nil || *w.SignalDBM != -75 || w.DownMbps == nil || *w.DownMbps != 12.5 || w.Source != "manual" {
		t.Fatalf("wifi-front = %+v %v", w, err)
	}
	// a note
	hdmi := row(t, c, "cab-hdmi")
	test.Tap(hdmi.choice.button(audit.CheckMissing))
	test.Type(hdmi.noteEntry, "adapter in the drawer")
	if a := answer(t, s, vid, room, "cab-hdmi"); a.Value != audit.CheckMissing || a.Note != "adapter in the drawer" {
		t.Fatalf("cab-hdmi = %+v", a)
	}
	// photos: a real PNG, then a file that is not an image
	c.onPhotoFile("saf-photo", fileReader(t, writePNG(t, "station.png")), nil)
	waitForScreens(u)
	photos, _ := s.Photos(ctx, vid)
	if len(photos) != 1 || photos[0].ItemID != "saf-photo" || photos[0].RoomID != room {
		t.Fatalf("photos: %+v", photos)
	}
	if got := row(t, c, "saf-photo").photoBtn.Text; got != "Add photo (1)" {
		t.Errorf("photo button says %q", got)
	}
	bad := filepath.Join(t.TempDir(), "notes.png")
	os.WriteFile(bad, []byte("not an image"), 0o600)
	c.onPhotoFile("", fileReader(t, bad), nil)
	if photos, _ = s.Photos(ctx, vid); len(photos) != 1 {
		t.Fatalf("a non-image was stored: %d photos", len(photos))
	}
	if !strings.Contains(c.saved.Text, "notes.png") {
		t.Errorf("the error does not name the file: %q", c.saved.Text)
	}
	fds, _ := s.Findings(ctx, audit.FindingFilter{VisitID: vid})
	if len(fds) != 4 || !strings.Contains(vs.progress.Text, "all items 6 of") || !strings.HasSuffix(vs.progress.Text, "findings so far 4") {
		t.Errorf("progress: %q", vs.progress.Text)
	}
	// the checks it counts are the coverage the finish screen and the report give
	if score, err := s.ScoreOf(ctx, vid); err != nil || !strings.Contains(vs.progress.Text,
		fmt.Sprintf("checks answered %d of %d", score.Coverage.Answered, score.Coverage.Applicable)) {
		t.Errorf("progress %q does not give the score's coverage %s (%v)", vs.progress.Text, score.Coverage, err)
	}

	// mark done with checks unanswered: it asks, and N/A fills them in
	test.Tap(c.doneBtn)
	if done, _ := s.RoomsDone(ctx, vid); done[room] || c.doneAsk == nil {
		t.Fatal("room 101 with unanswered checks was marked done without asking")
	}
	left := len(c.doneAsk.items)
	test.Tap(dialogButton(t, u, "Mark them N/A"))
	done, _ := s.RoomsDone(ctx, vid)
	if !done[room] {
		t.Fatal("room 101 not marked done")
	}
	c = vs.checklist
	if a := answer(t, s, vid, room, "disp-remote"); a.Value != audit.CheckNA || left < 10 {
		t.Fatalf("after N/A for %d checks, disp-remote = %q", left, a.Value)
	}
	// disp-touch is asked only for an interactive display: hidden, it is not marked.
	if a := answer(t, s, vid, room, "disp-touch"); a.Value != "" {
		t.Errorf("hidden disp-touch was marked %q", a.Value)
	}
	test.Tap(c.nextRoomBtn)
	c = vs.checklist
	if c.room.ID != rooms[1].ID {
		t.Fatalf("next room is %s, want 102", c.room.Label())
	}

	// keyboard: Ctrl+M answers the current check item and moves on
	c.setCurrent(row(t, c, "disp-power").index)
	sc := u.win.Canvas().(fyne.Shortcutable)
	sc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyM, Modifier: fyne.KeyModifierShortcutDefault})
	if a := answer(t, s, vid, rooms[1].ID, "disp-power"); a.Value != audit.CheckMissing {
		t.Fatalf("Ctrl+M gave %q", a.Value)
	}
	if c.current != row(t, c, "disp-power").index+1 {
		t.Errorf("Ctrl+M did not move to the next item: current %d", c.current)
	}
	sc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyJ, Modifier: fyne.KeyModifierShortcutDefault})
	if c.rows[c.current].item.ID != "disp-type" {
		t.Fatalf("Ctrl+J moved to %s", c.rows[c.current].item.ID)
	}
	// pen and touch is hidden until the display is known to be interactive: Ctrl+J skips it
	sc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyJ, Modifier: fyne.KeyModifierShortcutDefault})
	if c.rows[c.current].item.ID != "disp-remote" {
		t.Fatalf("Ctrl+J moved to %s, past a hidden item", c.rows[c.current].item.ID)
	}
	sc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierAlt})
	if a := answer(t, s, vid, rooms[1].ID, "disp-remote"); a.Value != audit.CheckOK {
		t.Fatalf("Ctrl+O gave %q", a.Value)
	}

	// teacher feedback
	test.Tap(c.feedbackBtn)
	f := u.feedback
	test.Tap(f.supports.button("4"))
	test.Tap(f.helpEasy.button("2"))
	test.Tap(f.chooseAgain.button(string(audit.ChooseNo)))
	f.stepInconveniences(1)
	f.stepInconveniences(1)
	test.Type(f.frustration, "The projector remote is always missing.")
	test.Tap(f.consent)
	fbs, _ := s.Feedback(ctx, vid)
	if len(fbs) != 1 {
		t.Fatalf("feedback rows: %d", len(fbs))
	}
	fb := fbs[0]
	if fb.RoomID != rooms[1].ID || fb.SupportsTeaching != 4 || fb.HelpEasy != 2 || fb.ChooseAgain != audit.ChooseNo ||
		fb.Inconveniences != 2 || fb.Frustration != "The projector remote is always missing." || !fb.ConsentToQuote || fb.TeacherName != "" {
		t.Fatalf("feedback: %+v", fb)
	}
	test.Tap(f.backBtn)
	if u.showing != "visit" || u.visit.checklist.room.ID != rooms[1].ID {
		t.Fatalf("back from feedback shows %s", u.showing)
	}
	test.Tap(u.visit.checklist.doneBtn)
	test.Tap(dialogButton(t, u, "Leave the room open"))
	if done, _ := s.RoomsDone(ctx, vid); done[rooms[1].ID] {
		t.Error("room 102 was marked done though the auditor left it open")
	}

	// finish
	fs := u.showFinish(vid)
	if !strings.Contains(fs.notDone.Text, "110") || strings.Contains(fs.notDone.Text, "101") {
		t.Errorf("rooms not done: %q", fs.notDone.Text)
	}
	test.Tap(fs.finishBtn)
	test.Tap(dialogButton(t, u, "Finish visit"))
	v, _ := s.Visit(ctx, vid)
	if !v.Finished() || !fs.finishBtn.Disabled() {
		t.Fatal("visit not finished")
	}
}

func TestWifiMeasureWithoutWifi(t *testing.T) {
	u, s, _ := newTestUI(t)
	school, rooms := setUpSchool(t, u, s)
	vs := loadedHome(u).onStartVisit(school.ID)
	c := vs.onPickRoom(rooms[0].ID)
	wf := row(t, c, "wifi-front")
	test.Tap(wf.wifi.measureBtn)
	select {
	case <-wf.wifi.done:
	case <-time.After(20 * time.Second):
		t.Fatal("measurement did not end")
	}
	msg := wf.wifi.msg.Text
	if !strings.Contains(strings.ToLower(msg), "wi-fi") || !strings.Contains(msg, "by hand") {
		t.Errorf("the message does not say why or offer manual entry: %q", msg)
	}
	if a := answer(t, s, vs.visit.ID, rooms[0].ID, "wifi-front"); a.Value != "" {
		t.Errorf("a failed measurement saved %q", a.Value)
	}
	if wf.wifi.measureBtn.Disabled() || wf.wifi.cancelBtn.Visible() {
		t.Error("measure controls not reset")
	}
}

func TestRatingItem(t *testing.T) {
	u, s, _ := newTestUI(t)
	school, rooms := setUpSchool(t, u, s)
	tmpl, err := sqlite.DefaultTemplate()
	if err != nil {
		t.Fatal(err)
	}
	three := 3.0
	tmpl.Version += "-rating"
	tmpl.Sections[0].Items = append(tmpl.Sections[0].Items, audit.Item{ID: "ctx-rate", Kind: audit.ItemRating,
		Label: "Teacher rates the room's setup", Category: "Room context", Severity: audit.Medium, PassMin: &three})
	if err := s.SaveTemplate(ctx, tmpl); err != nil {
		t.Fatal(err)
	}
	v := audit.Visit{SchoolID: school.ID, TemplateID: tmpl.ID, TemplateVersion: tmpl.Version}
	if err := s.StartVisit(ctx, &v); err != nil {
		t.Fatal(err)
	}
	c := u.showVisit(v.ID).onPickRoom(rooms[0].ID)
	r := row(t, c, "ctx-rate")
	test.Tap(r.choice.button("2"))
	if a := answer(t, s, v.ID, rooms[0].ID, "ctx-rate"); a.Value != "2" {
		t.Fatalf("rating = %q", a.Value)
	}
	if !strings.Contains(r.outcome.Text, "rated 2") {
		t.Errorf("outcome says %q", r.outcome.Text)
	}
}

// TestNoteSurvivesClose types a note, closes the window at once, and reopens the store.
func TestNoteSurvivesClose(t *testing.T) {
	u, s, path := newTestUI(t)
	school, rooms := setUpSchool(t, u, s)
	vs := loadedHome(u).onStartVisit(school.ID)
	c := vs.onPickRoom(rooms[0].ID)
	start := time.Now()
	test.Type(row(t, c, "td-boots").noteEntry, "Takes 4 minutes; Nguyễn says it's been like this since May")
	u.win.Close()
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Logf("typing and closing took %v", d)
	}
	s.Close()
	s2 := openStore(t, path)
	defer s2.Close()
	if a := answer(t, s2, vs.visit.ID, rooms[0].ID, "td-boots"); a.Note != "Takes 4 minutes; Nguyễn says it's been like this since May" {
		t.Fatalf("note after reopening: %q", a.Note)
	}
}

func TestFindingsEdits(t *testing.T) {
	u, s, _ := newTestUI(t)
	if _, err := s.CreateDemo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	visits, _ := s.Visits(ctx, sqlite.VisitFilter{})
	vid := visits[0].ID
	fs := loadedFindings(u, vid)
	want, _ := s.Findings(ctx, audit.FindingFilter{VisitID: vid})
	if fs.scope.Selected != scopeVisit || len(fs.all) != len(want) || len(want) == 0 {
		t.Fatalf("listed %d, findings %d, scope %q", len(fs.all), len(want), fs.scope.Selected)
	}
	fs.severity.SetSelected(string(audit.Critical))
	fs.loading.wait()
	for _, f := range fs.all {
		if f.Severity != audit.Critical {
			t.Fatalf("severity filter let %s through", f.Severity)
		}
	}
	fs.severity.SetSelected(allOption)
	fs.loading.wait()
	fs.list.Select(0)
	test.LaidOutObjects(u.win.Content())
	card := fs.detail
	test.Type(card.owner, "Network team")
	card.status.SetSelected(string(audit.StatusInBacklog))
	due := time.Date(2026, 11, 30, 0, 0, 0, 0, time.Local)
	card.due.SetDate(&due) // what picking a day in the calendar does
	test.Type(card.ticket, "IT-42")
	card.priority.SetSelected(string(audit.Low))
	got, _ := s.Findings(ctx, audit.FindingFilter{VisitID: vid})
	var a audit.Action
	for _, f := range got {
		if f.ID == card.f.ID {
			a = f.Action
		}
	}
	if a.OwnerTeam != "Network team" || a.Status != audit.StatusInBacklog || a.DueDate != "2026-11-30" ||
		a.TicketKey != "IT-42" || a.Priority != audit.Low {
		t.Fatalf("action: %+v", a)
	}
	if line := findingLine(fs.all[0]); !strings.Contains(line, "Network team") || !strings.Contains(line, "due 2026-11-30") {
		t.Errorf("the list row was not updated: %q", line)
	}
	fs.status.SetSelected(string(audit.StatusInBacklog))
	fs.loading.wait()
	if len(fs.all) != 1 || fs.all[0].ID != card.f.ID {
		t.Fatalf("status filter shows %d findings", len(fs.all))
	}
}

func TestSettings(t *testing.T) {
	u, s, _ := newTestUI(t)
	st := u.showSettings()
	if !st.anonymise.Checked {
		t.Error("anonymise is off by default")
	}
	test.Type(st.district, "Springfield USD")
	test.Type(st.auditor, "Jordan Lee")
	test.Type(st.wifiURL, "http://192.0.2.10/test")
	test.Tap(st.anonymise)
	st.paper.SetSelected("US Letter")
	st.onLogoFile(fileReader(t, writePNG(t, "logo.png")), nil)
	get := func(key string) string {
		v, err := s.Setting(ctx, key, "")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if get(sqlite.SettingDistrict) != "Springfield USD" || get(sqlite.SettingAuditor) != "Jordan Lee" ||
		get(sqlite.SettingWifiURL) != "http://192.0.2.10/test" || get(sqlite.SettingAnonymise) != "false" ||
		get(sqlite.SettingPaper) != "letter" || s.Anonymise(ctx) {
		t.Fatal("settings not stored as typed")
	}
	logo, err := base64.StdEncoding.DecodeString(get(sqlite.SettingLogo))
	if err != nil || len(logo) == 0 {
		t.Fatalf("logo: %v", err)
	}
	if _, _, err := image.Decode(bytes.NewReader(logo)); err != nil {
		t.Fatalf("stored logo is not an image: %v", err)
	}
	if !st.logo.Visible() {
		t.Error("logo preview hidden")
	}
}

func TestOpenScreens(t *testing.T) {
	u, s, _ := newTestUI(t)
	if _, err := s.CreateDemo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{OpenHome, OpenFindings, OpenSettings, OpenImport, OpenExport, OpenChecklist} {
		if err := u.open(name); err != nil {
			t.Fatal(err)
		}
		if u.showing != name && name != OpenChecklist {
			t.Errorf("--open %s shows %q", name, u.showing)
		}
		waitForScreens(u)
	}
	if u.showing != "visit" || u.visit.checklist == nil {
		t.Fatalf("--open checklist shows %q", u.showing)
	}
	visits, _ := s.Visits(ctx, sqlite.VisitFilter{})
	if _, err := s.ReopenVisit(ctx, visits[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := u.open(OpenKiosk); err != nil {
		t.Fatal(err)
	}
	if u.showing != "feedback" || !u.kiosk || u.navBar.Visible() {
		t.Fatalf("--open kiosk shows %q, kiosk %v", u.showing, u.kiosk)
	}
	if err := u.open("nowhere"); err == nil {
		t.Error("an unknown screen was accepted")
	}
}

func fileWriter(t *testing.T, path string) fyne.URIWriteCloser {
	t.Helper()
	w, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestReportAndExport(t *testing.T) {
	u, s, _ := newTestUI(t)
	if _, err := s.CreateDemo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	visits, _ := s.Visits(ctx, sqlite.VisitFilter{})
	fs := u.showFinish(visits[0].ID)
	dir := t.TempDir()
	pdfPath := filepath.Join(dir, "report.pdf")
	fs.onReportFile(fileWriter(t, pdfPath), nil)
	select {
	case <-fs.reportDone:
	case <-time.After(60 * time.Second):
		t.Fatal("the report did not finish")
	}
	pdf, err := os.ReadFile(pdfPath)
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("report file: %v, %d bytes: %s", err, len(pdf), fs.status.Text)
	}
	if !strings.Contains(fs.status.Text, "Report saved") {
		t.Errorf("status: %q", fs.status.Text)
	}
	if info, err := os.Stat(pdfPath); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("report file mode: %v (%v), want 0600", info.Mode().Perm(), err)
	}

	// A cancelled report leaves no file behind.
	cancelled := filepath.Join(dir, "cancelled.pdf")
	fs.onReportFile(fileWriter(t, cancelled), nil)
	fs.onCancelReport()
	<-fs.reportDone
	if _, err := os.Stat(cancelled); !os.IsNotExist(err) {
		t.Errorf("a cancelled report left %s behind (%v); status %q", cancelled, err, fs.status.Text)
	}

	test.Tap(fs.exportBtn)
	es := u.export
	if es == nil || es.scope.Selected != scopeVisit {
		t.Fatalf("Export findings… did not open the export screen on this visit")
	}
	es.previewJob.wait()
	es.format.SetSelected("Plain CSV (every field)")
	es.previewJob.wait()
	if !strings.Contains(es.preview.Text, "|") {
		t.Errorf("no preview: %q", es.preview.Text)
	}
	csvPath := filepath.Join(dir, "findings.csv")
	opt, err := es.options()
	if err != nil {
		t.Fatal(err)
	}
	es.onFile(opt, fileWriter(t, csvPath), nil)
	es.exportJob.wait()
	records := readCSVFile(t, csvPath)
	want, _ := s.Findings(ctx, audit.FindingFilter{VisitID: visits[0].ID})
	if len(records)-1 != len(want) {
		t.Fatalf("export: %d rows for %d findings; status %q", len(records)-1, len(want), es.result.Text)
	}
	if info, err := os.Stat(csvPath); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("export file mode: %v (%v), want 0600", info.Mode().Perm(), err)
	}
}

// readCSVFile reads a whole CSV file with a real CSV reader.
func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return records
}

// loadedHome shows the home screen and waits for its schools to load.
func loadedHome(u *ui) *home {
	h := u.showHome()
	h.loading.wait()
	return h
}

// waitForScreens waits for the background loads of the screens shown so far.
func waitForScreens(u *ui) {
	if u.home != nil {
		u.home.loading.wait()
	}
	if u.export != nil {
		u.export.previewJob.wait()
	}
	if u.findings != nil {
		u.findings.loading.wait()
	}
}

// loadedFindings shows the findings screen and waits for its list to load.
func loadedFindings(u *ui, visitID string) *findingsScreen {
	f := u.showFindings(visitID)
	f.loading.wait()
	return f
}
