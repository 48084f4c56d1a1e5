package audit

import (
	"fmt"
	"sort"
)

// The experience score.
//
// Every scored answer (not n/a, not text or photo, not an item that cannot
// fail such as a choice without fail options) carries its item's
// severity weight: critical 10, high 5, medium 2, low 1. A room scores
//
//	100 x (1 - weight of failing answers / weight of all scored answers)
//
// so one missing critical item costs a room as much as ten low ones. A visit
// (a school) scores the mean of its rooms' scores, each room counting the
// same because each is one teacher's day. A district scores the mean of its
// schools' latest visit scores. A room is ready to teach when it has scored
// answers and none of its critical or high items fails.

// RoomScore is the score of one room in a visit.
type RoomScore struct {
	Room     Room
	Score    float64 // 0-100; meaningful only when Scored > 0
	Scored   int     // answers that passed or failed
	Failures int
	Ready    bool // no critical or high failure
	Answered int  // answers given, n/a included
	Items    int  // items that apply to the room
}

// Visited reports whether the room has any scored answer.
func (r RoomScore) Visited() bool { return r.Scored > 0 }

// CategoryScore is the score of one checklist category across a visit's rooms.
type CategoryScore struct {
	Category string
	Score    float64
	Scored   int
	Failures int
}

// VisitScore holds a visit's experience score and headline KPIs.
type VisitScore struct {
	Score        float64 // mean room score over visited rooms
	Rooms        []RoomScore
	Categories   []CategoryScore // in template order
	RoomsVisited int
	RoomsReady   int
	Failures     int // inconveniences found: failing answers

	FeedbackCount          int
	MeanSupportsTeaching   float64 // 0 when nobody answered
	MeanHelpEasy           float64
	ChooseAgainAnswers     int
	ChooseAgainShare       float64 // yes / answered, 0-1
	ReportedInconveniences int     // sum of what teachers reported for the week
}

type weightTally struct {
	total, failed float64
	scored, fails int
}

func (w *weightTally) add(sev Severity, out Outcome) {
	if out != Pass && out != Fail {
		return
	}
	w.total += sev.Weight()
	w.scored++
	if out == Fail {
		w.failed += sev.Weight()
		w.fails++
	}
}

func (w weightTally) score() float64 {
	if w.total == 0 {
		return 0
	}
	return 100 * (1 - w.failed/w.total)
}

// ScoreVisit computes the experience score of a visit from its template,
// the school's rooms, the visit's answers and the teachers' feedback.
func ScoreVisit(t *Template, rooms []Room, answers []Answer, feedback []Feedback) VisitScore {
	byRoom := map[string][]Answer{}
	for _, a := range answers {
		if !a.Deleted {
			byRoom[a.RoomID] = append(byRoom[a.RoomID], a)
		}
	}
	cats := map[string]*weightTally{}
	var vs VisitScore
	var sum float64
	for _, room := range rooms {
		rs := scoreRoom(t, room, byRoom[room.ID], cats)
		vs.Rooms = append(vs.Rooms, rs)
		vs.Failures += rs.Failures
		if rs.Visited() {
			vs.RoomsVisited++
			sum += rs.Score
			if rs.Ready {
				vs.RoomsReady++
			}
		}
	}
	if vs.RoomsVisited > 0 {
		vs.Score = sum / float64(vs.RoomsVisited)
	}
	for _, c := range t.Categories() {
		tally := cats[c]
		if tally == nil || tally.scored == 0 {
			continue
		}
		vs.Categories = append(vs.Categories, CategoryScore{Category: c, Score: tally.score(), Scored: tally.scored, Failures: tally.fails})
	}
	vs.addFeedback(feedback)
	return vs
}

func scoreRoom(t *Template, room Room, answers []Answer, cats map[string]*weightTally) RoomScore {
	rs := RoomScore{Room: room, Ready: true}
	var tally weightTally
	given := map[string]string{}
	for _, a := range answers {
		given[a.ItemID] = a.Value
	}
	for _, si := range t.ItemsFor(room.Kind) {
		if !si.Shown(given) { // show_if: not asked in this room
			continue
		}
		rs.Items++
		value, ok := given[si.ID]
		if !ok || value == "" {
			continue
		}
		rs.Answered++
		if !si.Scored() {
			continue
		}
		out, _ := si.Evaluate(value)
		tally.add(si.Severity, out)
		if cats[si.Category] == nil {
			cats[si.Category] = &weightTally{}
		}
		cats[si.Category].add(si.Severity, out)
		if out == Fail && (si.Severity == Critical || si.Severity == High) {
			rs.Ready = false
		}
	}
	rs.Score, rs.Scored, rs.Failures = tally.score(), tally.scored, tally.fails
	if rs.Scored == 0 {
		rs.Ready = false
	}
	return rs
}

func (vs *VisitScore) addFeedback(feedback []Feedback) {
	var supports, help, supportsN, helpN, yes int
	for _, f := range feedback {
		if f.Deleted {
			continue
		}
		vs.FeedbackCount++
		vs.ReportedInconveniences += f.Inconveniences
		if f.SupportsTeaching > 0 {
			supports += f.SupportsTeaching
			supportsN++
		}
		if f.HelpEasy > 0 {
			help += f.HelpEasy
			helpN++
		}
		if f.ChooseAgain != "" {
			vs.ChooseAgainAnswers++
			if f.ChooseAgain == ChooseYes {
				yes++
			}
		}
	}
	if supportsN > 0 {
		vs.MeanSupportsTeaching = float64(supports) / float64(supportsN)
	}
	if helpN > 0 {
		vs.MeanHelpEasy = float64(help) / float64(helpN)
	}
	if vs.ChooseAgainAnswers > 0 {
		vs.ChooseAgainShare = float64(yes) / float64(vs.ChooseAgainAnswers)
	}
}

// DistrictScore is the mean of the given school scores (each school's latest
// finished visit); ok is false when there are none.
func DistrictScore(schoolScores []float64) (score float64, ok bool) {
	if len(schoolScores) == 0 {
		return 0, false
	}
	var sum float64
	for _, s := range schoolScores {
		sum += s
	}
	return sum / float64(len(schoolScores)), true
}

// VerdictFor reads a visit for a principal in one line. A high score with
// most rooms held back by a critical or high failure says so, rather than
// praising an average that hides those rooms.
func VerdictFor(vs VisitScore) string {
	if vs.RoomsVisited == 0 {
		return "No room has been checked yet."
	}
	notReady := vs.RoomsVisited - vs.RoomsReady
	if vs.Score >= 75 && 2*notReady > vs.RoomsVisited {
		return fmt.Sprintf("Most checks pass, but serious problems keep %d of %d rooms from being ready to teach.", notReady, vs.RoomsVisited)
	}
	return Verdict(vs.Score)
}

// Verdict is a one-line reading of a score for a principal.
func Verdict(score float64) string {
	switch {
	case score >= 90:
		return "Teachers can count on their technology."
	case score >= 75:
		return "Mostly ready; a few gaps cost teachers time."
	case score >= 60:
		return "Teachers work around technology gaps regularly."
	}
	return "Technology gets in the way of teaching in many rooms."
}

// SortRoomScores orders rooms worst first, then by label.
func SortRoomScores(rooms []RoomScore) {
	sort.SliceStable(rooms, func(i, j int) bool {
		if rooms[i].Score != rooms[j].Score {
			return rooms[i].Score < rooms[j].Score
		}
		return rooms[i].Room.Label() < rooms[j].Room.Label()
	})
}
