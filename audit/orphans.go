package audit

import (
	"slices"
)

// Owed is what a pull from the district hub set aside: rows naming a
// visit or a finding that neither the pull nor the device held. That
// happens when an auditor edits a visit another device handed over in a
// bundle and syncs before that device does: the hub holds the edit, not
// yet the visit. The next pulls read these visits and findings whole, so
// the rows set aside arrive once their parent does, however it comes.
type Owed struct {
	Visits   []string `json:"visits,omitempty"`
	Findings []string `json:"findings,omitempty"`
}

// Empty reports whether nothing is owed.
func (o Owed) Empty() bool { return len(o.Visits) == 0 && len(o.Findings) == 0 }

// Settle gives what is owed after a batch that read whole the owed
// visits and findings in read and set aside the rows of setAside: the
// owed ones it read are settled unless set aside again, and the ones
// newly set aside are added. Both lists come out sorted.
func (o Owed) Settle(read, setAside Owed) Owed {
	return Owed{Visits: settle(o.Visits, read.Visits, setAside.Visits),
		Findings: settle(o.Findings, read.Findings, setAside.Findings)}
}

func settle(owed, read, setAside []string) []string {
	var out []string
	for _, id := range owed {
		if !slices.Contains(read, id) {
			out = append(out, id)
		}
	}
	out = append(out, setAside...)
	slices.Sort(out)
	return slices.Compact(out)
}

// ParentVisits lists, sorted, the visits that rows of cs name without cs
// carrying them: the device applying cs must hold those already.
func (cs *ChangeSet) ParentVisits() []string {
	carried := make(map[string]bool, len(cs.Visits))
	for _, v := range cs.Visits {
		carried[v.ID] = true
	}
	var named []string
	name := func(id string) {
		if !carried[id] {
			named = append(named, id)
		}
	}
	for _, r := range cs.VisitRooms {
		name(r.VisitID)
	}
	for _, a := range cs.Answers {
		name(a.VisitID)
	}
	for _, f := range cs.Feedback {
		name(f.VisitID)
	}
	for _, p := range cs.Photos {
		name(p.VisitID)
	}
	slices.Sort(named)
	return slices.Compact(named)
}

// ParentFindings lists, sorted, the findings (answer ids) that the actions
// and status history of cs name without cs carrying their answer.
func (cs *ChangeSet) ParentFindings() []string {
	carried := make(map[string]bool, len(cs.Answers))
	for _, a := range cs.Answers {
		carried[a.ID] = true
	}
	var named []string
	for _, a := range cs.Actions {
		if !carried[a.FindingID] {
			named = append(named, a.FindingID)
		}
	}
	for _, h := range cs.StatusHistory {
		if !carried[h.FindingID] {
			named = append(named, h.FindingID)
		}
	}
	slices.Sort(named)
	return slices.Compact(named)
}

// SetAside removes from cs the rows naming the visits or findings of
// lacking, and returns the visits and findings it removed rows of. Drop
// visits before findings: an answer removed with its visit no longer
// carries its finding.
func (cs *ChangeSet) SetAside(lacking Owed) Owed {
	var out Owed
	lackVisit, lackFinding := setOf(lacking.Visits), setOf(lacking.Findings)
	visit := func(id string) bool {
		if lackVisit[id] {
			out.Visits = append(out.Visits, id)
			return true
		}
		return false
	}
	finding := func(id string) bool {
		if lackFinding[id] {
			out.Findings = append(out.Findings, id)
			return true
		}
		return false
	}
	cs.VisitRooms = slices.DeleteFunc(cs.VisitRooms, func(r VisitRoomChange) bool { return visit(r.VisitID) })
	cs.Answers = slices.DeleteFunc(cs.Answers, func(a AnswerChange) bool { return visit(a.VisitID) })
	cs.Feedback = slices.DeleteFunc(cs.Feedback, func(f FeedbackChange) bool { return visit(f.VisitID) })
	cs.Photos = slices.DeleteFunc(cs.Photos, func(p PhotoChange) bool { return visit(p.VisitID) })
	cs.Actions = slices.DeleteFunc(cs.Actions, func(a ActionChange) bool { return finding(a.FindingID) })
	cs.StatusHistory = slices.DeleteFunc(cs.StatusHistory, func(h StatusChange) bool { return finding(h.FindingID) })
	slices.Sort(out.Visits)
	slices.Sort(out.Findings)
	return Owed{Visits: slices.Compact(out.Visits), Findings: slices.Compact(out.Findings)}
}

func setOf(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}
