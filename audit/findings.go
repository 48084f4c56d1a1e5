package audit

import (
	"sort"
	"strings"
	"time"
)

// Finding is a failing answer with where it is, what failed and what IT
// added to it. Its ID is the answer's ID, stable across edits and devices.
type Finding struct {
	ID              string
	VisitID         string
	VisitStarted    time.Time
	TemplateID      string
	TemplateVersion string
	SchoolID        string
	SchoolName      string
	SchoolCode      string
	RoomID          string
	RoomLabel       string
	RoomKind        RoomKind
	Teacher         string
	ItemID          string
	ItemLabel       string
	Section         string
	Category        string
	Severity        Severity
	Value           string
	Reason          string
	Note            string
	PhotoCount      int
	FirstSeen       time.Time // the date of the visit that first saw the fault failing (see Loop)
	UpdatedAt       time.Time
	Action          Action // with what the loop carries over from earlier findings of the fault
	Loop            Loop
}

// ShortID is the first eight hex digits of the finding id, for people.
func (f Finding) ShortID() string {
	if len(f.ID) >= 8 && isHex(f.ID[:8]) {
		b := make([]byte, 0, 11)
		b = append(b, "TW-"...)
		for i := range 8 {
			b = append(b, asciiUpper(f.ID[i]))
		}
		return string(b)
	}
	return "TW-" + strings.ToUpper(strings.ReplaceAll(f.ID, "-", "")[:8])
}

// isHex reports whether s is hex digits; ShortID upper-cases them
// without the copies of strings.ReplaceAll and strings.ToUpper.
func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func asciiUpper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// Priority is the priority IT set on the finding, else its item's severity.
func (f *Finding) Priority() Severity {
	if f.Action.Priority != "" {
		return f.Action.Priority
	}
	return f.Severity
}

// FindingFilter narrows Findings; zero fields do not filter.
type FindingFilter struct {
	VisitID  string
	SchoolID string
	Severity Severity
	Category string
	Status   Status    // the status after the loop: a fault fixed on a later visit reads resolved
	Since    time.Time // faults first seen on visits started at or after
	// AsOf ignores visits started after it when following a fault from
	// visit to visit (zero: every visit), so a visit's report reads the
	// same after later visits.
	AsOf time.Time
}

// MatchesItem reports whether the finding passes the filter's severity and category.
func (f FindingFilter) MatchesItem(fd *Finding) bool {
	if f.Severity != "" && fd.Severity != f.Severity {
		return false
	}
	return f.Category == "" || strings.EqualFold(fd.Category, f.Category)
}

// SortFindings orders findings by severity, school, room, item, then the
// newest visit first; the id breaks any remaining tie, so the order never
// depends on how the answers were scanned.
func SortFindings(fs []Finding) {
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() < b.Severity.Rank()
		}
		if a.SchoolName != b.SchoolName {
			return a.SchoolName < b.SchoolName
		}
		if a.RoomLabel != b.RoomLabel {
			return NaturalLess(a.RoomLabel, b.RoomLabel)
		}
		if a.ItemID != b.ItemID {
			return a.ItemID < b.ItemID
		}
		if !a.VisitStarted.Equal(b.VisitStarted) {
			return a.VisitStarted.After(b.VisitStarted)
		}
		return a.ID < b.ID
	})
}

// VisitData is everything known about one visit: what the report and the
// finish screen need, loaded in one call.
type VisitData struct {
	Visit     Visit
	School    School
	Template  *Template
	Rooms     []Room
	RoomsDone map[string]bool
	Answers   []Answer
	Feedback  []Feedback
	Photos    []Photo
	Findings  []Finding // as of the visit: later visits do not change them
	Fixed     []Fix     // faults of earlier visits this visit found fixed
	Rules     ScoreRules
	Score     VisitScore
}

// Scored is what comparing this visit with another needs.
func (d *VisitData) Scored() ScoredVisit {
	return ScoredVisit{Template: d.Template, Rooms: d.Rooms, Answers: d.Answers}
}

// AfterLink keeps the findings that match the filter's status and
// first-seen date, which the loop may have changed; in place.
func (f FindingFilter) AfterLink(fs []Finding) []Finding {
	if f.Status == "" && f.Since.IsZero() {
		return fs
	}
	out := fs[:0]
	for _, fd := range fs {
		if (f.Status == "" || fd.Action.Status == f.Status) && !fd.FirstSeen.Before(f.Since) {
			out = append(out, fd)
		}
	}
	return out
}
