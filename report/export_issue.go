package report

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"techwalk/audit"
)

// backlogItem is one backlog item: a single finding, or one checklist item's
// findings across the rooms of a school.
type backlogItem struct {
	ID       string
	Grouped  bool
	Findings []audit.Finding // in a fixed order; at least one
}

// first is the finding that names the issue's school and item.
func (is backlogItem) first() *audit.Finding { return &is.Findings[0] }

// buildIssues orders findings totally (so exports are byte-stable) and
// makes one issue per finding or per school and item.
func buildIssues(chunks [][]audit.Finding, grouped bool) []backlogItem {
	refs := sortFindings(chunks)
	if grouped {
		return groupIssues(refs)
	}
	out := make([]backlogItem, len(refs))
	for i, r := range refs {
		out[i] = backlogItem{ID: r.get().BacklogID(), Findings: r.chunk[r.i : r.i+1 : r.i+1]}
	}
	return out
}

// findingRef points at a finding inside a chunk without copying it.
type findingRef struct {
	chunk []audit.Finding
	i     int
}

func (r findingRef) get() *audit.Finding { return &r.chunk[r.i] }

// sortFindings orders findings as audit.SortFindings does (severity,
// school, room in natural order, item) with the id breaking ties, using
// precomputed keys so district-sized exports sort quickly. Large exports
// sort two halves at once and merge them.
func sortFindings(chunks [][]audit.Finding) []findingRef {
	keys := sortKeys(chunks)
	out := make([]findingRef, 0, len(keys))
	ref := func(k sortKey) findingRef { return findingRef{chunks[k.chunk], int(k.i)} }
	if len(keys) < 1<<14 || runtime.GOMAXPROCS(0) < 2 {
		slices.SortFunc(keys, compareKeys)
		for _, k := range keys {
			out = append(out, ref(k))
		}
		return out
	}
	a, b := keys[:len(keys)/2], keys[len(keys)/2:]
	var wg sync.WaitGroup
	wg.Go(func() { slices.SortFunc(a, compareKeys) })
	slices.SortFunc(b, compareKeys)
	wg.Wait()
	for len(a) > 0 && len(b) > 0 {
		if compareKeys(b[0], a[0]) < 0 {
			out, b = append(out, ref(b[0])), b[1:]
		} else {
			out, a = append(out, ref(a[0])), a[1:]
		}
	}
	for _, rest := range [][]sortKey{a, b} {
		for _, k := range rest {
			out = append(out, ref(k))
		}
	}
	return out
}

func compareKeys(a, b sortKey) int {
	if c := cmp.Compare(a.hi, b.hi); c != 0 {
		return c
	}
	if c := cmp.Compare(a.lo, b.lo); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

// sortKey packs a finding's severity rank and school ordinal (hi) and its
// room and item ordinals (lo), so most comparisons are two integers.
type sortKey struct {
	hi, lo   uint64
	id       string
	chunk, i int32
}

func sortKeys(chunks [][]audit.Finding) []sortKey {
	schools := ordinals(chunks, func(f *audit.Finding) string { return f.SchoolName }, false)
	rooms := ordinals(chunks, func(f *audit.Finding) string { return f.RoomLabel }, true)
	items := ordinals(chunks, func(f *audit.Finding) string { return f.ItemID }, false)
	n := 0
	for _, c := range chunks {
		n += len(c)
	}
	keys := make([]sortKey, 0, n)
	for ci, c := range chunks {
		for i := range c {
			f := &c[i]
			keys = append(keys, sortKey{hi: uint64(f.Severity.Rank())<<32 | uint64(schools[f.SchoolName]),
				lo: uint64(rooms[f.RoomLabel])<<32 | uint64(items[f.ItemID]), id: f.ID, chunk: int32(ci), i: int32(i)})
		}
	}
	return keys
}

// ordinals numbers the distinct values of a field in sorted order; natural
// sorts them as room labels ("2" before "10").
func ordinals(chunks [][]audit.Finding, field func(*audit.Finding) string, natural bool) map[string]int {
	seen := map[string]bool{}
	var values []string
	for _, c := range chunks {
		for i := range c {
			if v := field(&c[i]); !seen[v] {
				seen[v] = true
				values = append(values, v)
			}
		}
	}
	if natural {
		sort.SliceStable(values, func(i, j int) bool { return audit.NaturalLess(values[i], values[j]) })
	} else {
		sort.Strings(values)
	}
	out := make(map[string]int, len(values))
	for i, v := range values {
		out[v] = i
	}
	return out
}

func groupIssues(refs []findingRef) []backlogItem {
	index := map[string]int{}
	var out []backlogItem
	for _, r := range refs {
		f := *r.get()
		id := f.GroupID()
		i, ok := index[id]
		if !ok {
			i, index[id] = len(out), len(out)
			out = append(out, backlogItem{ID: id, Grouped: true})
		}
		out[i].Findings = append(out[i].Findings, f)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ra, rb := a.severity().Rank(), b.severity().Rank(); ra != rb {
			return ra < rb
		}
		if len(a.Findings) != len(b.Findings) {
			return len(a.Findings) > len(b.Findings)
		}
		if a.first().SchoolName != b.first().SchoolName {
			return a.first().SchoolName < b.first().SchoolName
		}
		return a.ID < b.ID
	})
	return out
}

// severity is the worst severity of the issue's findings.
func (is backlogItem) severity() audit.Severity {
	worst := is.first().Severity
	for _, f := range is.Findings {
		if f.Severity.Rank() < worst.Rank() {
			worst = f.Severity
		}
	}
	return worst
}

// priority is the highest priority IT gave the findings (default: severity).
func (is backlogItem) priority() audit.Severity {
	best := audit.Severity("")
	for i := range is.Findings {
		p := is.Findings[i].Priority()
		if best == "" || p.Rank() < best.Rank() {
			best = p
		}
	}
	return best
}

// status is open if any finding is open, else in backlog if any is, else
// won't fix if any is, else resolved.
func (is backlogItem) status() audit.Status {
	seen := map[audit.Status]bool{}
	for _, f := range is.Findings {
		seen[f.Action.Status] = true
	}
	for _, st := range []audit.Status{audit.StatusOpen, audit.StatusInBacklog, audit.StatusWontFix} {
		if seen[st] {
			return st
		}
	}
	return audit.StatusResolved
}

// action returns the first non-empty owner team and ticket key, and the
// earliest due date, of the issue's findings.
func (is backlogItem) action() (owner, due, ticket string) {
	for _, f := range is.Findings {
		if owner == "" {
			owner = f.Action.OwnerTeam
		}
		if ticket == "" {
			ticket = f.Action.TicketKey
		}
		if d := f.Action.DueDate; d != "" && (due == "" || d < due) {
			due = d
		}
	}
	return owner, due, ticket
}

// since is when the issue was first seen.
func (is backlogItem) since() time.Time {
	t := is.first().FirstSeen
	for _, f := range is.Findings {
		if f.FirstSeen.Before(t) {
			t = f.FirstSeen
		}
	}
	return t
}

func (is backlogItem) photos() int {
	n := 0
	for _, f := range is.Findings {
		n += f.PhotoCount
	}
	return n
}

// rooms lists the distinct rooms in natural order ("2" before "10").
func (is backlogItem) rooms() []string {
	if len(is.Findings) == 1 {
		return []string{is.first().RoomLabel}
	}
	seen := map[string]bool{}
	var rooms []string
	for _, f := range is.Findings {
		if !seen[f.RoomLabel] {
			seen[f.RoomLabel] = true
			rooms = append(rooms, f.RoomLabel)
		}
	}
	sort.SliceStable(rooms, func(i, j int) bool { return audit.NaturalLess(rooms[i], rooms[j]) })
	return rooms
}

// reasons lists the distinct failure reasons in alphabetical order.
func (is backlogItem) reasons() []string {
	if len(is.Findings) == 1 && is.first().Reason != "" {
		return []string{is.first().Reason}
	}
	var out []string
	for _, f := range is.Findings {
		if f.Reason != "" && !containsText(out, f.Reason) {
			out = append(out, f.Reason)
		}
	}
	sort.Strings(out)
	return out
}

func containsText(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// maxTitle keeps titles within every tracker's limit (Jira and Azure: 255).
const maxTitle = 250

// title is "HDMI adapter: missing — Lincoln Elementary — rooms 101, 104, 210":
// the colon keeps checklist items phrased as checks readable
// ("Display powers on: broken").
func (is backlogItem) title() string {
	f := is.first()
	if len(is.Findings) == 1 {
		return singleTitle(f)
	}
	what := f.ItemLabel
	if r := is.reasons(); len(r) == 1 {
		what += ": " + r[0]
	} else if len(r) > 1 {
		what += ": " + strings.Join(r, " / ")
	}
	return truncate(what+" — "+f.SchoolName+" — "+is.where(6), maxTitle)
}

// singleTitle is the title of a one-finding issue, without the lists
// title builds for rooms and reasons.
func singleTitle(f *audit.Finding) string {
	what := f.ItemLabel
	if f.Reason != "" {
		what += ": " + f.Reason
	}
	return truncate(what+" — "+f.SchoolName+" — room "+f.RoomLabel, maxTitle)
}

// where is "room 101" or "rooms 101, 104 and 3 more".
func (is backlogItem) where(limit int) string {
	rooms := is.rooms()
	if len(rooms) == 1 {
		return "room " + rooms[0]
	}
	if limit > 0 && len(rooms) > limit {
		return fmt.Sprintf("rooms %s and %d more", strings.Join(rooms[:limit], ", "), len(rooms)-limit)
	}
	return "rooms " + strings.Join(rooms, ", ")
}

func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// teacherImpact phrases a severity as what it means for a teacher's day.
func teacherImpact(s audit.Severity) string {
	switch s {
	case audit.Critical:
		return "Stops teaching: the lesson cannot run as planned in this room until it is fixed."
	case audit.High:
		return "Disrupts lessons: teachers lose class time working around it most days."
	case audit.Medium:
		return "A regular annoyance: teachers can work around it, at a cost in time."
	case audit.Low:
		return "Minor: noticed, but it rarely gets in the way of teaching."
	}
	return "Not rated."
}

// line is one labelled line of an issue's description.
type line struct{ Label, Text string }

// describe lists what, where, since when, teacher impact, photos, notes and
// the TechWalk ids, for each format to render as text, Markdown or HTML.
func (ex *exporter) describe(is backlogItem) []line {
	f := is.first()
	school := f.SchoolName
	if f.SchoolCode != "" {
		school += " (" + f.SchoolCode + ")"
	}
	lines := []line{
		{"What", ex.what(is)},
		{"Where", school + ", " + is.where(0)},
		{"Since", is.since().UTC().Format("2006-01-02") + visitsText(is)},
		{"History", is.history()},
		{"Teacher impact", fmt.Sprintf("%s (%s)", teacherImpact(is.severity()), is.severity())},
		{"Photos", fmt.Sprintf("%d in TechWalk", is.photos())},
	}
	lines = append(lines, ex.people(is)...)
	lines = append(lines, notes(is)...)
	if owner, due, _ := is.action(); owner != "" || due != "" {
		lines = append(lines, line{"Owner", strings.TrimSpace(owner + " " + dueText(due))})
	}
	return append(lines, idLines(is)...)
}

func (ex *exporter) what(is backlogItem) string {
	f := is.first()
	where := f.Section
	if !strings.EqualFold(f.Section, f.Category) {
		where += ", " + f.Category
	}
	s := f.ItemLabel + " (" + where + ")"
	if r := is.reasons(); len(r) > 0 {
		s += ": " + strings.Join(r, "; ")
	}
	return s
}

// visitsText is " (seen on 3 walkthroughs)" when the fault was seen on
// more than one.
func visitsText(is backlogItem) string {
	n := 1
	for _, f := range is.Findings {
		n = max(n, f.Loop.Sightings)
	}
	if n > 1 {
		return fmt.Sprintf(" (seen on %d walkthroughs)", n)
	}
	return ""
}

// history is where the fault stands in the loop ("seen on 3 walkthroughs,
// first 6 Apr 2026, ticket ITS-100"), or "first seen on this visit".
func (is backlogItem) history() string {
	return nonEmpty(is.first().History(), "first seen on this walkthrough")
}

func dueText(due string) string {
	if due == "" {
		return ""
	}
	return "due " + due
}

// people names the teachers when the district has turned anonymising off.
func (ex *exporter) people(is backlogItem) []line {
	if ex.anonymise {
		return nil
	}
	var names []string
	for _, f := range is.Findings {
		if f.Teacher != "" && !containsText(names, f.Teacher) {
			names = append(names, f.Teacher)
		}
	}
	if len(names) == 0 {
		return nil
	}
	return []line{{"Teacher", strings.Join(names, ", ")}}
}

func notes(is backlogItem) []line {
	var out []line
	for _, f := range is.Findings {
		if f.Note == "" {
			continue
		}
		label := "Note"
		if is.Grouped {
			label = "Note, room " + f.RoomLabel
		}
		out = append(out, line{label, f.Note})
	}
	return out
}

// idLines link the issue back to TechWalk; ticket imports read "TechWalk ID".
func idLines(is backlogItem) []line {
	if !is.Grouped {
		return []line{{"TechWalk ID", is.ID + " (" + is.first().ShortID() + ")"}}
	}
	short := make([]string, len(is.Findings))
	for i, f := range is.Findings {
		short[i] = f.ShortID()
	}
	return []line{{"TechWalk ID", is.ID + " (grouped)"}, {"Findings", strings.Join(short, ", ")}}
}

// plainText renders description lines as "Label: text", one per line.
func plainText(lines []line) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.Label + ": " + l.Text)
	}
	return b.String()
}

// slug makes a label without spaces: "Teacher device" -> "teacher-device".
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch {
		case r == ' ' || r == '\t' || r == '_' || r == '-' || r == '/' || r == ',' || r == ';' || r == '"' || r == '\'':
			dash = b.Len() > 0
		default:
			if dash {
				b.WriteByte('-')
				dash = false
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}
