package pdf

import (
	"context"
	"encoding/xml"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"techwalk/audit"
)

// sectionText is the report's text from the heading from up to the heading
// to (or the end when to is empty).
func sectionText(t *testing.T, text, from, to string) string {
	t.Helper()
	i := strings.Index(text, from)
	if i < 0 {
		t.Fatalf("report text has no %q section", from)
	}
	rest := text[i+len(from):]
	if to == "" {
		return rest
	}
	if j := strings.Index(rest, to); j >= 0 {
		return rest[:j]
	}
	return rest
}

func TestNotesReachTopIssuesRoomTablePhotosAndActionPlan(t *testing.T) {
	needTools(t, "pdftotext")
	s := openStore(t)
	ctx := context.Background()
	id := fixture{rooms: 3, photos: 1}.build(t, s)
	data, err := s.LoadVisit(ctx, id)
	must(t, err)
	// R001's HDMI adapter is missing and has the photo; give it a note.
	var hdmi audit.Answer
	for _, a := range data.Answers {
		if a.ItemID == "hdmi" && a.RoomID == data.Rooms[0].ID {
			hdmi = a
		}
	}
	hdmi.Note = "remote missing since Sept"
	must(t, s.SaveAnswer(ctx, &hdmi))
	text := flat(pdfText(t, writeReport(t, s, id, Options{FallbackFonts: []string{}})))
	note := "“remote missing since Sept”"
	for _, part := range []struct{ from, to, want string }{
		{"Top issues", "Room by room", "Room R001: " + note},
		{"Room by room", "Photo evidence", "HDMI adapter missing — " + note},
		{"Photo evidence", "Action plan", "Room R001 · HDMI adapter missing — " + note},
		{"Action plan", "Method", "HDMI adapter missing — " + note},
	} {
		if got := sectionText(t, text, part.from, part.to); !strings.Contains(got, part.want) {
			t.Errorf("%s lacks %q:\n%s", part.from, part.want, got)
		}
	}
	if photos := sectionText(t, text, "Photo evidence", "Action plan"); strings.Contains(photos, "HDMI adapter:") {
		t.Errorf("photo caption repeats the checklist item instead of saying what was wrong:\n%s", photos)
	}
}

func TestDemoNotesArePrinted(t *testing.T) {
	needTools(t, "pdftotext")
	s, visitID := demoStore(t)
	data, err := s.LoadVisit(context.Background(), visitID)
	must(t, err)
	notes := 0
	for _, f := range data.Findings {
		if f.Note != "" {
			notes++
		}
	}
	if notes == 0 {
		t.Fatal("the demo visit has no notes on its findings")
	}
	text := flat(pdfText(t, writeReport(t, s, visitID, Options{Anonymise: true})))
	table := sectionText(t, text, "Room by room", "Photo evidence")
	if got := strings.Count(table, " as an ongoing problem.”"); got != notes {
		t.Errorf("room table prints %d notes; the visit's findings have %d", got, notes)
	}
}

func TestCoverSaysWhoWalkedAndWhoWasPresent(t *testing.T) {
	needTools(t, "pdftotext")
	s := openStore(t)
	id := fixture{rooms: 2}.build(t, s)
	text := flat(pdfText(t, writeReport(t, s, id, Options{FallbackFonts: []string{}})))
	cover := sectionText(t, text, "Technology experience report", "What teachers told us")
	for _, want := range []string{"Walked by Auditor Person", "Also present Principal Person"} {
		if !strings.Contains(cover, want) {
			t.Errorf("cover lacks %q:\n%s", want, cover)
		}
	}
}

func TestCoverFallsBackToTheChecklistsWhoWasPresent(t *testing.T) {
	needTools(t, "pdftotext")
	s, visitID := demoStore(t)
	ctx := context.Background()
	v, err := s.Visit(ctx, visitID)
	must(t, err)
	v.People = ""
	must(t, s.SaveVisit(ctx, &v))
	data, err := s.LoadVisit(ctx, visitID)
	must(t, err)
	for i, r := range data.Rooms[:2] {
		a := audit.Answer{VisitID: visitID, RoomID: r.ID, ItemID: "ctx-present", Value: []string{"Teacher and para", "Principal"}[i]}
		must(t, s.SaveAnswer(ctx, &a))
	}
	text := flat(pdfText(t, writeReport(t, s, visitID, Options{Anonymise: true})))
	cover := sectionText(t, text, "Technology experience report", "What teachers told us")
	if !strings.Contains(cover, "Also present Teacher and para; Principal") {
		t.Errorf("cover does not fall back to the checklist's answers:\n%s", cover)
	}
	if strings.Contains(cover, "not recorded") {
		t.Errorf("cover says not recorded although the checklist says who was present:\n%s", cover)
	}
}

// urgentSentence is the first line of "Most urgent": a capitalised problem
// that names where it is ("... in room 104.", "... in rooms 101 and 120
// (2 of 8 rooms).", "... in Gym.").
var urgentSentence = regexp.MustCompile(`1\. \p{Lu}[^.]* in (rooms? [0-9A-Za-z]|\p{Lu})[^.]*\.`)

// problemFirst is an action-plan row that leads with the problem, then the
// room, and ends with the id: "Display or projector mount loose Gym ... TW-DF890613".
var problemFirst = regexp.MustCompile(`^\p{Lu}[^\n]*? (missing|broken|loose|not working|does not|below|found)\b.*TW-[0-9A-F]{8}`)

func TestCoverMostUrgentNamesRoomsInASentence(t *testing.T) {
	needTools(t, "pdftotext")
	s, visitID := demoStore(t)
	text := flat(pdfText(t, writeReport(t, s, visitID, Options{Anonymise: true})))
	cover := sectionText(t, text, "Most urgent", "What teachers told us")
	if !urgentSentence.MatchString(cover) {
		t.Errorf("most urgent does not read as a sentence naming the room:\n%s", cover)
	}
	for _, jargon := range []string{"is secure", ": broken", "(critical)", "critical (10)"} {
		if strings.Contains(cover, jargon) {
			t.Errorf("cover's most urgent list says %q:\n%s", jargon, cover)
		}
	}
	issues := sectionText(t, text, "Top issues", "Room by room")
	for _, jargon := range []string{"Weight x rooms", "critical (10)", "high (5)"} {
		if strings.Contains(issues, jargon) {
			t.Errorf("top issues still say %q", jargon)
		}
	}
	if method := sectionText(t, text, "Method", ""); !strings.Contains(method, "severity weight x rooms affected") {
		t.Errorf("the method page does not explain the ranking:\n%s", method)
	}
	plan := sectionText(t, text, "Action plan", "Method")
	if first := strings.TrimSpace(sectionText(t, plan, "Ticket ID", "")); strings.HasPrefix(first, "TW-") || !problemFirst.MatchString(first) {
		t.Errorf("the action plan does not lead with the problem:\n%.400s", plan)
	}
}

func TestProblemPhrases(t *testing.T) {
	cases := []struct {
		label, reason, want string
	}{
		{"Display or projector mount is secure", "broken", "Display or projector mount loose"},
		{"Remote and display pens are present", "missing", "Remote and display pens missing"},
		{"HDMI cable at the teacher station is present and works", "broken", "HDMI cable at the teacher station not working"},
		{"Touch or pen input works on the interactive display", "broken", "Touch or pen input not working on the interactive display"},
		{"Teacher can print to the nearest printer", "broken", "Teacher cannot print to the nearest printer"},
		{"No cables across walking paths", "broken", "Cables across walking paths found"},
		{"Power strips are not daisy-chained", "broken", "Power strips daisy-chained"},
		{"HDMI adapter", "missing", "HDMI adapter missing"},
	}
	for _, c := range cases {
		if got := problem(audit.Item{Kind: audit.ItemCheck, Label: c.label}, []string{c.reason}); got != c.want {
			t.Errorf("problem(%q, %s) = %q; want %q", c.label, c.reason, got, c.want)
		}
	}
}

// bboxWord is one word of pdftotext -bbox, in points.
type bboxWord struct {
	XMin float64 `xml:"xMin,attr"`
	YMin float64 `xml:"yMin,attr"`
	XMax float64 `xml:"xMax,attr"`
	YMax float64 `xml:"yMax,attr"`
	Text string  `xml:",chardata"`
}

type bboxPage struct {
	Width  float64    `xml:"width,attr"`
	Height float64    `xml:"height,attr"`
	Words  []bboxWord `xml:"word"`
}

// wordBoxes reads every word's box per page with pdftotext -bbox.
func wordBoxes(t *testing.T, path string) []bboxPage {
	t.Helper()
	var doc struct {
		Pages []bboxPage `xml:"body>doc>page"`
	}
	out := runTool(t, "pdftotext", "-bbox", path, "-")
	if err := xml.NewDecoder(strings.NewReader(out)).Decode(&doc); err != nil {
		t.Fatalf("read pdftotext -bbox output: %v", err)
	}
	return doc.Pages
}

// checkLayout fails when a word lies outside the page's margins or two
// words on a page overlap.
func checkLayout(t *testing.T, path string) {
	t.Helper()
	const edge = 30.0 // points; the margin is 16 mm (45 pt)
	for p, page := range wordBoxes(t, path) {
		for i, w := range page.Words {
			if w.XMin < edge || w.YMin < edge || w.XMax > page.Width-edge || w.YMax > page.Height-edge {
				t.Errorf("page %d: word %q at (%.0f,%.0f)-(%.0f,%.0f) lies outside the margins of a %.0f x %.0f page",
					p+1, w.Text, w.XMin, w.YMin, w.XMax, w.YMax, page.Width, page.Height)
			}
			for _, o := range page.Words[i+1:] {
				dx := min(w.XMax, o.XMax) - max(w.XMin, o.XMin)
				dy := min(w.YMax, o.YMax) - max(w.YMin, o.YMin)
				if dx > 1 && dy > 0.4*min(w.YMax-w.YMin, o.YMax-o.YMin) {
					t.Errorf("page %d: words %q and %q overlap", p+1, w.Text, o.Text)
				}
			}
		}
	}
}

func TestLongNamesStayInsideThePage(t *testing.T) {
	needTools(t, "pdftotext")
	s := openStore(t)
	ctx := context.Background()
	id := fixture{rooms: 3, photos: 2, teacher: "Ana Souza", quote: "Fine."}.build(t, s)
	v, err := s.Visit(ctx, id)
	must(t, err)
	sc, err := s.School(ctx, v.SchoolID)
	must(t, err)
	sc.Name = strings.TrimSpace(strings.Repeat("Longfellow Memorial Elementary ", 7))[:200]
	sc.Address = strings.Repeat("Building 7, ", 30)
	must(t, s.SaveSchool(ctx, &sc))
	var people []string
	for i := range 40 {
		people = append(people, fmt.Sprintf("Person Number%d (parent volunteer)", i))
	}
	v.People = strings.Join(people, "; ")
	v.Auditor = strings.Repeat("Auditor ", 12)
	must(t, s.SaveVisit(ctx, &v))
	for _, paper := range []string{PaperA4, PaperLetter} {
		path := writeReport(t, s, id, Options{Paper: paper, FallbackFonts: []string{}})
		checkLayout(t, path)
		cover := flat(pdfText(t, path))
		if !strings.Contains(cover, "…") {
			t.Errorf("%s: the long school name and people list are not shortened with an ellipsis", paper)
		}
		if !strings.Contains(cover, "Page 1 of") {
			t.Errorf("%s: the page number is missing", paper)
		}
	}
}

// TestDemoPagesAreFilled checks no page but the last is left half blank:
// charts stay with their headings and photos are packed, on A4 and Letter.
func TestDemoPagesAreFilled(t *testing.T) {
	needTools(t, "pdftotext")
	s, visitID := demoStore(t)
	for _, paper := range []string{PaperA4, PaperLetter} {
		path := writeReport(t, s, visitID, Options{Paper: paper, Anonymise: true})
		checkLayout(t, path)
		pages := wordBoxes(t, path)
		for p, page := range pages[:len(pages)-1] {
			lowest := 0.0
			for _, w := range page.Words {
				if w.YMax < page.Height-80 { // above the footer
					lowest = max(lowest, w.YMax)
				}
			}
			if lowest < 0.5*page.Height {
				t.Errorf("%s page %d: text ends at %.0f%% of the page", paper, p+1, 100*lowest/page.Height)
			}
		}
	}
}

func TestTopIssuesListAFewNotesAndPointToTheRest(t *testing.T) {
	s := openStore(t)
	id := fixture{rooms: 6, longNote: true}.build(t, s)
	rd, err := loadReportData(context.Background(), s, id, Options{}.withDefaults())
	must(t, err)
	full := 0
	for _, is := range rd.topIssues() {
		if len(is.rooms) != 6 {
			continue
		}
		full++
		lines := strings.Split(is.withNotes(), "\n")
		if len(lines) != 5 || strings.Count(is.withNotes(), "“Reported by the teacher as an ongoing problem.”") != 3 ||
			lines[4] != "3 more notes in the room table" {
			t.Errorf("issue with six notes reads:\n%s", is.withNotes())
		}
	}
	if full != 4 {
		t.Errorf("%d issues fail in all six rooms; want 4", full)
	}
}
