package audit

import (
	"errors"
	"fmt"
	"time"
)

// ExportScope says which rows a change set carries. Visits (by id) or a
// school's visits narrow it; Since keeps only the answers, feedback,
// photos, rooms done, actions and conflicts changed since then. The
// visits' schools, those schools' rooms and the visits' templates always
// come along, so the receiver can walk the same rooms.
//
// OwnDevice narrows every part, schools, rooms, templates and visits
// included, to the rows whose clock that device took, newer than After
// (a push to the district hub: this device's own changes since its last
// push). Conflicts come along then only as that device's settlings made
// after After (resolved marks whose Settled clock it took): each device
// finds the open ones itself from the versions it merges.
type ExportScope struct {
	VisitIDs  []string
	SchoolID  string
	Since     time.Time
	All       bool
	OwnDevice string
	After     HLC
}

// ErrDanglingReference is returned when a change set refers to a row
// (a visit, room, template or finding) that neither it nor this device holds.
var ErrDanglingReference = errors.New("the change set refers to a row it does not carry")

// PartCount counts what applying did to one kind of row.
type PartCount struct{ Added, Updated, Unchanged int }

// ApplyReport says what applying a change set did, or would do on a dry run.
type ApplyReport struct {
	BundleID        string
	AlreadyImported bool // the bundle was imported before: nothing changed
	DryRun          bool
	Parts           map[string]*PartCount
	Conflicts       []Conflict // open conflicts on the rows the change set touched
	// SetAside counts the rows a pull from the hub left for later: they
	// belong to a visit or finding this device does not hold yet (Owed).
	SetAside int
}

// Total sums the counts of every part.
func (r ApplyReport) Total() PartCount {
	var t PartCount
	for _, p := range r.Parts {
		t.Added, t.Updated, t.Unchanged = t.Added+p.Added, t.Updated+p.Updated, t.Unchanged+p.Unchanged
	}
	return t
}

// Origin names where a change set came from: the bundle id that marks it
// imported, and the device that sent it.
type Origin struct {
	BundleID string
	Device   string
}

// Count records the outcome of one row of part.
func (r *ApplyReport) Count(part string, o MergeOutcome) {
	p := r.Parts[part]
	if p == nil {
		p = &PartCount{}
		r.Parts[part] = p
	}
	switch o {
	case MergeAdded:
		p.Added++
	case MergeUpdated:
		p.Updated++
	default:
		p.Unchanged++
	}
}

// Summary is the report in one line.
func (r *ApplyReport) Summary() string {
	t := r.Total()
	line := fmt.Sprintf("added %d, updated %d, unchanged %d, conflicts %d", t.Added, t.Updated, t.Unchanged, len(r.Conflicts))
	if r.SetAside > 0 {
		line += fmt.Sprintf("; set aside %s belonging to a visit not on this device yet, until the visit arrives", countOf(r.SetAside, "row"))
	}
	return line
}
