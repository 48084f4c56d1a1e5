package report

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"techwalk/audit"
)

// maxHistory bounds the visits the score-over-time chart shows.
const maxHistory = 8

// reportData is the visit and what the report derives from it.
type reportData struct {
	*audit.VisitData
	opt      Options
	prev     *audit.VisitData // the school's previous finished visit, or nil
	history  []historyPoint   // the school's scores, oldest first, this visit last
	rooms    map[string]audit.Room
	scores   map[string]audit.RoomScore
	scrubber *nameScrubber
}

// historyPoint is one visit's score on the score-over-time chart.
type historyPoint struct {
	date  time.Time
	score float64
}

func loadReportData(ctx context.Context, store *audit.Store, visitID string, opt Options) (*reportData, error) {
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
	d.scrubber = newNameScrubber(vd.Rooms, vd.Feedback, opt.Anonymise)
	if err := d.loadPrevious(ctx, store); err != nil {
		return nil, err
	}
	return d, d.loadHistory(ctx, store)
}

func (d *reportData) loadPrevious(ctx context.Context, store *audit.Store) error {
	prev, ok, err := store.PreviousVisit(ctx, d.Visit)
	if err != nil || !ok {
		return err
	}
	if d.prev, err = store.LoadVisit(ctx, prev.ID); err != nil {
		return fmt.Errorf("load the previous visit %s: %w", prev.ID, err)
	}
	return nil
}

// loadHistory collects the scores of the school's finished visits up to this one.
func (d *reportData) loadHistory(ctx context.Context, store *audit.Store) error {
	visits, err := store.Visits(ctx, audit.VisitFilter{SchoolID: d.School.ID, FinishedOnly: true})
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
		return d.scrubber.scrub(p)
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
	return d.scrubber.scrub(strings.Join(seen, "; "))
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
		text := d.scrubber.scrub(strings.TrimSpace(f.Frustration))
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

// nameScrubber removes teachers' names from free text when anonymising.
type nameScrubber struct {
	names []string // longest first, so full names go before their parts
}

func newNameScrubber(rooms []audit.Room, feedback []audit.Feedback, on bool) *nameScrubber {
	s := &nameScrubber{}
	if !on {
		return s
	}
	seen := map[string]bool{}
	add := func(full string) {
		for _, n := range append([]string{strings.TrimSpace(full)}, nameParts(full)...) {
			if len([]rune(n)) >= 2 && !seen[n] {
				seen[n] = true
				s.names = append(s.names, n)
			}
		}
	}
	for _, r := range rooms {
		add(r.Teacher)
	}
	for _, f := range feedback {
		add(f.TeacherName)
	}
	sort.SliceStable(s.names, func(i, j int) bool { return len(s.names[i]) > len(s.names[j]) })
	return s
}

// nameParts splits a name into its words: "王芳 (Wang Fang)" gives 王芳, Wang, Fang.
func nameParts(full string) []string {
	return strings.FieldsFunc(full, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsMark(r) && r != '-' && r != '\''
	})
}

// scrub replaces every whole-word occurrence of a teacher's name with "[name]".
// A name whose first byte is not in the text, nor in "[name]" (which a
// replacement may bring in), cannot occur and is not searched for.
func (s *nameScrubber) scrub(text string) string {
	var present [256]bool
	for _, t := range []string{text, "[name]"} {
		for i := 0; i < len(t); i++ {
			present[t[i]] = true
		}
	}
	for _, n := range s.names {
		if present[n[0]] {
			text = replaceWord(text, n, "[name]")
		}
	}
	return text
}

// replaceWord replaces old in s where it is not part of a longer word.
func replaceWord(s, old, repl string) string {
	if !strings.Contains(s, old) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(old)
		if wordEdge(s[:i], true) && wordEdge(s[end:], false) {
			b.WriteString(s[:i] + repl)
		} else {
			b.WriteString(s[:end])
		}
		s = s[end:]
	}
}

// wordEdge reports whether the text beside a match ends (or starts) a word.
// Han characters count as word edges: Chinese has no spaces between words.
func wordEdge(side string, before bool) bool {
	if side == "" {
		return true
	}
	var r rune
	if before {
		r, _ = utf8.DecodeLastRuneInString(side)
	} else {
		r, _ = utf8.DecodeRuneInString(side)
	}
	return !(unicode.IsLetter(r) || unicode.IsDigit(r)) || unicode.Is(unicode.Han, r)
}
