package pdf

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"techwalk/audit"
)

// maxIssues is how many issues the top-issues list shows.
const maxIssues = 10

// issue is one checklist item failing across rooms.
type issue struct {
	item       audit.Item
	severity   audit.Severity
	rooms      map[string]bool
	roomOrder  []audit.Room // the rooms affected, in first-seen order
	reasons    []string     // distinct, in first-seen order
	notes      []string     // the auditor's notes, distinct, with their room
	applicable int          // visited rooms the item applies to
}

// weight ranks the issue: severity weight x rooms affected.
func (is issue) weight() float64 { return is.severity.Weight() * float64(len(is.rooms)) }

// maxRoomsNamed is how many rooms an issue names before "and N more".
const maxRoomsNamed = 6

// phrase says the issue as a sentence that names the rooms: "Display or
// projector mount loose in room 104", "HDMI adapter missing in rooms 101,
// 104 and 110 (3 of 8 rooms)".
func (is issue) phrase() string {
	s := sentence(problem(is.item, is.reasons)) + " in " + roomList(is.roomOrder, maxRoomsNamed)
	if len(is.rooms) > 1 {
		s += " (" + itoa(len(is.rooms)) + " of " + itoa(is.applicable) + " " + plural(is.applicable, "room", "rooms") + ")"
	}
	return s
}

// maxIssueNotes is how many notes an issue lists; the room table has them all.
const maxIssueNotes = 3

// withNotes is the phrase followed by the auditor's notes, one a line.
func (is issue) withNotes() string {
	if len(is.notes) == 0 {
		return is.phrase()
	}
	notes := is.notes[:min(len(is.notes), maxIssueNotes)]
	s := is.phrase() + "\n" + strings.Join(notes, "\n")
	if more := len(is.notes) - len(notes); more > 0 {
		s += "\n" + itoa(more) + " more " + plural(more, "note", "notes") + " in the room table"
	}
	return s
}

// missingApps gathers the app names from reasons like "missing: Seesaw, Clever".
func missingApps(reasons []string) []string {
	var apps []string
	seen := map[string]bool{}
	for _, r := range reasons {
		for _, app := range strings.Split(strings.TrimPrefix(r, "missing: "), ", ") {
			if !seen[app] {
				seen[app] = true
				apps = append(apps, app)
			}
		}
	}
	return apps
}

func quoteAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = "“" + s + "”"
	}
	return out
}

// topIssues groups the findings by item and ranks them by severity weight x
// rooms affected, then severity, then label.
func (d *reportData) topIssues() []issue {
	byItem := map[string]*issue{}
	var order []string
	for _, f := range d.Findings {
		is := byItem[f.ItemID]
		if is == nil {
			it, _ := d.Template.Item(f.ItemID)
			is = &issue{item: it, severity: f.Severity, rooms: map[string]bool{}, applicable: d.applicableRooms(it)}
			byItem[f.ItemID] = is
			order = append(order, f.ItemID)
		}
		if !is.rooms[f.RoomID] {
			is.rooms[f.RoomID] = true
			is.roomOrder = append(is.roomOrder, d.roomOf(f))
		}
		if note := d.note(f); note != "" && !slices.Contains(is.notes, note) {
			is.notes = append(is.notes, note)
		}
		if !slices.Contains(is.reasons, f.Reason) {
			is.reasons = append(is.reasons, f.Reason)
		}
	}
	out := make([]issue, 0, len(order))
	for _, id := range order {
		out = append(out, *byItem[id])
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.weight() != b.weight() {
			return a.weight() > b.weight()
		}
		if a.severity.Rank() != b.severity.Rank() {
			return a.severity.Rank() < b.severity.Rank()
		}
		return a.item.Label < b.item.Label
	})
	return out
}

// roomOf is the room of a finding; its label when the room is not loaded.
func (d *reportData) roomOf(f audit.Finding) audit.Room {
	if r, ok := d.rooms[f.RoomID]; ok {
		return r
	}
	return audit.Room{Number: f.RoomLabel}
}

// note is the auditor's note on a finding, scrubbed and quoted with its
// room: "Room 104: “remote missing since Sept”"; empty when there is none.
func (d *reportData) note(f audit.Finding) string {
	n := strings.TrimSpace(d.scrubber.Scrub(f.Note))
	if n == "" {
		return ""
	}
	return roomTitle(d.roomOf(f)) + ": " + quoted(n)
}

// findingAt is the finding of an item in a room, if it failed.
func (d *reportData) findingAt(roomID, itemID string) (audit.Finding, bool) {
	for _, f := range d.Findings {
		if f.RoomID == roomID && f.ItemID == itemID {
			return f, true
		}
	}
	return audit.Finding{}, false
}

// applicableRooms counts the visited rooms an item applies to (at least one,
// so a phrase never reads "of 0 rooms").
func (d *reportData) applicableRooms(it audit.Item) int {
	n := 0
	for _, rs := range d.Score.Rooms {
		if rs.Visited() && it.AppliesTo(rs.Room.Kind) {
			n++
		}
	}
	return max(n, 1)
}

func itoa(n int) string { return strconv.Itoa(n) }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// roomRow is one line of the room-by-room table.
func (d *reportData) roomRow(rs audit.RoomScore) []string {
	label := rs.Room.Label()
	if t := strings.TrimSpace(rs.Room.Teacher); t != "" && !d.opt.Anonymise {
		label += "\n" + t
	}
	if !rs.Visited() {
		return []string{label, "-", "not visited", d.wifiFigures(rs.Room.ID), ""}
	}
	ready, score := "Yes", strconv.Itoa(int(rs.Score+0.5))
	switch {
	case rs.Partial:
		ready, score = fmt.Sprintf("No: partly walked (%d%%)", rs.Coverage.Percent()), score+"*"
	case !rs.Ready:
		ready = "No"
	}
	return []string{label, score, ready, d.wifiFigures(rs.Room.ID), d.failures(rs.Room.ID)}
}

// failures lists what failed in a room, one problem a line, each with the
// auditor's note: "HDMI adapter missing — “taken to room 104”".
func (d *reportData) failures(roomID string) string {
	var parts []string
	for _, f := range d.Findings {
		if f.RoomID == roomID {
			it, _ := d.Template.Item(f.ItemID)
			part := sentence(problem(it, []string{f.Reason}))
			if n := strings.TrimSpace(d.scrubber.Scrub(f.Note)); n != "" {
				part += " — " + quoted(n)
			}
			parts = append(parts, part)
		}
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, "\n")
}

// wifiFigures gives a room's Wi-Fi readings as "signal dBm / latency ms /
// down Mbps", one line per Wi-Fi item answered.
func (d *reportData) wifiFigures(roomID string) string {
	var lines []string
	for _, a := range d.Answers {
		if a.RoomID != roomID || a.Deleted || a.Value == "" {
			continue
		}
		if it, ok := d.Template.Item(a.ItemID); !ok || it.Kind != audit.ItemWifi {
			continue
		}
		w, err := audit.ParseWifi(a.Value)
		if err != nil {
			continue
		}
		lines = append(lines, fmt.Sprintf("%s dBm / %s ms / %s Mbps", figure(w.SignalDBM), figure(w.LatencyMS), figure(w.DownMbps)))
	}
	return strings.Join(lines, "\n")
}

// figure rounds a reading for the table: whole numbers, one decimal below 10.
func figure(v *float64) string {
	if v == nil {
		return "-"
	}
	if math.Abs(*v) < 10 {
		return strconv.FormatFloat(math.Round(*v*10)/10, 'f', -1, 64)
	}
	return strconv.FormatFloat(math.Round(*v), 'f', 0, 64)
}

// actionRows lists the findings as the action plan, most urgent first:
// priority, then due date (undated last), then room.
func (d *reportData) actionRows() [][]string {
	fs := append([]audit.Finding(nil), d.Findings...)
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i].Action, fs[j].Action
		if a.Priority.Rank() != b.Priority.Rank() {
			return a.Priority.Rank() < b.Priority.Rank()
		}
		if a.DueDate != b.DueDate {
			return a.DueDate != "" && (b.DueDate == "" || a.DueDate < b.DueDate)
		}
		return false
	})
	rows := make([][]string, 0, len(fs))
	for _, f := range fs {
		a := f.Action
		it, _ := d.Template.Item(f.ItemID)
		what := sentence(problem(it, []string{d.scrubber.Scrub(f.Reason)}))
		if n := strings.TrimSpace(d.scrubber.Scrub(f.Note)); n != "" {
			what += " — " + quoted(n)
		}
		rows = append(rows, []string{what, f.RoomLabel, nonEmpty(a.OwnerTeam, "unassigned"), string(a.Priority),
			nonEmpty(a.DueDate, "-"), string(a.Status), nonEmpty(a.TicketKey, "-"), f.ShortID()})
	}
	return rows
}
