package postgres

import (
	"strings"
	"time"

	"techwalk/audit"
)

// part is one hub table a change set's rows go to and come back from.
type part struct {
	name    string   // the part's name in change set counts
	table   string   // the hub table
	key     []string // its key, device included
	columns []string // the columns sent, in COPY order
	keep    bool     // rows never change once stored (templates): the first one stays
	rows    func(cs *audit.ChangeSet, device string) [][]any
	scan    func(cs *audit.ChangeSet, vals []any) error
}

// syncParts lists the parts in the order a change set applies them.
var syncParts = []part{schoolsPart, roomsPart, templatesPart, visitsPart, visitRoomsPart, answersPart,
	feedbackPart, photosPart, actionsPart, historyPart, settingsPart, conflictsPart}

// exactTimes is the text form of a row's times that keeps every digit the
// device stored; timestamptz keeps microseconds.
func exactTimes(ts ...time.Time) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		if !t.IsZero() {
			parts[i] = t.UTC().Format(time.RFC3339Nano)
		}
	}
	return strings.Join(parts, " ")
}

// readExact reads the row's times from exact, or from the columns
// (microseconds) when exact does not hold one per column.
func readExact(exact string, cols ...time.Time) []time.Time {
	fields := strings.Split(exact, " ")
	out := make([]time.Time, len(cols))
	for i, c := range cols {
		if len(fields) != len(cols) {
			if !c.IsZero() {
				out[i] = c.UTC()
			}
			continue
		}
		if fields[i] != "" {
			out[i], _ = time.Parse(time.RFC3339Nano, fields[i])
		}
	}
	return out
}

// nullTime is a time for a nullable column: nil when zero.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func timeOf(v any) time.Time {
	t, _ := v.(time.Time)
	return t
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func boolOf(v any) bool {
	b, _ := v.(bool)
	return b
}

func intOf(v any) int {
	switch n := v.(type) {
	case int16:
		return int(n)
	case int32:
		return int(n)
	case int64:
		return int(n)
	}
	return 0
}

func clockOf(v any) (audit.HLC, error) { return audit.ParseHLC(str(v)) }

var schoolsPart = part{
	name: "schools", table: "schools", key: []string{"id", "device"},
	columns: []string{"id", "device", "name", "code", "address", "principal", "created_at", "updated_at", "deleted", "hlc", "made_by", "exact"},
	rows: func(cs *audit.ChangeSet, device string) [][]any {
		out := make([][]any, len(cs.Schools))
		for i, r := range cs.Schools {
			out[i] = []any{r.ID, device, r.Name, r.Code, r.Address, r.Principal, r.CreatedAt, r.UpdatedAt, r.Deleted,
				r.Clock.String(), r.Device, exactTimes(r.CreatedAt, r.UpdatedAt)}
		}
		return out
	},
	scan: func(cs *audit.ChangeSet, v []any) error {
		var r audit.SchoolChange
		r.ID, r.Name, r.Code, r.Address, r.Principal = str(v[0]), str(v[2]), str(v[3]), str(v[4]), str(v[5])
		ts := readExact(str(v[11]), timeOf(v[6]), timeOf(v[7]))
		r.CreatedAt, r.UpdatedAt, r.Deleted, r.Device = ts[0], ts[1], boolOf(v[8]), str(v[10])
		var err error
		r.Clock, err = clockOf(v[9])
		cs.Schools = append(cs.Schools, r)
		return err
	},
}

var roomsPart = part{
	name: "rooms", table: "rooms", key: []string{"id", "device"},
	columns: []string{"id", "device", "school_id", "number", "name", "kind", "teacher", "created_at", "updated_at", "deleted", "hlc", "made_by", "exact"},
	rows: func(cs *audit.ChangeSet, device string) [][]any {
		out := make([][]any, len(cs.Rooms))
		for i, r := range cs.Rooms {
			out[i] = []any{r.ID, device, r.SchoolID, r.Number, r.Name, string(r.Kind), r.Teacher, r.CreatedAt, r.UpdatedAt, r.Deleted,
				r.Clock.String(), r.Device, exactTimes(r.CreatedAt, r.UpdatedAt)}
		}
		return out
	},
	scan: func(cs *audit.ChangeSet, v []any) error {
		var r audit.RoomChange
		r.ID, r.SchoolID, r.Number, r.Name, r.Kind, r.Teacher = str(v[0]), str(v[2]), str(v[3]), str(v[4]), audit.RoomKind(str(v[5])), str(v[6])
		ts := readExact(str(v[12]), timeOf(v[7]), timeOf(v[8]))
		r.CreatedAt, r.UpdatedAt, r.Deleted, r.Device = ts[0], ts[1], boolOf(v[9]), str(v[11])
		var err error
		r.Clock, err = clockOf(v[10])
		cs.Rooms = append(cs.Rooms, r)
		return err
	},
}

var templatesPart = part{
	name: "templates", table: "templates", key: []string{"id", "version"}, keep: true,
	columns: []string{"id", "version", "device", "name", "body", "created_at", "updated_at", "hlc"},
	rows: func(cs *audit.ChangeSet, device string) [][]any {
		out := make([][]any, len(cs.Templates))
		for i, r := range cs.Templates {
			at := audit.WallTime(r.Clock)
			out[i] = []any{r.ID, r.Version, device, r.Name, r.Body, at, at, r.Clock.String()}
		}
		return out
	},
	scan: func(cs *audit.ChangeSet, v []any) error {
		r := audit.TemplateChange{ID: str(v[0]), Version: str(v[1]), Name: str(v[3]), Body: str(v[4])}
		var err error
		r.Clock, err = clockOf(v[7])
		cs.Templates = append(cs.Templates, r)
		return err
	},
}

var visitsPart = part{
	name: "visits", table: "visits", key: []string{"id", "device"},
	columns: []string{"id", "device", "school_id", "template_id", "template_version", "auditor", "people", "started_at", "finished_at",
		"created_at", "updated_at", "deleted", "hlc", "made_by", "exact"},
	rows: func(cs *audit.ChangeSet, device string) [][]any {
		out := make([][]any, len(cs.Visits))
		for i, r := range cs.Visits {
			out[i] = []any{r.ID, device, r.SchoolID, r.TemplateID, r.TemplateVersion, r.Auditor, r.People, r.StartedAt, nullTime(r.FinishedAt),
				r.CreatedAt, r.UpdatedAt, r.Deleted, r.Clock.String(), r.Device, exactTimes(r.StartedAt, r.FinishedAt, r.CreatedAt, r.UpdatedAt)}
		}
		return out
	},
	scan: func(cs *audit.ChangeSet, v []any) error {
		var r audit.VisitChange
		r.ID, r.SchoolID, r.TemplateID, r.TemplateVersion, r.Auditor, r.People = str(v[0]), str(v[2]), str(v[3]), str(v[4]), str(v[5]), str(v[6])
		ts := readExact(str(v[14]), timeOf(v[7]), timeOf(v[8]), timeOf(v[9]), timeOf(v[10]))
		r.StartedAt, r.FinishedAt, r.CreatedAt, r.UpdatedAt = ts[0], ts[1], ts[2], ts[3]
		r.Deleted, r.Device = boolOf(v[11]), str(v[13])
		var err error
		r.Clock, err = clockOf(v[12])
		cs.Visits = append(cs.Visits, r)
		return err
	},
}

var visitRoomsPart = part{
	name: "visit_rooms", table: "visit_rooms", key: []string{"visit_id", "room_id", "device"},
	columns: []string{"visit_id", "room_id", "device", "done", "updated_at", "hlc", "made_by", "exact"},
	rows: func(cs *audit.ChangeSet, device string) [][]any {
		out := make([][]any, len(cs.VisitRooms))
		for i, r := range cs.VisitRooms {
			at, err := time.Parse(time.RFC3339Nano, r.UpdatedAt)
			if err != nil {
				at = audit.WallTime(r.Clock)
			}
			out[i] = []any{r.VisitID, r.RoomID, device, r.Done, at, r.Clock.String(), r.Device, r.UpdatedAt}
		}
		return out
	},
	scan: func(cs *audit.ChangeSet, v []any) error {
		r := audit.VisitRoomChange{VisitID: str(v[0]), RoomID: str(v[1]), Done: boolOf(v[3]), UpdatedAt: str(v[7]), Device: str(v[6])}
		var err error
		r.Clock, err = clockOf(v[5])
		cs.VisitRooms = append(cs.VisitRooms, r)
		return err
	},
}

var answersPart = part{
	name: "answers", table: "answers", key: []string{"id", "device"},
	columns: []string{"id", "device", "visit_id", "room_id", "item_id", "value", "note", "created_at", "updated_at", "deleted", "hlc", "made_by", "exact"},
	rows: func(cs *audit.ChangeSet, device string) [][]any {
		out := make([][]any, len(cs.Answers))
		for i, r := range cs.Answers {
			out[i] = []any{r.ID, device, r.VisitID, r.RoomID, r.ItemID, r.Value, r.Note, r.CreatedAt, r.UpdatedAt, r.Deleted,
				r.Clock.String(), r.Device, exactTimes(r.CreatedAt, r.UpdatedAt)}
		}
		return out
	},
	scan: func(cs *audit.ChangeSet, v []any) error {
		var r audit.AnswerChange
		r.ID, r.VisitID, r.RoomID, r.ItemID, r.Value, r.Note = str(v[0]), str(v[2]), str(v[3]), str(v[4]), str(v[5]), str(v[6])
		ts := readExact(str(v[12]), timeOf(v[7]), timeOf(v[8]))
		r.CreatedAt, r.UpdatedAt, r.Deleted, r.Device = ts[0], ts[1], boolOf(v[9]), str(v[11])
		var err error
		r.Clock, err = clockOf(v[10])
		cs.Answers = append(cs.Answers, r)
		return err
	},
}

var feedbackPart = part{
	name: "feedback", table: "feedback", key: []string{"id", "device"},
	columns: []string{"id", "device", "visit_id", "room_id", "teacher_name", "supports_teaching", "help_easy", "choose_again",
		"inconveniences", "frustration", "consent", "created_at", "updated_at", "deleted", "hlc", "made_by", "exact"},
	rows: func(cs *audit.ChangeSet, device string) [][]any {
		out := make([][]any, len(cs.Feedback))
		for i, r := range cs.Feedback {
			out[i] = []any{r.ID, device, r.VisitID, r.RoomID, r.TeacherName, int16(r.SupportsTeaching), int16(r.HelpEasy), string(r.ChooseAgain),
				int32(r.Inconveniences), r.Frustration, r.ConsentToQuote, r.CreatedAt, r.UpdatedAt, r.Deleted,
				r.Clock.String(), r.Device, exactTimes(r.CreatedAt, r.UpdatedAt)}
		}
		return out
	},
	scan: func(cs *audit.ChangeSet, v []any) error {
		var r audit.FeedbackChange
		r.ID, r.VisitID, r.RoomID, r.TeacherName = str(v[0]), str(v[2]), str(v[3]), str(v[4])
		r.SupportsTeaching, r.HelpEasy, r.ChooseAgain = intOf(v[5]), intOf(v[6]), audit.ChooseAgain(str(v[7]))
		r.Inconveniences, r.Frustration, r.ConsentToQuote = intOf(v[8]), str(v[9]), boolOf(v[10])
		ts := readExact(str(v[16]), timeOf(v[11]), timeOf(v[12]))
		r.CreatedAt, r.UpdatedAt, r.Deleted, r.Device = ts[0], ts[1], boolOf(v[13]), str(v[15])
		var err error
		r.Clock, err = clockOf(v[14])
		cs.Feedback = append(cs.Feedback, r)
		return err
	},
}

// photosPart sends a photo's bytes only when the hub holds no photo with
// its SHA-256 (rows returns nil data for the others; see Push).
var photosPart = part{
	name: "photos", table: "photos", key: []string{"id", "device"},
	columns: []string{"id", "device", "visit_id", "room_id", "item_id", "caption", "mime", "width", "height", "sha256", "data",
		"created_at", "updated_at", "deleted", "hlc", "made_by", "exact"},
	rows: func(cs *audit.ChangeSet, device string) [][]any {
		out := make([][]any, len(cs.Photos))
		for i, r := range cs.Photos {
			out[i] = []any{r.ID, device, r.VisitID, r.RoomID, r.ItemID, r.Caption, r.Mime, int32(r.Width), int32(r.Height), r.SHA256, r.Data,
				r.CreatedAt, r.UpdatedAt, r.Deleted, r.Clock.String(), r.Device, exactTimes(r.CreatedAt, r.UpdatedAt)}
		}
		return out
	},
	scan: func(cs *audit.ChangeSet, v []any) error {
		var r audit.PhotoChange
		r.ID, r.VisitID, r.RoomID, r.ItemID, r.Caption, r.Mime = str(v[0]), str(v[2]), str(v[3]), str(v[4]), str(v[5]), str(v[6])
		r.Width, r.Height, r.SHA256 = intOf(v[7]), intOf(v[8]), str(v[9])
		r.Data, _ = v[10].([]byte)
		ts := readExact(str(v[16]), timeOf(v[11]), timeOf(v[12]))
		r.CreatedAt, r.UpdatedAt, r.Deleted, r.Device = ts[0], ts[1], boolOf(v[13]), str(v[15])
		var err error
		r.Clock, err = clockOf(v[14])
		cs.Photos = append(cs.Photos, r)
		return err
	},
}

// actionsPart keeps a clock per field; hlc is the newest of them.
var actionsPart = part{
	name: "actions", table: "finding_actions", key: []string{"finding_id", "device"},
	columns: []string{"finding_id", "device", "owner_team", "priority", "due_date", "status", "ticket_key", "updated_at",
		"owner_team_hlc", "priority_hlc", "due_date_hlc", "status_hlc", "ticket_key_hlc", "hlc"},
	rows: func(cs *audit.ChangeSet, device string) [][]any {
		out := make([][]any, len(cs.Actions))
		for i, r := range cs.Actions {
			var due any
			if d, err := time.Parse(time.DateOnly, r.DueDate.Value); err == nil {
				due = d
			}
			newest := r.Clock()
			out[i] = []any{r.FindingID, device, r.OwnerTeam.Value, r.Priority.Value, due, r.Status.Value, r.Ticket.Value, audit.WallTime(newest),
				r.OwnerTeam.Clock.String(), r.Priority.Clock.String(), r.DueDate.Clock.String(), r.Status.Clock.String(), r.Ticket.Clock.String(),
				newest.String()}
		}
		return out
	},
	scan: func(cs *audit.ChangeSet, v []any) error {
		r := audit.ActionChange{FindingID: str(v[0])}
		r.OwnerTeam.Value, r.Priority.Value, r.Status.Value, r.Ticket.Value = str(v[2]), str(v[3]), str(v[5]), str(v[6])
		if d, ok := v[4].(time.Time); ok {
			r.DueDate.Value = d.Format(time.DateOnly)
		}
		for i, f := range r.Fields() {
			h, err := clockOf(v[8+i])
			if err != nil {
				return err
			}
			f.Clock = h
		}
		cs.Actions = append(cs.Actions, r)
		return nil
	},
}

var historyPart = part{
	name: "status_history", table: "status_history", key: []string{"finding_id", "hlc", "device"}, keep: true,
	columns: []string{"finding_id", "device", "status", "hlc"},
	rows: func(cs *audit.ChangeSet, device string) [][]any {
		out := make([][]any, len(cs.StatusHistory))
		for i, r := range cs.StatusHistory {
			out[i] = []any{r.FindingID, device, string(r.Status), r.Clock.String()}
		}
		return out
	},
	scan: func(cs *audit.ChangeSet, v []any) error {
		r := audit.StatusChange{FindingID: str(v[0]), Status: audit.Status(str(v[2]))}
		var err error
		r.Clock, err = clockOf(v[3])
		cs.StatusHistory = append(cs.StatusHistory, r)
		return err
	},
}

// settingsPart carries the district-wide settings (Push refuses any
// other). The hub keeps each device's version of a setting, so a pull may
// read several for one key: the change set keeps the newest clock's.
var settingsPart = part{
	name: "settings", table: "settings", key: []string{"key", "device"},
	columns: []string{"key", "device", "value", "hlc", "made_by"},
	rows: func(cs *audit.ChangeSet, device string) [][]any {
		out := make([][]any, len(cs.Settings))
		for i, r := range cs.Settings {
			out[i] = []any{r.Key, device, r.Value, r.Clock.String(), r.Clock.Device}
		}
		return out
	},
	scan: func(cs *audit.ChangeSet, v []any) error {
		r := audit.SettingChange{Key: str(v[0]), Value: str(v[2])}
		var err error
		if r.Clock, err = clockOf(v[3]); err != nil {
			return err
		}
		for i, have := range cs.Settings {
			if have.Key == r.Key {
				if audit.MergeSetting(true, have.Clock, r.Clock) != audit.MergeUnchanged {
					cs.Settings[i] = r
				}
				return nil
			}
		}
		cs.Settings = append(cs.Settings, r)
		return nil
	},
}

// conflictsPart carries settlings: a losing version of an answer that the
// pushing device marked resolved, with the clock of that mark (hlc; the
// version's own clock is version_hlc). A row belongs to its visit. A
// settling never changes once stored.
var conflictsPart = part{
	name: "conflicts", table: "conflicts", key: []string{"visit_id", "room_id", "item_id", "version_hlc", "device"}, keep: true,
	columns: []string{"visit_id", "room_id", "item_id", "version_hlc", "device", "value", "note", "deleted", "made_by", "hlc"},
	rows: func(cs *audit.ChangeSet, device string) [][]any {
		out := make([][]any, 0, len(cs.Conflicts))
		for _, r := range cs.Conflicts {
			if r.Kind != audit.ConflictAnswer || !r.Resolved || r.Settled.IsZero() {
				continue // only settlings travel; each device finds open conflicts itself
			}
			out = append(out, []any{r.VisitID, r.RoomID, r.ItemID, r.Clock.String(), device, r.Value, r.Note, r.Deleted, r.Device, r.Settled.String()})
		}
		return out
	},
	scan: func(cs *audit.ChangeSet, v []any) error {
		r := audit.Conflict{Kind: audit.ConflictAnswer, VisitID: str(v[0]), RoomID: str(v[1]), ItemID: str(v[2]),
			Value: str(v[5]), Note: str(v[6]), Deleted: boolOf(v[7]), Device: str(v[8]), Resolved: true}
		var err error
		if r.Clock, err = clockOf(v[3]); err != nil {
			return err
		}
		r.Settled, err = clockOf(v[9])
		cs.Conflicts = append(cs.Conflicts, r)
		return err
	},
}
