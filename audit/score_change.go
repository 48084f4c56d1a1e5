package audit

// ScoredVisit is what comparing a visit needs: its checklist version, the
// school's rooms and the visit's answers.
type ScoredVisit struct {
	Template *Template
	Rooms    []Room
	Answers  []Answer
}

// Change compares a visit with the school's previous one like with like:
// both are scored again on only the checks answered (pass or fail) both
// times, so a shorter walk cannot read as a fall or a rise.
type Change struct {
	Now, Was VisitScore // both scored on the common checks only
	Common   int        // room-and-item checks scored both times
}

// Delta is the change of the score on the common checks.
func (c Change) Delta() float64 { return c.Now.Score - c.Was.Score }

// Comparable reports whether the two visits share enough checks to compare:
// at least MinCategoryAnswers.
func (c Change) Comparable() bool { return c.Common >= MinCategoryAnswers && c.Now.RoomsVisited > 0 }

// Category returns the common-checks scores of a category now and before;
// ok is false when the category has no common check.
func (c Change) Category(name string) (now, was CategoryScore, ok bool) {
	for _, n := range c.Now.Categories {
		if n.Category != name {
			continue
		}
		for _, w := range c.Was.Categories {
			if w.Category == name {
				return n, w, true
			}
		}
	}
	return CategoryScore{}, CategoryScore{}, false
}

// CompareVisits scores cur and prev on the checks both answered.
func (r ScoreRules) CompareVisits(cur, prev ScoredVisit) Change {
	curOut, prevOut := scoredOutcomes(cur), scoredOutcomes(prev)
	common := map[[2]string]bool{}
	for k := range curOut {
		if prevOut[k] {
			common[k] = true
		}
	}
	keep := func(answers []Answer) []Answer {
		var out []Answer
		for _, a := range answers {
			if !a.Deleted && common[[2]string{a.RoomID, a.ItemID}] {
				out = append(out, a)
			}
		}
		return out
	}
	return Change{
		Now:    r.ScoreVisit(cur.Template, cur.Rooms, keep(cur.Answers), nil),
		Was:    r.ScoreVisit(prev.Template, prev.Rooms, keep(prev.Answers), nil),
		Common: len(common),
	}
}

// scoredOutcomes marks the room-and-item checks of a visit that passed or failed.
func scoredOutcomes(v ScoredVisit) map[[2]string]bool {
	kinds := map[string]RoomKind{}
	for _, r := range v.Rooms {
		kinds[r.ID] = r.Kind
	}
	out := map[[2]string]bool{}
	for _, a := range v.Answers {
		kind, ok := kinds[a.RoomID]
		if a.Deleted || !ok {
			continue
		}
		it, found := v.Template.Item(a.ItemID)
		if !found || !it.Scored() || !it.AppliesTo(kind) {
			continue
		}
		if o, _ := it.Evaluate(a.Value); o == Pass || o == Fail {
			out[[2]string{a.RoomID, a.ItemID}] = true
		}
	}
	return out
}
