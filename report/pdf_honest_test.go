package report

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// laterWalk adds a finished visit of the fixture school on start, answering
// every item "ok" in the first n rooms, or only the HDMI adapter of the
// first room when n is 0.
func laterWalk(t *testing.T, s *sqlite.Store, like string, start time.Time, n int) string {
	t.Helper()
	ctx := context.Background()
	prev, err := s.Visit(ctx, like)
	must(t, err)
	rooms, err := s.Rooms(ctx, prev.SchoolID)
	must(t, err)
	v := audit.Visit{SchoolID: prev.SchoolID, TemplateID: prev.TemplateID, TemplateVersion: prev.TemplateVersion, StartedAt: start}
	must(t, s.StartVisit(ctx, &v))
	ok := fixture{}.answers(1, false)
	ok["display"], ok["pens"], ok["apps"] = audit.CheckOK, audit.CheckOK, audit.EncodeMissingApps(nil)
	ok["wifi"] = audit.WifiReading{SignalDBM: floatPtr(-58), LatencyMS: floatPtr(21), DownMbps: floatPtr(143)}.Encode()
	if n == 0 {
		ok, n = map[string]string{"hdmi": audit.CheckOK}, 1
	}
	for _, r := range rooms[:n] {
		for item, value := range ok {
			must(t, s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: r.ID, ItemID: item, Value: value}))
		}
	}
	v.FinishedAt = start.Add(time.Hour)
	must(t, s.SaveVisit(ctx, &v))
	return v.ID
}

func TestPartialWalkCoverNamesItAndJudgesNothing(t *testing.T) {
	needTools(t, "pdftotext")
	s := openStore(t)
	full := fixture{rooms: 8}.build(t, s)
	one := laterWalk(t, s, full, time.Date(2026, 10, 6, 8, 0, 0, 0, time.UTC), 0)
	text := flat(pdfText(t, writeReport(t, s, one, Options{})))
	cover := text[:strings.Index(text, "Page 1 of")]
	for _, want := range []string{"Coverage 1 of 40 checks answered (2%)", "Partial walk: 2% of the checklist answered, too little to judge the school.",
		"Partial walk Less than 80% of the checklist", "Too few checks were answered both on this visit and on the visit of 14 September 2026"} {
		if !strings.Contains(cover, want) {
			t.Errorf("the cover lacks %q:\n%s", want, cover)
		}
	}
	for _, verdict := range []string{audit.Verdict(100), audit.Verdict(75), audit.Verdict(60), audit.Verdict(0)} {
		if strings.Contains(cover, verdict) {
			t.Errorf("a one-answer walk's cover judges the school: %q", verdict)
		}
	}
	if !strings.Contains(text, "too few answers (1)") {
		t.Errorf("the scorecard scores a category from one answer:\n%s", text)
	}

	// Two rooms walked fully after a full walk: still partial, and the
	// change compares only those rooms' checks.
	s = openStore(t)
	full = fixture{rooms: 8}.build(t, s)
	two := laterWalk(t, s, full, time.Date(2026, 10, 20, 8, 0, 0, 0, time.UTC), 2)
	text = flat(pdfText(t, writeReport(t, s, two, Options{})))
	if !strings.Contains(text, "on the 10 checks answered both times") || !strings.Contains(text, "Partial walk: 25%") {
		t.Errorf("two rooms of eight: cover does not compare like with like or call it partial:\n%s", text[:strings.Index(text, "Page 1 of")])
	}
}

func TestDemoCoverIsHonestAboutRoomsNotReady(t *testing.T) {
	needTools(t, "pdftotext")
	s, visitID := demoStore(t)
	d, err := s.LoadVisit(context.Background(), visitID)
	must(t, err)
	vs := d.Score
	text := flat(pdfText(t, writeReport(t, s, visitID, Options{})))
	cover := text[:strings.Index(text, "Page 1 of")]
	if !strings.Contains(cover, fmt.Sprintf("%d of %d", vs.RoomsReady, vs.RoomsVisited)) || !strings.Contains(cover, "rooms ready to teach") {
		t.Fatalf("cover lacks the rooms ready:\n%s", cover)
	}
	if 2*(vs.RoomsVisited-vs.RoomsReady) > vs.RoomsVisited && (vs.Score >= 90 || strings.Contains(cover, audit.Verdict(90))) {
		t.Errorf("%d of %d rooms are not ready, yet the cover reads %.0f: %s", vs.RoomsVisited-vs.RoomsReady, vs.RoomsVisited, vs.Score, cover)
	}
	for _, want := range []string{"Method", fmt.Sprintf("caps it at %.0f", audit.CriticalCap), "Coverage", "Fixed since the last visit", "Still open from earlier visits"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

func TestReportListsFixesAndTheAgeOfWhatIsStillOpen(t *testing.T) {
	needTools(t, "pdftotext")
	s := openStore(t)
	visitID := fixture{rooms: 3, previous: true}.build(t, s)
	d, err := s.LoadVisit(context.Background(), visitID)
	must(t, err)
	now := d.Visit.StartedAt
	before := now.AddDate(0, -4, 0)
	days := int(now.Sub(before).Hours() / 24)
	text := flat(pdfText(t, writeReport(t, s, visitID, Options{})))
	// The earlier visit found every HDMI adapter missing; now only room R001's is.
	for _, want := range []string{
		"HDMI adapter in room R002: fixed, verified on " + now.Format("2 Jan 2006") + " (first seen " + before.Format("2 Jan 2006") + ").",
		fmt.Sprintf("HDMI adapter in room R001: open %d days (seen on 2 walkthroughs, first %s).", days, before.Format("2 Jan 2006")),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q:\n%s", want, text)
		}
	}
}
