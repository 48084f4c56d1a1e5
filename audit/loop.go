package audit

import (
	"fmt"
	"sort"
	"time"
)

// The loop: the next visit shows what changed.
//
// The answers one school's room gave to one checklist item, visit after
// visit, are its sightings. A run is the failing sightings since the last
// pass; n/a and unanswered visits neither break nor extend it. Every finding
// of a run is the same fault: it keeps the first finding's id as its
// backlog id, the date of the first failing visit as "since", and the
// ticket and owner IT gave an earlier finding of the run. When a later
// visit finds the item passing, the run is fixed, verified on that visit's
// date, without anyone typing it.

// Sighting is one visit's answer to one checklist item in one room.
type Sighting struct {
	AnswerID  string
	VisitID   string
	VisitDate time.Time
	Outcome   Outcome
}

// Loop is where a finding stands in its run.
type Loop struct {
	FirstID      string    // the finding that first reported the fault (its own id when new)
	FirstSeen    time.Time // the date of the visit that first saw it failing
	PreviousID   string    // the finding of the last earlier visit that saw it failing; "" when new
	Sightings    int       // walkthroughs that saw it failing, up to and including this one
	LatestID     string    // the newest failing finding of the run
	FixedOn      time.Time // the date of the visit that found it passing again; zero while it fails
	FixedVisitID string
}

// Recurring reports whether an earlier visit already saw the fault.
func (l Loop) Recurring() bool { return l.PreviousID != "" }

// Fixed reports whether a later visit found the item passing again.
func (l Loop) Fixed() bool { return !l.FixedOn.IsZero() }

// Fix is a fault a visit found fixed: the run it closed.
type Fix struct {
	RoomID, ItemID string
	LastID         string // the last finding that saw it failing
	FirstSeen      time.Time
	FixedOn        time.Time
	VisitID        string // the visit that verified the fix
	Sightings      int
	TicketKey      string // the run's ticket, if IT gave it one
}

// TraceLoops reads one room's sightings of one item (in any order; it
// sorts them in place by visit date), records the loop of every failing
// one in loops by answer id, and returns the fixes.
func TraceLoops(roomID, itemID string, s []Sighting, loops map[string]Loop) []Fix {
	sort.SliceStable(s, func(i, j int) bool {
		if !s[i].VisitDate.Equal(s[j].VisitDate) {
			return s[i].VisitDate.Before(s[j].VisitDate)
		}
		return s[i].VisitID < s[j].VisitID
	})
	var fixes []Fix
	var run []Sighting
	closeRun := func(fixedBy *Sighting) {
		for i, f := range run {
			l := Loop{FirstID: run[0].AnswerID, FirstSeen: run[0].VisitDate, Sightings: i + 1, LatestID: run[len(run)-1].AnswerID}
			if i > 0 {
				l.PreviousID = run[i-1].AnswerID
			}
			if fixedBy != nil {
				l.FixedOn, l.FixedVisitID = fixedBy.VisitDate, fixedBy.VisitID
			}
			loops[f.AnswerID] = l
		}
		if fixedBy != nil && len(run) > 0 {
			last := run[len(run)-1]
			fixes = append(fixes, Fix{RoomID: roomID, ItemID: itemID, LastID: last.AnswerID, FirstSeen: run[0].VisitDate,
				FixedOn: fixedBy.VisitDate, VisitID: fixedBy.VisitID, Sightings: len(run)})
		}
		run = nil
	}
	for i := range s {
		switch s[i].Outcome {
		case Fail:
			run = append(run, s[i])
		case Pass:
			closeRun(&s[i])
		}
	}
	closeRun(nil)
	return fixes
}

// LinkFindings applies the loops to findings: each takes its run's first
// sighting date as FirstSeen, fills the owner, priority, due date and
// ticket it lacks from the latest earlier finding of its run that has them
// (actions holds every saved action, by finding id), reopens a fault IT
// marked resolved that still fails, and reads resolved once fixed.
func LinkFindings(fs []Finding, loops map[string]Loop, actions map[string]Action) {
	for i := range fs {
		f := &fs[i]
		l, ok := loops[f.ID]
		if !ok {
			continue
		}
		f.Loop, f.FirstSeen = l, l.FirstSeen
		inheritAction(&f.Action, l, loops, actions)
		if l.Fixed() {
			f.Action.Status = StatusResolved
		}
	}
}

// inheritAction fills a's empty fields from the earlier findings of the run, newest first.
func inheritAction(a *Action, l Loop, loops map[string]Loop, actions map[string]Action) {
	own := !a.UpdatedAt.IsZero()
	for prev := l.PreviousID; prev != ""; prev = loops[prev].PreviousID {
		e, ok := actions[prev]
		if !ok {
			continue
		}
		a.OwnerTeam = cmpOr(a.OwnerTeam, e.OwnerTeam)
		a.DueDate = cmpOr(a.DueDate, e.DueDate)
		a.TicketKey = cmpOr(a.TicketKey, e.TicketKey)
		if !own && a.Priority == "" {
			a.Priority = e.Priority
		}
		if !own && (a.Status == "" || a.Status == StatusOpen) && e.Status == StatusInBacklog {
			a.Status = StatusInBacklog
		}
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// BacklogID is the id the finding's backlog item carries: its run's first
// finding, so every later sighting of the same fault updates the same item.
func (f *Finding) BacklogID() string {
	if f.Loop.FirstID != "" {
		return f.Loop.FirstID
	}
	return f.ID
}

// History says where the fault stands in the loop, for people: "seen on 3
// walkthroughs, first 6 Apr 2026, ticket ITS-100", "fixed — verified on
// 6 Oct 2026", or "" for a fault first seen on this visit with no ticket.
func (f *Finding) History() string {
	if f.Loop.Fixed() {
		return "fixed — verified on " + f.Loop.FixedOn.Format("2 Jan 2006")
	}
	s := ""
	if f.Loop.Recurring() {
		s = fmt.Sprintf("seen on %d walkthroughs, first %s", f.Loop.Sightings, f.Loop.FirstSeen.Format("2 Jan 2006"))
	}
	if f.Action.TicketKey != "" {
		if s != "" {
			s += ", "
		}
		s += "ticket " + f.Action.TicketKey
	}
	return s
}

// NeedsBacklog reports whether the finding is not yet in a backlog: open,
// still failing. What a default export writes.
func (f *Finding) NeedsBacklog() bool {
	return f.Action.Status == StatusOpen && !f.Loop.Fixed()
}

// AgeDays is how many whole days the fault has been open on the given date.
func (f *Finding) AgeDays(on time.Time) int {
	if f.FirstSeen.IsZero() || on.Before(f.FirstSeen) {
		return 0
	}
	return int(on.Sub(f.FirstSeen).Hours() / 24)
}

// CurrentFaults keeps one finding per fault (per BacklogID): its newest
// sighting, so a fault seen on three visits is one backlog item. Unless
// all, it then keeps only those not yet in a backlog (NeedsBacklog). The
// chunks are filtered in place.
func CurrentFaults(chunks [][]Finding, all bool) [][]Finding {
	type at struct{ c, i int }
	newest := map[string]at{}
	for c, chunk := range chunks {
		for i := range chunk {
			f := &chunk[i]
			id := f.BacklogID()
			if n, ok := newest[id]; ok && !chunks[n.c][n.i].VisitStarted.Before(f.VisitStarted) {
				continue
			}
			newest[id] = at{c, i}
		}
	}
	out := chunks[:0]
	for c, chunk := range chunks {
		kept := chunk[:0]
		for i := range chunk {
			f := &chunk[i]
			if newest[f.BacklogID()] == (at{c, i}) && (all || f.NeedsBacklog()) {
				kept = append(kept, *f)
			}
		}
		if len(kept) > 0 {
			out = append(out, kept)
		}
	}
	return out
}
