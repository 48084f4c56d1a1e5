package audit

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// RoomKind says what a room is used for; checklist items apply to some kinds only.
type RoomKind string

// The room kinds a template can target.
const (
	KindClassroom RoomKind = "classroom"
	KindLab       RoomKind = "lab"
	KindLibrary   RoomKind = "library"
	KindGym       RoomKind = "gym"
	KindOffice    RoomKind = "office"
	KindCommon    RoomKind = "common"
)

// RoomKinds lists every valid room kind in display order.
var RoomKinds = []RoomKind{KindClassroom, KindLab, KindLibrary, KindGym, KindOffice, KindCommon}

// Valid reports whether k is one of RoomKinds.
func (k RoomKind) Valid() bool {
	for _, known := range RoomKinds {
		if k == known {
			return true
		}
	}
	return false
}

// Severity ranks how badly a failing item hurts teaching.
type Severity string

// The severities, most severe first.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
)

// Severities lists every severity, most severe first.
var Severities = []Severity{Critical, High, Medium, Low}

// Weight is the severity's weight in the experience score.
func (s Severity) Weight() float64 {
	switch s {
	case Critical:
		return 10
	case High:
		return 5
	case Medium:
		return 2
	case Low:
		return 1
	}
	return 0
}

// Rank orders severities: 0 for critical up to 3 for low, 4 for unknown.
func (s Severity) Rank() int {
	for i, known := range Severities {
		if s == known {
			return i
		}
	}
	return len(Severities)
}

// Valid reports whether s is one of Severities.
func (s Severity) Valid() bool { return s.Rank() < len(Severities) }

// Limits on free text, so a pasted novel cannot bloat the database or the report.
const (
	MaxNameLen = 200
	MaxNoteLen = 20000
)

// Record holds the fields every stored row carries so that copies of the
// database from several devices can be merged by ID.
type Record struct {
	ID        string
	CreatedAt time.Time
	UpdatedAt time.Time
	Device    string
	Deleted   bool
}

// School is one site a district walks through.
type School struct {
	Record
	Name      string
	Code      string
	Address   string
	Principal string
}

// Validate checks the school has a usable name and sane fields.
func (s School) Validate() error {
	if strings.TrimSpace(s.Name) == "" {
		return errors.New("school: name is empty; give the school's name")
	}
	return FirstError(
		CheckText("school name", s.Name, MaxNameLen),
		CheckText("school code", s.Code, MaxNameLen),
		CheckText("school address", s.Address, MaxNoteLen),
		CheckText("principal", s.Principal, MaxNameLen),
	)
}

// Room is a room of a school.
type Room struct {
	Record
	SchoolID string
	Number   string
	Name     string
	Kind     RoomKind
	Teacher  string
}

// Label is how the room is named on screen and in reports: "214 Science lab".
func (r Room) Label() string {
	if r.Name == "" {
		return r.Number
	}
	if r.Number == "" {
		return r.Name
	}
	return r.Number + " " + r.Name
}

// Validate checks the room belongs to a school and has a number or name and a known kind.
func (r Room) Validate() error {
	if r.SchoolID == "" {
		return errors.New("room: no school; pick the school the room belongs to")
	}
	if strings.TrimSpace(r.Number) == "" && strings.TrimSpace(r.Name) == "" {
		return errors.New("room: number and name are both empty; give at least a room number")
	}
	if !r.Kind.Valid() {
		return fmt.Errorf("room %q: kind %q is unknown; use one of %s", r.Label(), r.Kind, JoinKinds(RoomKinds))
	}
	return FirstError(
		CheckText("room number", r.Number, MaxNameLen),
		CheckText("room name", r.Name, MaxNameLen),
		CheckText("teacher name", r.Teacher, MaxNameLen),
	)
}

// Visit is one walkthrough of a school with one checklist template version.
type Visit struct {
	Record
	SchoolID        string
	TemplateID      string
	TemplateVersion string
	Auditor         string
	People          string
	StartedAt       time.Time
	FinishedAt      time.Time
}

// Finished reports whether the visit was closed.
func (v Visit) Finished() bool { return !v.FinishedAt.IsZero() }

// Validate checks the visit names its school, template and auditor.
func (v Visit) Validate() error {
	if v.SchoolID == "" {
		return errors.New("visit: no school; pick the school being visited")
	}
	if v.TemplateID == "" || v.TemplateVersion == "" {
		return errors.New("visit: no checklist template; pick a template")
	}
	if !v.FinishedAt.IsZero() && v.FinishedAt.Before(v.StartedAt) {
		return errors.New("visit: finished before it started; check the device clock")
	}
	return FirstError(
		CheckText("auditor", v.Auditor, MaxNameLen),
		CheckText("people present", v.People, MaxNoteLen),
	)
}

// Answer is the value given for one checklist item in one room of a visit.
// A failing answer is a finding.
type Answer struct {
	Record
	VisitID string
	RoomID  string
	ItemID  string
	Value   string
	Note    string
}

// Validate checks the answer is addressed and its note is not oversized.
// Whether the value fits the item is checked by Item.CheckValue.
func (a Answer) Validate() error {
	if a.VisitID == "" || a.RoomID == "" || a.ItemID == "" {
		return errors.New("answer: visit, room and item are all required")
	}
	return FirstError(
		CheckText("answer", a.Value, MaxNoteLen),
		CheckText("note", a.Note, MaxNoteLen),
	)
}

// ChooseAgain is a teacher's answer to "would you choose IT's service again".
type ChooseAgain string

// The answers to "would you choose IT's service again"; empty means not answered.
const (
	ChooseYes    ChooseAgain = "yes"
	ChooseNo     ChooseAgain = "no"
	ChooseUnsure ChooseAgain = "unsure"
)

// Feedback is what a teacher said about their technology during a visit.
type Feedback struct {
	Record
	VisitID          string
	RoomID           string
	TeacherName      string
	SupportsTeaching int // 1-5, 0 when not answered
	HelpEasy         int // 1-5, 0 when not answered
	ChooseAgain      ChooseAgain
	Inconveniences   int // times the teacher was held up by technology this week
	Frustration      string
	ConsentToQuote   bool
}

// Validate checks ratings are 1-5 (or unanswered) and counts are sane.
func (f Feedback) Validate() error {
	if f.VisitID == "" || f.RoomID == "" {
		return errors.New("feedback: visit and room are required")
	}
	if f.SupportsTeaching < 0 || f.SupportsTeaching > 5 {
		return fmt.Errorf("feedback: 'technology supports my teaching' is %d; use 1 to 5", f.SupportsTeaching)
	}
	if f.HelpEasy < 0 || f.HelpEasy > 5 {
		return fmt.Errorf("feedback: 'getting help is easy' is %d; use 1 to 5", f.HelpEasy)
	}
	switch f.ChooseAgain {
	case "", ChooseYes, ChooseNo, ChooseUnsure:
	default:
		return fmt.Errorf("feedback: 'would choose again' is %q; use yes, no or unsure", f.ChooseAgain)
	}
	if f.Inconveniences < 0 || f.Inconveniences > 1000 {
		return fmt.Errorf("feedback: inconveniences this week is %d; use a count from 0 to 1000", f.Inconveniences)
	}
	return FirstError(
		CheckText("teacher name", f.TeacherName, MaxNameLen),
		CheckText("biggest frustration", f.Frustration, MaxNoteLen),
	)
}

// Status is where a finding stands in IT's work.
type Status string

// The finding statuses.
const (
	StatusOpen      Status = "open"
	StatusInBacklog Status = "in backlog"
	StatusResolved  Status = "resolved"
	StatusWontFix   Status = "won't fix" // IT closed the ticket without fixing it (won't do, not planned, cancelled)
)

// Statuses lists every finding status.
var Statuses = []Status{StatusOpen, StatusInBacklog, StatusResolved, StatusWontFix}

// Action is what IT adds to a finding: who owns it, by when, and its ticket.
type Action struct {
	FindingID string
	OwnerTeam string
	Priority  Severity // defaults to the item's severity
	DueDate   string   // YYYY-MM-DD or empty
	Status    Status
	TicketKey string
	UpdatedAt time.Time
	Device    string
}

// Validate checks the action's fields.
func (a Action) Validate() error {
	if a.FindingID == "" {
		return errors.New("action: no finding")
	}
	if a.Priority != "" && !a.Priority.Valid() {
		return fmt.Errorf("action: priority %q is unknown; use critical, high, medium or low", a.Priority)
	}
	switch a.Status {
	case "", StatusOpen, StatusInBacklog, StatusResolved, StatusWontFix:
	default:
		return fmt.Errorf("action: status %q is unknown; use open, in backlog, resolved or won't fix", a.Status)
	}
	if a.DueDate != "" {
		if _, err := time.Parse("2006-01-02", a.DueDate); err != nil {
			return fmt.Errorf("action: due date %q is not a date; write it as YYYY-MM-DD", a.DueDate)
		}
	}
	return FirstError(
		CheckText("owner team", a.OwnerTeam, MaxNameLen),
		CheckText("ticket key", a.TicketKey, MaxNameLen),
	)
}

// NewID returns a fresh random UUID string for a new record.
func NewID() string { return uuid.NewString() }

func CheckText(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s is not valid UTF-8 text", field)
	}
	if strings.ContainsRune(s, 0) {
		return fmt.Errorf("%s contains a NUL character", field)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Errorf("%s is %d characters long; the limit is %d", field, n, max)
	}
	return nil
}

// ControlRune finds the first control character of s other than tab and
// line breaks: C0 controls (ESC, BEL...), DEL and the C1 controls, which
// could drive a terminal or hide text. It reports false when there is none.
func ControlRune(s string) (rune, bool) {
	for _, r := range s {
		if r == '\t' || r == '\n' || r == '\r' {
			continue
		}
		if r < 0x20 || r >= 0x7f && r <= 0x9f {
			return r, true
		}
	}
	return 0, false
}

func FirstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func JoinKinds(kinds []RoomKind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}
