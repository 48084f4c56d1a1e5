package audit

import (
	"fmt"
	"strings"
	"testing"
)

// honestTemplate has ten checks a classroom is asked: one critical, one
// high and eight low, in three categories.
func honestTemplate() *Template {
	items := []Item{
		{ID: "display", Kind: ItemCheck, Label: "Display", Category: "Display", Severity: Critical},
		{ID: "hdmi", Kind: ItemCheck, Label: "HDMI adapter", Category: "Cables", Severity: High},
	}
	for i := range 8 {
		items = append(items, Item{ID: fmt.Sprintf("cable%d", i), Kind: ItemCheck, Label: "Cable", Category: "Cables", Severity: Low})
	}
	items = append(items, Item{ID: "wifi", Kind: ItemCheck, Label: "Wi-Fi", Category: "Wi-Fi", Severity: Medium},
		Item{ID: "notes", Kind: ItemText, Label: "Notes", Category: "Context", Severity: Low})
	return &Template{ID: "honest", Version: "1", Name: "Honest", Sections: []Section{{ID: "s", Title: "Room", Items: items}}}
}

// walkRoom answers every scored item of the honest template "ok" except
// the given failures.
func walkRoom(room string, fail ...string) []Answer {
	var out []Answer
	for _, it := range honestTemplate().Sections[0].Items {
		if !it.Scored() {
			continue
		}
		v := CheckOK
		for _, f := range fail {
			if f == it.ID {
				v = CheckBroken
			}
		}
		out = append(out, Answer{VisitID: "v", RoomID: room, ItemID: it.ID, Value: v})
	}
	return out
}

func classrooms(n int) []Room {
	rooms := make([]Room, n)
	for i := range rooms {
		rooms[i] = Room{Record: Record{ID: fmt.Sprintf("r%d", i)}, Number: fmt.Sprint(101 + i), Kind: KindClassroom}
	}
	return rooms
}

func TestCapsKeepAFailingCriticalOrHighFromHidingBehindPasses(t *testing.T) {
	rooms := classrooms(3)
	answers := append(append(walkRoom("r0", "display"), walkRoom("r1", "hdmi")...), walkRoom("r2", "cable0")...)
	vs := ScoreVisit(honestTemplate(), rooms, answers, nil)
	// Total weight 10+5+8+2 = 25: the critical room scores 60 uncapped, the high room 80, the low room 96.
	wants := []struct{ uncapped, score float64 }{{60, CriticalCap}, {80, HighCap}, {96, 96}}
	for i, w := range wants {
		rs := vs.Rooms[i]
		if !near(rs.Uncapped, w.uncapped) || !near(rs.Score, w.score) {
			t.Errorf("room %s: uncapped %.1f score %.1f, want %.1f and %.1f", rs.Room.Number, rs.Uncapped, rs.Score, w.uncapped, w.score)
		}
	}
	if vs.RoomsReady != 1 || !vs.Rooms[2].Ready {
		t.Errorf("ready rooms = %d, want only the one with a low failure", vs.RoomsReady)
	}
}

func TestMostRoomsWithACriticalFailureCannotScoreInTheTopBand(t *testing.T) {
	top := Verdict(90)
	for n := 2; n <= 12; n++ {
		rooms := classrooms(n)
		var answers []Answer
		broken := n/2 + 1 // most rooms
		for i := range rooms {
			if i < broken {
				answers = append(answers, walkRoom(rooms[i].ID, "display")...)
			} else {
				answers = append(answers, walkRoom(rooms[i].ID)...)
			}
		}
		vs := ScoreVisit(honestTemplate(), rooms, answers, nil)
		if vs.Score >= 75 || strings.Contains(VerdictFor(vs), top) || strings.Contains(VerdictFor(vs), Verdict(75)) {
			t.Errorf("%d of %d rooms with a broken display score %.1f, %q", broken, n, vs.Score, VerdictFor(vs))
		}
	}
}

func TestPartialWalk(t *testing.T) {
	rooms := classrooms(8)
	one := []Answer{{VisitID: "v", RoomID: "r0", ItemID: "display", Value: CheckOK}}
	vs := ScoreVisit(honestTemplate(), rooms, one, nil)
	if !vs.Partial || vs.Coverage.Answered != 1 || vs.Coverage.Applicable != 88 {
		t.Fatalf("one answer: partial %v, coverage %+v; want a partial walk of 1 of 88", vs.Partial, vs.Coverage)
	}
	if r := vs.Rooms[0]; !r.Partial || r.Ready || r.Coverage.Percent() != 9 {
		t.Errorf("room with one answer of 11: %+v; want partly walked, not ready, 9%%", r)
	}
	got := VerdictFor(vs)
	for _, v := range []string{Verdict(100), Verdict(75), Verdict(60), Verdict(0)} {
		if strings.Contains(got, v) {
			t.Errorf("partial walk verdict %q judges the school (%q)", got, v)
		}
	}
	if !strings.Contains(got, "Partial walk: 1% of the checklist answered") {
		t.Errorf("partial walk verdict = %q", got)
	}

	// Two rooms walked fully of eight: still a partial walk, but those rooms are ready.
	two := append(walkRoom("r0"), walkRoom("r1")...)
	vs = ScoreVisit(honestTemplate(), rooms, two, nil)
	if !vs.Partial || vs.RoomsReady != 2 || vs.Rooms[0].Partial {
		t.Errorf("two full rooms of eight: partial %v, ready %d", vs.Partial, vs.RoomsReady)
	}
	// Every room walked, one room at 9 of 11 (81%): a full walk, every room counts.
	var all []Answer
	for _, r := range rooms {
		all = append(all, walkRoom(r.ID)...)
	}
	vs = ScoreVisit(honestTemplate(), rooms, all[2:], nil)
	if vs.Partial || vs.RoomsPartly != 0 || vs.RoomsReady != 8 {
		t.Errorf("full walk: partial %v, partly walked %d, ready %d", vs.Partial, vs.RoomsPartly, vs.RoomsReady)
	}
	// A stricter district threshold makes the 81% room partly walked.
	vs = ScoreRules{MinCoverage: 0.9}.ScoreVisit(honestTemplate(), rooms, all[2:], nil)
	if vs.RoomsPartly != 1 || vs.RoomsReady != 7 {
		t.Errorf("at 90%%: partly walked %d, ready %d; want 1 and 7", vs.RoomsPartly, vs.RoomsReady)
	}
}

func TestNAAnswersCountAsWalked(t *testing.T) {
	answers := walkRoom("r0")
	for i := 3; i < len(answers); i++ {
		answers[i].Value = CheckNA
	}
	vs := ScoreVisit(honestTemplate(), classrooms(1), answers, nil)
	if vs.Partial || !vs.Rooms[0].Ready || vs.Coverage.Percent() != 100 {
		t.Errorf("a room marked n/a where nothing applies: partial %v, ready %v, coverage %+v", vs.Partial, vs.Rooms[0].Ready, vs.Coverage)
	}
}

func TestCategoryWithTooFewAnswers(t *testing.T) {
	vs := ScoreVisit(honestTemplate(), classrooms(2), []Answer{
		{VisitID: "v", RoomID: "r0", ItemID: "wifi", Value: CheckBroken},
		{VisitID: "v", RoomID: "r0", ItemID: "cable0", Value: CheckOK},
		{VisitID: "v", RoomID: "r1", ItemID: "cable0", Value: CheckOK},
		{VisitID: "v", RoomID: "r1", ItemID: "cable1", Value: CheckOK},
	}, nil)
	for _, c := range vs.Categories {
		if want := c.Category == "Wi-Fi"; c.TooFew() != want {
			t.Errorf("category %s with %d answers: too few %v, want %v", c.Category, c.Scored, c.TooFew(), want)
		}
	}
}

func TestChangeComparesLikeWithLike(t *testing.T) {
	tpl, rooms := honestTemplate(), classrooms(8)
	var before []Answer
	for _, r := range rooms {
		before = append(before, walkRoom(r.ID)...)
	}
	// Now only two rooms, with the same answers: a shorter walk is no change.
	now := append(walkRoom("r0"), walkRoom("r1")...)
	ch := DefaultScoreRules().CompareVisits(ScoredVisit{tpl, rooms, now}, ScoredVisit{tpl, rooms, before})
	if ch.Common != 22 || !near(ch.Delta(), 0) || !ch.Comparable() {
		t.Errorf("same answers on fewer rooms: %d common, delta %.1f; want 22 and 0", ch.Common, ch.Delta())
	}
	// The HDMI adapter broke in room 101: down on the common checks, capped.
	now = append(walkRoom("r0", "hdmi"), walkRoom("r1")...)
	ch = DefaultScoreRules().CompareVisits(ScoredVisit{tpl, rooms, now}, ScoredVisit{tpl, rooms, before})
	if !near(ch.Now.Score, (HighCap+100)/2) || !near(ch.Was.Score, 100) {
		t.Errorf("after a high failure: now %.1f was %.1f", ch.Now.Score, ch.Was.Score)
	}
	if n, w, ok := ch.Category("Cables"); !ok || n.Scored != 18 || w.Scored != 18 {
		t.Errorf("cables compared on %d and %d answers, want 18 both", n.Scored, w.Scored)
	}
	ch = DefaultScoreRules().CompareVisits(ScoredVisit{tpl, rooms, now}, ScoredVisit{tpl, rooms, nil})
	if ch.Comparable() {
		t.Errorf("a visit with nothing in common is comparable: %+v", ch.Common)
	}
}
