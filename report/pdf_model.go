package report

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// maxHistory bounds the visits the score-over-time chart shows.
const maxHistory = 8

// reportData is the visit and what the report derives from it.
type reportData struct {
	*audit.VisitData
	opt      Options
	prev     *audit.VisitData // the school's previous finished visit, or nil
	change   audit.Change     // this visit against prev on the checks both answered
	history  []historyPoint   // the school's scores, oldest first, this visit last
	rooms    map[string]audit.Room
	scores   map[string]audit.RoomScore
	scrubber *audit.NameScrubber // nil when teachers are named
}

// visitTeachers adds the visit's own teachers to the district's names, so
// a report is scrubbed of them even when the caller gave no names.
func visitTeachers(names []string, vd *audit.VisitData) []string {
	out := slices.Clone(names)
	for _, r := range vd.Rooms {
		out = append(out, r.Teacher)
	}
	for _, f := range vd.Feedback {
		out = append(out, f.TeacherName)
	}
	return out
}

// historyPoint is one visit's score on the score-over-time chart.
type historyPoint struct {
	date  time.Time
	score float64
}

func loadReportData(ctx context.Context, store *sqlite.Store, visitID string, opt Options) (*reportData, error) {
	vd, err := store.LoadVisit(ctx, visitID)
	if err != nil {
		return nil, fmt.Errorf("load visit %s: %w", visitID, err)
	}
	d := &reportData{VisitData: vd, opt: opt, rooms: map[string]audit.Room{}, scores: map[string]audit.RoomScore{}}
	for _, r := range vd.Rooms {
		d.rooms[r.ID] = r
	}
	for _, rs := range vd.Score.Rooms {
		d.scores[rs.Room.ID] = rs
	}
	if opt.Anonymise {
		d.scrubber = audit.NewNameScrubber(visitTeachers(opt.TeacherNames, vd))
	}
	if err := d.loadPrevious(ctx, store); err != nil {
		return nil, err
	}
	return d, d.loadHistory(ctx, store)
}

func (d *reportData) loadPrevious(ctx context.Context, store *sqlite.Store) error {
	prev, ok, err := store.PreviousVisit(ctx, d.Visit)
	if err != nil || !ok {
		return err
	}
	if d.prev, err = store.LoadVisit(ctx, prev.ID); err != nil {
		return fmt.Errorf("load the previous visit %s: %w", prev.ID, err)
	}
	d.change = d.Rules.CompareVisits(d.Scored(), d.prev.Scored())
	return nil
}

// loadHistory collects the scores of the school's finished visits up to this one.
func (d *reportData) loadHistory(ctx context.Context, store *sqlite.Store) error {
	visits, err := store.Visits(ctx, sqlite.VisitFilter{SchoolID: d.School.ID, FinishedOnly: true})
	if err != nil {
		return fmt.Errorf("list the school's visits: %w", err)
	}
	for _, v := range visits { // newest first
		if v.ID == d.Visit.ID || !v.StartedAt.Before(d.Visit.StartedAt) {
			continue
		}
		if len(d.history) == maxHistory-1 {
			break
		}
		vd, err := store.LoadVisit(ctx, v.ID)
		if err != nil {
			return fmt.Errorf("load visit %s for the score history: %w", v.ID, err)
		}
		d.history = append(d.history, historyPoint{v.StartedAt, vd.Score.Score})
	}
	sort.Slice(d.history, func(i, j int) bool { return d.history[i].date.Before(d.history[j].date) })
	d.history = append(d.history, historyPoint{d.Visit.StartedAt, d.Score.Score})
	return nil
}

// roomPhrase names a room in a sentence: "room 101", "room 110 (STEM lab)", "Library".
func roomPhrase(r audit.Room) string {
	switch {
	case r.Number != "" && r.Name != "":
		return "room " + r.Number + " (" + r.Name + ")"
	case r.Number != "":
		return "room " + r.Number
	}
	return nonEmpty(r.Name, "a room")
}

// roomTitle names a room on its own: "Room 101", "Room 110 STEM lab", "Gym".
func roomTitle(r audit.Room) string {
	if r.Number != "" {
		return "Room " + r.Label()
	}
	return nonEmpty(r.Name, "Room")
}

// present says who was there besides the auditor: the visit's own record,
// else the distinct answers to the checklist's "Who was present" question
// across the rooms; empty when neither says.
func (d *reportData) present() string {
	if p := strings.TrimSpace(d.Visit.People); p != "" {
		return p // the adults present are named as recorded
	}
	asked := map[string]bool{}
	for _, sec := range d.Template.Sections {
		for _, it := range sec.Items {
			if it.Kind == audit.ItemText && strings.Contains(strings.ToLower(it.Label), "who was present") {
				asked[it.ID] = true
			}
		}
	}
	order := map[string]int{}
	for i, r := range d.Rooms {
		order[r.ID] = i
	}
	answers := append([]audit.Answer(nil), d.Answers...)
	sort.SliceStable(answers, func(i, j int) bool { return order[answers[i].RoomID] < order[answers[j].RoomID] })
	var seen []string
	for _, a := range answers {
		v := strings.TrimSpace(a.Value)
		if asked[a.ItemID] && !a.Deleted && v != "" && !containsStr(seen, v) {
			seen = append(seen, v)
		}
	}
	return d.scrubber.Scrub(strings.Join(seen, "; "))
}

// teacherLabel attributes feedback: "Teacher, room 101", or the name when
// teachers are not anonymised.
func (d *reportData) teacherLabel(f audit.Feedback) string {
	where := roomPhrase(d.rooms[f.RoomID])
	name := strings.TrimSpace(f.TeacherName)
	if d.opt.Anonymise || name == "" {
		return "Teacher, " + where
	}
	return name + ", " + where
}

// quote is a teacher's words with their attribution.
type quote struct{ text, who string }

// maxQuotes is how many teacher quotes the report prints.
const maxQuotes = 5

// quotes picks up to maxQuotes distinct quotes from teachers who agreed to
// be quoted, in room order.
func (d *reportData) quotes() []quote {
	order := map[string]int{}
	for i, r := range d.Rooms {
		order[r.ID] = i
	}
	var fb []audit.Feedback
	for _, f := range d.Feedback {
		if f.ConsentToQuote && !f.Deleted && strings.TrimSpace(f.Frustration) != "" {
			fb = append(fb, f)
		}
	}
	sort.SliceStable(fb, func(i, j int) bool { return order[fb[i].RoomID] < order[fb[j].RoomID] })
	seen := map[string]bool{}
	var out []quote
	for _, f := range fb {
		text := d.scrubber.Scrub(strings.TrimSpace(f.Frustration))
		if seen[text] || len(out) == maxQuotes {
			continue
		}
		seen[text] = true
		out = append(out, quote{text: text, who: d.teacherLabel(f)})
	}
	return out
}

// choiceCounts counts the answers to "would you choose IT's service again".
func (d *reportData) choiceCounts() (yes, unsure, no int) {
	for _, f := range d.Feedback {
		switch {
		case f.Deleted:
		case f.ChooseAgain == audit.ChooseYes:
			yes++
		case f.ChooseAgain == audit.ChooseUnsure:
			unsure++
		case f.ChooseAgain == audit.ChooseNo:
			no++
		}
	}
	return yes, unsure, no
}
