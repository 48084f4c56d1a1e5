package audit

import (
	"fmt"
)

// The experience score.
//
// Every scored answer (not n/a, not text or photo, not an item that cannot
// fail such as a choice without fail options) carries its item's
// severity weight: critical 10, high 5, medium 2, low 1. A room scores
//
//	100 x (1 - weight of failing answers / weight of all scored answers)
//
// so one missing critical item costs a room as much as ten low ones, and
// then caps it: a failing critical item caps the room at 50, a failing high
// item at 75, so one broken projector cannot hide behind thirty working
// cables. A visit (a school) scores the mean of its rooms' scores, each room
// counting the same because each is one teacher's day. A district scores the
// mean of its schools' latest visit scores.
//
// Every score carries its coverage: the answered share (n/a included) of the
// scored items that apply. A room below the coverage threshold (a setting,
// 80% by default) is partly walked: its score is marked and it is never
// ready to teach. A visit below it is a partial walk, which gets no verdict.
// A room is ready to teach when it is walked (not partly) and none of its
// critical or high items fails. A category with fewer than
// MinCategoryAnswers scored answers has too few answers to score.

// Score caps: the most a room can score with a failing critical or high item.
const (
	CriticalCap = 50.0
	HighCap     = 75.0
)

// MinCategoryAnswers is the fewest scored answers a category needs for a
// score; with fewer it shows "too few answers" instead of a figure.
const MinCategoryAnswers = 3

// DefaultMinCoverage is the coverage below which a room is partly walked
// and a visit a partial walk, unless the SettingMinCoverage setting says otherwise.
const DefaultMinCoverage = 0.8

// ScoreRules are the district's choices that scoring follows.
type ScoreRules struct {
	// MinCoverage is the share (0-1) of a room's or visit's scored items
	// that must be answered for it to count as fully walked.
	MinCoverage float64
}

// DefaultScoreRules are the rules when the district chose nothing.
func DefaultScoreRules() ScoreRules { return ScoreRules{MinCoverage: DefaultMinCoverage} }

// Coverage is how much of a checklist was answered: scored items answered
// (n/a included) of the scored items that apply.
type Coverage struct {
	Answered, Applicable int
}

// Share is Answered / Applicable, 0-1; 0 when nothing applies.
func (c Coverage) Share() float64 {
	if c.Applicable == 0 {
		return 0
	}
	return float64(c.Answered) / float64(c.Applicable)
}

// Percent is the share as a whole percentage, rounded down so that 79.6%
// never reads as a full 80%: "75%".
func (c Coverage) Percent() int {
	if c.Applicable == 0 {
		return 0
	}
	return c.Answered * 100 / c.Applicable
}

// String is "29 of 33 checks answered (87%)".
func (c Coverage) String() string {
	return fmt.Sprintf("%d of %d checks answered (%d%%)", c.Answered, c.Applicable, c.Percent())
}

// below reports whether the coverage is under the rules' threshold.
func (c Coverage) below(r ScoreRules) bool { return c.Share() < r.MinCoverage }

func (c *Coverage) add(o Coverage) {
	c.Answered += o.Answered
	c.Applicable += o.Applicable
}

// RoomScore is the score of one room in a visit.
type RoomScore struct {
	Room     Room
	Score    float64 // 0-100, capped; meaningful only when Scored > 0
	Uncapped float64 // the weighted score before the cap
	Cap      float64 // 100, HighCap or CriticalCap
	Scored   int     // answers that passed or failed
	Failures int
	Ready    bool // walked, and no critical or high failure
	Partial  bool // partly walked: visited, but coverage below the threshold
	Answered int  // answers given, n/a included
	Items    int  // items that apply to the room
	Coverage Coverage
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

// TooFew reports whether the category has too few answers for its score to mean anything.
func (c CategoryScore) TooFew() bool { return c.Scored < MinCategoryAnswers }

// VisitScore holds a visit's experience score and headline KPIs.
type VisitScore struct {
	Score        float64 // mean room score over visited rooms
	Rooms        []RoomScore
	Categories   []CategoryScore // in template order
	RoomsVisited int
	RoomsReady   int
	RoomsPartly  int // visited but partly walked
	Failures     int // inconveniences found: failing answers
	Coverage     Coverage
	Partial      bool    // a partial walk: the visit's coverage is below the threshold
	MinCoverage  float64 // the threshold it was scored with

	FeedbackCount          int
	MeanSupportsTeaching   float64 // 0 when nobody answered
	MeanHelpEasy           float64
	ChooseAgainAnswers     int
	ChooseAgainShare       float64 // yes / answered, 0-1
	ReportedInconveniences int     // sum of what teachers reported for the week
	// Teachers is the feedback tally the figures above come from, so they
	// can be added up across schools with their n.
	Teachers TeacherTally
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

// ScoreVisit scores a visit with the default rules; see ScoreRules.ScoreVisit.
func ScoreVisit(t *Template, rooms []Room, answers []Answer, feedback []Feedback) VisitScore {
	return DefaultScoreRules().ScoreVisit(t, rooms, answers, feedback)
}

// ScoreVisit computes the experience score of a visit from its template,
// the school's rooms, the visit's answers and the teachers' feedback.
func (r ScoreRules) ScoreVisit(t *Template, rooms []Room, answers []Answer, feedback []Feedback) VisitScore {
	byRoom := map[string][]Answer{}
	for _, a := range answers {
		if !a.Deleted {
			byRoom[a.RoomID] = append(byRoom[a.RoomID], a)
		}
	}
	cats := map[string]*weightTally{}
	vs := VisitScore{MinCoverage: r.MinCoverage}
	var sum float64
	for _, room := range rooms {
		rs := r.scoreRoom(t, room, byRoom[room.ID], cats)
		vs.Rooms = append(vs.Rooms, rs)
		vs.Failures += rs.Failures
		vs.Coverage.add(rs.Coverage)
		if rs.Visited() {
			vs.RoomsVisited++
			sum += rs.Score
			if rs.Ready {
				vs.RoomsReady++
			}
			if rs.Partial {
				vs.RoomsPartly++
			}
		}
	}
	if vs.RoomsVisited > 0 {
		vs.Score = sum / float64(vs.RoomsVisited)
	}
	vs.Partial = vs.Coverage.below(r)
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

func (r ScoreRules) scoreRoom(t *Template, room Room, answers []Answer, cats map[string]*weightTally) RoomScore {
	rs := RoomScore{Room: room, Ready: true, Cap: 100}
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
		if si.Scored() {
			rs.Coverage.Applicable++
		}
		value, ok := given[si.ID]
		if !ok || value == "" {
			continue
		}
		rs.Answered++
		if !si.Scored() {
			continue
		}
		rs.Coverage.Answered++
		out, _ := si.Evaluate(value)
		tally.add(si.Severity, out)
		if cats[si.Category] == nil {
			cats[si.Category] = &weightTally{}
		}
		cats[si.Category].add(si.Severity, out)
		if out == Fail {
			rs.Cap = min(rs.Cap, severityCap(si.Severity))
		}
	}
	rs.Uncapped, rs.Scored, rs.Failures = tally.score(), tally.scored, tally.fails
	rs.Score = min(rs.Uncapped, rs.Cap)
	rs.Partial = rs.Visited() && rs.Coverage.below(r)
	rs.Ready = rs.Visited() && !rs.Partial && rs.Cap == 100
	return rs
}

// severityCap is the most a room with a failing item of this severity can score.
func severityCap(s Severity) float64 {
	switch s {
	case Critical:
		return CriticalCap
	case High:
		return HighCap
	}
	return 100
}

func (vs *VisitScore) addFeedback(feedback []Feedback) {
	var t TeacherTally
	for _, f := range feedback {
		t.Add(f)
	}
	vs.SetTeachers(t)
}

// SetTeachers gives the score its teacher tally and the figures read from
// it, so a stored tally brings back the same figures.
func (vs *VisitScore) SetTeachers(t TeacherTally) {
	vs.Teachers = t
	vs.FeedbackCount = t.Teachers
	vs.ReportedInconveniences = t.Inconveniences
	vs.MeanSupportsTeaching = t.MeanSupportsTeaching()
	vs.MeanHelpEasy = t.MeanHelpEasy()
	vs.ChooseAgainAnswers = t.ChooseAgainAnswers
	vs.ChooseAgainShare = t.ChooseAgainShare()
}

// TeacherTally sums what teachers answered on their feedback forms, so
// means and shares can be added up across visits and schools with their n.
type TeacherTally struct {
	Teachers            int // feedback forms
	Inconveniences      int // reported for the week
	Supports, SupportsN int // sum and count of "technology supports my teaching" ratings
	Help, HelpN         int // sum and count of "getting help is easy" ratings
	ChooseAgainAnswers  int
	ChooseAgainYes      int
}

// Add counts one teacher's feedback; deleted feedback counts nothing.
func (t *TeacherTally) Add(f Feedback) {
	if f.Deleted {
		return
	}
	t.Teachers++
	t.Inconveniences += f.Inconveniences
	if f.SupportsTeaching > 0 {
		t.Supports += f.SupportsTeaching
		t.SupportsN++
	}
	if f.HelpEasy > 0 {
		t.Help += f.HelpEasy
		t.HelpN++
	}
	if f.ChooseAgain != "" {
		t.ChooseAgainAnswers++
		if f.ChooseAgain == ChooseYes {
			t.ChooseAgainYes++
		}
	}
}

// Plus is the two tallies added up.
func (t TeacherTally) Plus(o TeacherTally) TeacherTally {
	return TeacherTally{Teachers: t.Teachers + o.Teachers, Inconveniences: t.Inconveniences + o.Inconveniences,
		Supports: t.Supports + o.Supports, SupportsN: t.SupportsN + o.SupportsN, Help: t.Help + o.Help, HelpN: t.HelpN + o.HelpN,
		ChooseAgainAnswers: t.ChooseAgainAnswers + o.ChooseAgainAnswers, ChooseAgainYes: t.ChooseAgainYes + o.ChooseAgainYes}
}

// MeanSupportsTeaching is the mean 1-5 rating; 0 when nobody rated.
func (t TeacherTally) MeanSupportsTeaching() float64 { return ratio(t.Supports, t.SupportsN) }

// MeanHelpEasy is the mean 1-5 rating; 0 when nobody rated.
func (t TeacherTally) MeanHelpEasy() float64 { return ratio(t.Help, t.HelpN) }

// ChooseAgainShare is yes / answered, 0-1; 0 when nobody answered.
func (t TeacherTally) ChooseAgainShare() float64 {
	return ratio(t.ChooseAgainYes, t.ChooseAgainAnswers)
}

func ratio(sum, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(sum) / float64(n)
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

// VerdictFor reads a visit for a principal in one line. A partial walk
// gets no verdict that praises or condemns the school: it says how much was
// walked. A high score with most rooms held back by a critical or high
// failure says so, rather than praising an average that hides those rooms.
func VerdictFor(vs VisitScore) string {
	if vs.RoomsVisited == 0 {
		return "No room has been checked yet."
	}
	if vs.Partial {
		return PartialWalkVerdict(vs.Coverage)
	}
	notReady := vs.RoomsVisited - vs.RoomsReady
	if vs.Score >= 75 && 2*notReady > vs.RoomsVisited {
		return fmt.Sprintf("Most checks pass, but serious problems keep %d of %d rooms from being ready to teach.", notReady, vs.RoomsVisited)
	}
	return Verdict(vs.Score)
}

// PartialWalkVerdict is the verdict of a partial walk: what was walked, and
// that it is too little to judge the school by.
func PartialWalkVerdict(c Coverage) string {
	return fmt.Sprintf("Partial walk: %d%% of the checklist answered, too little to judge the school.", c.Percent())
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
