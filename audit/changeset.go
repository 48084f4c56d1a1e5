package audit

import (
	"crypto/sha256"
	"fmt"
	"sort"
	"sync"
)

// ChangeSet is what one device hands another: rows as they stand on the
// sending device, each with the clock of its last change. A bundle file
// carries one, and so will a push to the district hub. Photos carry their
// bytes in Data; every other field is plain text or numbers.
type ChangeSet struct {
	Schools       []SchoolChange
	Rooms         []RoomChange
	Templates     []TemplateChange
	Visits        []VisitChange
	VisitRooms    []VisitRoomChange
	Answers       []AnswerChange
	Feedback      []FeedbackChange
	Photos        []PhotoChange
	Actions       []ActionChange
	StatusHistory []StatusChange
	Conflicts     []Conflict
	Settings      []SettingChange // district-wide settings only
}

// SchoolChange is a school with the clock of its last change.
type SchoolChange struct {
	School
	Clock HLC
}

// RoomChange is a room with the clock of its last change.
type RoomChange struct {
	Room
	Clock HLC
}

// TemplateChange is one stored template version; Body is its JSON, which never changes.
type TemplateChange struct {
	ID, Version, Name, Body string
	Clock                   HLC
}

// VisitChange is a visit with the clock of its last change.
type VisitChange struct {
	Visit
	Clock HLC
}

// VisitRoomChange says whether a room of a visit was marked done.
type VisitRoomChange struct {
	VisitID, RoomID string
	Done            bool
	UpdatedAt       string
	Device          string
	Clock           HLC
}

// AnswerChange is an answer with the clock of its last change.
type AnswerChange struct {
	Answer
	Clock HLC
}

// FeedbackChange is a teacher's feedback with the clock of its last change.
type FeedbackChange struct {
	Feedback
	Clock HLC
}

// PhotoChange is a photo's record and, in Data, its stored JPEG bytes.
type PhotoChange struct {
	Photo
	Clock HLC
	Data  []byte `json:"-"`
}

// ActionField is one separately merged field of a finding's action.
type ActionField struct {
	Value string
	Clock HLC
}

// ActionChange is what IT added to a finding, each field with its own
// clock, so two devices changing different fields both keep their change.
type ActionChange struct {
	FindingID                                    string
	OwnerTeam, Priority, DueDate, Status, Ticket ActionField
}

// Fields lists the action's fields in a fixed order: owner team,
// priority, due date, status, ticket key.
func (a *ActionChange) Fields() []*ActionField {
	return []*ActionField{&a.OwnerTeam, &a.Priority, &a.DueDate, &a.Status, &a.Ticket}
}

// Clock is the newest of the action's field clocks.
func (a ActionChange) Clock() HLC {
	var newest HLC
	for _, f := range a.Fields() {
		if f.Clock.After(newest) {
			newest = f.Clock
		}
	}
	return newest
}

// StatusChange is one entry of a finding's status history.
type StatusChange struct {
	FindingID string
	Status    Status
	Clock     HLC
}

// Conflict kinds: what a losing version was a version of.
const (
	ConflictAnswer = "answer"
	// ConflictFeedback is a room's feedback that lost to another device's
	// while a room held only one feedback. Feedback now appends, so no
	// merge makes one; a change set from an older TechWalk may still carry
	// some, which applying leaves out (upgrading a database turns the
	// stored ones into feedback entries).
	ConflictFeedback = "feedback"
)

// Conflict is a version of an answer that lost to a newer one when copies
// merged. It is kept, never dropped: the visit screen shows the open ones
// ("2 answers differ") until someone resolves them.
type Conflict struct {
	Kind                    string
	VisitID, RoomID, ItemID string
	Value, Note             string
	Deleted                 bool
	Device                  string
	Clock                   HLC
	Resolved                bool
	// Settled is the clock of the resolved mark: the device that settled
	// the conflict (or wrote over the version), and when. The district hub
	// carries it, so a push sends this device's settlings since its last
	// push; a bundle leaves it out (its conflicts part carries every
	// resolved mark), and the device importing one stamps its own.
	Settled HLC `json:"-"`
}

// Key names the answer the conflict is about.
func (c Conflict) Key() string { return c.Kind + "|" + c.VisitID + "|" + c.RoomID + "|" + c.ItemID }

// Rows counts the rows of each part, under the names a bundle manifest uses.
func (cs *ChangeSet) Rows() map[string]int {
	return map[string]int{
		"schools": len(cs.Schools), "rooms": len(cs.Rooms), "templates": len(cs.Templates),
		"visits": len(cs.Visits), "visit_rooms": len(cs.VisitRooms), "answers": len(cs.Answers),
		"feedback": len(cs.Feedback), "photos": len(cs.Photos), "actions": len(cs.Actions),
		"status_history": len(cs.StatusHistory), "conflicts": len(cs.Conflicts), "settings": len(cs.Settings),
	}
}

// ClockRange is the oldest and newest clock of the change set's rows.
func (cs *ChangeSet) ClockRange() (oldest, newest HLC) {
	cs.eachClock(func(h HLC) {
		if h.IsZero() {
			return
		}
		if oldest.IsZero() || oldest.After(h) {
			oldest = h
		}
		if h.After(newest) {
			newest = h
		}
	})
	return oldest, newest
}

func (cs *ChangeSet) eachClock(fn func(HLC)) {
	for _, r := range cs.Schools {
		fn(r.Clock)
	}
	for _, r := range cs.Rooms {
		fn(r.Clock)
	}
	for _, r := range cs.Templates {
		fn(r.Clock)
	}
	for _, r := range cs.Visits {
		fn(r.Clock)
	}
	for _, r := range cs.VisitRooms {
		fn(r.Clock)
	}
	for _, r := range cs.Answers {
		fn(r.Clock)
	}
	for _, r := range cs.Feedback {
		fn(r.Clock)
	}
	for _, r := range cs.Photos {
		fn(r.Clock)
	}
	for _, r := range cs.Actions {
		fn(r.Clock())
	}
	for _, r := range cs.StatusHistory {
		fn(r.Clock)
	}
	for _, r := range cs.Conflicts {
		fn(r.Clock)
	}
	for _, r := range cs.Settings {
		fn(r.Clock)
	}
}

// Validate checks every row of a change set from outside before any of it
// is applied: each row passes its type's own checks and names its part and
// position when it does not.
func (cs *ChangeSet) Validate() error {
	for i, r := range cs.Schools {
		if err := FirstError(needID(r.ID), r.School.Validate()); err != nil {
			return rowError("schools", i, err)
		}
	}
	for i, r := range cs.Rooms {
		if err := FirstError(needID(r.ID), r.Room.Validate()); err != nil {
			return rowError("rooms", i, err)
		}
	}
	for i, r := range cs.Templates {
		if r.ID == "" || r.Version == "" {
			return rowError("templates", i, fmt.Errorf("template without id or version"))
		}
		if err := checkTemplateBody(r); err != nil {
			return rowError("templates", i, err)
		}
	}
	for i, r := range cs.Visits {
		if err := FirstError(needID(r.ID), r.Visit.Validate()); err != nil {
			return rowError("visits", i, err)
		}
	}
	for i, r := range cs.VisitRooms {
		if r.VisitID == "" || r.RoomID == "" {
			return rowError("visit_rooms", i, fmt.Errorf("visit and room are required"))
		}
	}
	for i, r := range cs.Answers {
		if err := FirstError(needID(r.ID), r.Answer.Validate()); err != nil {
			return rowError("answers", i, err)
		}
	}
	for i, r := range cs.Feedback {
		if err := FirstError(needID(r.ID), r.Feedback.Validate()); err != nil {
			return rowError("feedback", i, err)
		}
	}
	for i, r := range cs.Photos {
		if err := FirstError(needID(r.ID), checkPhotoChange(r)); err != nil {
			return rowError("photos", i, err)
		}
	}
	for i, r := range cs.Actions {
		if err := checkActionChange(r); err != nil {
			return rowError("actions", i, err)
		}
	}
	for i, r := range cs.Conflicts {
		if r.Kind != ConflictAnswer && r.Kind != ConflictFeedback || r.VisitID == "" || r.RoomID == "" {
			return rowError("conflicts", i, fmt.Errorf("conflict of kind %q without its visit and room", r.Kind))
		}
	}
	seen := map[string]bool{}
	for i, r := range cs.Settings {
		if err := r.Validate(); err != nil {
			return rowError("settings", i, err)
		}
		if seen[r.Key] {
			return rowError("settings", i, fmt.Errorf("setting %q is in the change set twice", r.Key))
		}
		seen[r.Key] = true
	}
	return nil
}

// validBodies remembers the SHA-256 of template bodies that parsed, so a
// change set checked twice (on reading a bundle, then by the store that
// applies it) and the same template in bundle after bundle are parsed once.
var validBodies = struct {
	sync.Mutex
	sums map[[sha256.Size]byte]bool
}{sums: map[[sha256.Size]byte]bool{}}

// maxValidBodies bounds validBodies; it starts over when full.
const maxValidBodies = 256

// checkTemplateBody parses a template version's body unless the same body
// parsed before: whether a body parses depends on nothing else.
func checkTemplateBody(t TemplateChange) error {
	sum := sha256.Sum256([]byte(t.Body))
	validBodies.Lock()
	known := validBodies.sums[sum]
	validBodies.Unlock()
	if known {
		return nil
	}
	if _, err := ParseTemplate("template "+t.ID+" "+t.Version, []byte(t.Body)); err != nil {
		return err
	}
	validBodies.Lock()
	defer validBodies.Unlock()
	if len(validBodies.sums) >= maxValidBodies {
		clear(validBodies.sums)
	}
	validBodies.sums[sum] = true
	return nil
}

func needID(id string) error {
	if id == "" {
		return fmt.Errorf("no id")
	}
	return CheckText("id", id, MaxNameLen)
}

func rowError(part string, i int, err error) error {
	return fmt.Errorf("%s row %d: %w", part, i+1, err)
}

func checkPhotoChange(p PhotoChange) error {
	if p.VisitID == "" || p.RoomID == "" || len(p.SHA256) != 64 {
		return fmt.Errorf("photo without its visit, room or SHA-256")
	}
	return CheckText("caption", p.Caption, MaxNameLen)
}

func checkActionChange(a ActionChange) error {
	act := Action{FindingID: a.FindingID, OwnerTeam: a.OwnerTeam.Value, Priority: Severity(a.Priority.Value),
		DueDate: a.DueDate.Value, Status: Status(a.Status.Value), TicketKey: a.Ticket.Value}
	return act.Validate()
}

// Canonical returns the change set in one fixed form: every part sorted
// by its key, the stored losing versions replaced by the open conflicts
// they make. Two devices holding the same data give identical canonical
// change sets, whatever order their bundles came in.
func (cs ChangeSet) Canonical() ChangeSet {
	out := cs
	out.Schools = sortedBy(cs.Schools, func(r SchoolChange) string { return r.ID })
	out.Rooms = sortedBy(cs.Rooms, func(r RoomChange) string { return r.ID })
	out.Templates = sortedBy(cs.Templates, func(r TemplateChange) string { return r.ID + "\x00" + r.Version })
	for i := range out.Templates {
		out.Templates[i].Clock = HLC{} // a version never changes: which device stored it first does not matter
	}
	out.Visits = sortedBy(cs.Visits, func(r VisitChange) string { return r.ID })
	out.VisitRooms = sortedBy(cs.VisitRooms, func(r VisitRoomChange) string { return r.VisitID + "|" + r.RoomID })
	out.Answers = sortedBy(cs.Answers, func(r AnswerChange) string { return r.ID })
	out.Feedback = sortedBy(cs.Feedback, func(r FeedbackChange) string { return r.ID })
	out.Photos = sortedBy(cs.Photos, func(r PhotoChange) string { return r.ID })
	out.Actions = sortedBy(cs.Actions, func(r ActionChange) string { return r.FindingID })
	out.StatusHistory = sortedBy(cs.StatusHistory, func(r StatusChange) string { return r.FindingID + "|" + r.Clock.String() })
	out.Settings = sortedBy(cs.Settings, func(r SettingChange) string { return r.Key })
	out.Conflicts = sortedBy(cs.OpenConflicts(), func(r Conflict) string { return r.Key() + "|" + r.Clock.String() })
	return out
}

// OpenConflicts lists the stored losing versions that still need a person
// to look at them, by the rule of OpenConflicts.
func (cs ChangeSet) OpenConflicts() []Conflict {
	winners := map[string]Conflict{}
	for _, a := range cs.Answers {
		v := AnswerVersion(a)
		winners[v.Key()] = v
	}
	byKey := map[string][]Conflict{}
	for _, c := range cs.Conflicts {
		byKey[c.Key()] = append(byKey[c.Key()], c)
	}
	var out []Conflict
	for key, losers := range byKey {
		if w, ok := winners[key]; ok {
			out = append(out, OpenConflicts(w, losers)...)
		}
	}
	return out
}

func sortedBy[T any](rows []T, key func(T) string) []T {
	out := append([]T(nil), rows...)
	sort.SliceStable(out, func(i, j int) bool { return key(out[i]) < key(out[j]) })
	return out
}

// NewestOf is the newest clock of the change set's rows that device took:
// where a push of that device's own changes got to.
func (cs *ChangeSet) NewestOf(device string) HLC {
	var newest HLC
	mine := func(h HLC) {
		if h.Device == device && h.After(newest) {
			newest = h
		}
	}
	cs.eachClock(mine)
	for _, a := range cs.Actions { // eachClock sees only an action's newest field
		for _, f := range a.Fields() {
			mine(f.Clock)
		}
	}
	for _, c := range cs.Conflicts { // a settling's clock, which bundles leave out
		mine(c.Settled)
	}
	return newest
}
