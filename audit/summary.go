package audit

import "sort"

// Visit summaries.
//
// A visit's summary is what Home and the district picture read of it: its
// score and KPIs and, for a finished visit, its district row's figures
// against the school's finished visits up to it (change since the previous
// one, findings open and fixed, failing checks). Stores keep one per visit
// so lists need not read every answer; they compute it with
// SummariseSchool, the same rule DistrictPicture uses, whenever a write
// may have changed it.

// VisitSummary is one visit's summary.
type VisitSummary struct {
	Score VisitScore
	// Change compares a finished visit with the school's previous finished
	// visit, its two scores without their per-room rows (what the
	// comparison shows is the visit's and its categories' scores on the
	// common checks); HasChange tells whether they are comparable.
	Change    Change
	HasChange bool
	// FindingsOpen and FixedSinceLast are SchoolPicture's, for a finished
	// visit as if it were the school's latest.
	FindingsOpen   int
	FixedSinceLast int
	// Failing lists a finished visit's failing answers, for the district's
	// common problems.
	Failing []FailingCheck
}

// FailingCheck is one failing answer as the common problems count it.
type FailingCheck struct {
	RoomID string
	ItemID string
	Reason string // the reason of a check or choice item ("missing"); "" for other kinds
}

// ScoreHeadline is the part of a visit's score that lists show.
type ScoreHeadline struct {
	Score        float64
	RoomsVisited int
	Coverage     Coverage
	Partial      bool
}

// Headline returns the score's headline.
func (vs VisitScore) Headline() ScoreHeadline {
	return ScoreHeadline{Score: vs.Score, RoomsVisited: vs.RoomsVisited, Coverage: vs.Coverage, Partial: vs.Partial}
}

// SummariseSchool computes the summary of every visit of a school that is
// not deleted and has its template, by visit id, from the school's rooms
// and the visits' answers and feedback; actions holds IT's actions by
// finding id (those of the school's answers suffice).
func (r ScoreRules) SummariseSchool(s DistrictSchool, actions map[string]Action) map[string]VisitSummary {
	rooms := liveRooms(s.Rooms)
	out := map[string]VisitSummary{}
	var finished []DistrictVisit
	for _, v := range s.Visits {
		if v.Visit.Deleted || v.Template == nil {
			continue
		}
		out[v.Visit.ID] = VisitSummary{Score: r.ScoreVisit(v.Template, rooms, v.Answers, v.Feedback)}
		if v.Visit.Finished() {
			finished = append(finished, v)
		}
	}
	sortFinished(finished)
	for i, v := range finished {
		sum := out[v.Visit.ID]
		if i > 0 {
			prev := finished[i-1]
			sum.Change = r.CompareVisits(ScoredVisit{v.Template, rooms, v.Answers}, ScoredVisit{prev.Template, rooms, prev.Answers})
			sum.Change.Now.Rooms, sum.Change.Was.Rooms = nil, nil
			sum.HasChange = sum.Change.Comparable()
		}
		sum.FindingsOpen, sum.FixedSinceLast = loops(finished[:i+1], actions)
		sum.Failing = failingChecks(v)
		out[v.Visit.ID] = sum
	}
	return out
}

// sortFinished orders finished visits oldest first.
func sortFinished(finished []DistrictVisit) {
	sort.SliceStable(finished, func(i, j int) bool { return visitBefore(finished[i].Visit, finished[j].Visit) })
}

// failingChecks lists a visit's failing answers.
func failingChecks(v DistrictVisit) []FailingCheck {
	var out []FailingCheck
	for _, a := range v.Answers {
		it, ok := v.Template.Item(a.ItemID)
		if a.Deleted || !ok {
			continue
		}
		o, reason := it.Evaluate(a.Value)
		if o != Fail {
			continue
		}
		f := FailingCheck{RoomID: a.RoomID, ItemID: it.ID}
		if it.Kind == ItemCheck || it.Kind == ItemChoice {
			f.Reason = reason
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].RoomID != out[j].RoomID {
			return out[i].RoomID < out[j].RoomID
		}
		return out[i].ItemID < out[j].ItemID
	})
	return out
}
