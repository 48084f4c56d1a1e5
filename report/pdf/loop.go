package pdf

import (
	"fmt"
	"sort"
	"strings"

	"techwalk/audit"
)

// maxLoopLines bounds each list of the loop, so a long history cannot fill pages.
const maxLoopLines = 12

// loopLists prints what the previous visits' faults became: the ones this
// visit found fixed, and the ones still failing with how long they have been open.
func (d *doc) loopLists() {
	fixed, open := d.r.fixLines(), d.r.stillOpenLines()
	if d.r.prev == nil && len(fixed) == 0 && len(open) == 0 {
		return
	}
	d.y += 4
	d.subheading("Fixed since the last visit", 12)
	d.bullets(fixed, "Nothing reported on an earlier visit was found fixed on this one.")
	d.y += 3
	d.subheading("Still open from earlier visits", 12)
	d.bullets(open, "No fault seen on an earlier visit is still failing.")
}

// bullets prints lines as a list, or none when there are none.
func (d *doc) bullets(lines []string, none string) {
	d.setInk(greyInk)
	if len(lines) == 0 {
		d.paragraph(d.left(), d.contentW(), none, stBody)
		return
	}
	shown := lines[:min(len(lines), maxLoopLines)]
	for _, l := range shown {
		d.need(lineHeight(stBody))
		d.text(d.left(), d.y, "•", stBody)
		d.paragraph(d.left()+5, d.contentW()-5, l, stBody)
		d.y += 0.6
	}
	if len(lines) > len(shown) {
		d.paragraph(d.left(), d.contentW(), fmt.Sprintf("and %d more.", len(lines)-len(shown)), stSmall)
	}
}

// fixLines phrases the fixes this visit verified: "HDMI adapter in room 104:
// fixed, verified on 6 Oct 2026 (first seen 6 Apr 2026; ticket ITS-100)".
func (r *reportData) fixLines() []string {
	order := map[string]int{}
	for i, room := range r.Rooms {
		order[room.ID] = i
	}
	fixes := append([]audit.Fix(nil), r.Fixed...)
	sort.SliceStable(fixes, func(i, j int) bool { return order[fixes[i].RoomID] < order[fixes[j].RoomID] })
	var out []string
	for _, fx := range fixes {
		label := fx.ItemID
		if it, ok := r.Template.Item(fx.ItemID); ok {
			label = it.Label
		}
		detail := "first seen " + fx.FirstSeen.Format("2 Jan 2006")
		if fx.Sightings > 1 {
			detail += fmt.Sprintf(", on %d walkthroughs", fx.Sightings)
		}
		if fx.TicketKey != "" {
			detail += "; ticket " + fx.TicketKey + " can be closed"
		}
		out = append(out, fmt.Sprintf("%s in %s: fixed, verified on %s (%s).", label, roomPhrase(r.rooms[fx.RoomID]),
			fx.FixedOn.Format("2 Jan 2006"), detail))
	}
	return out
}

// stillOpenLines phrases the faults an earlier visit already saw that still
// fail, oldest first: "Display in room 101: open 183 days (seen on 2
// walkthroughs, first 6 Apr 2026, ticket ITS-100)".
func (r *reportData) stillOpenLines() []string {
	var fs []audit.Finding
	for _, f := range r.Findings {
		if f.Loop.Recurring() {
			fs = append(fs, f)
		}
	}
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].FirstSeen.Before(fs[j].FirstSeen) })
	out := make([]string, len(fs))
	for i, f := range fs {
		days := f.AgeDays(r.Visit.StartedAt)
		out[i] = fmt.Sprintf("%s in %s: open %d %s (%s).", f.ItemLabel, roomPhrase(r.rooms[f.RoomID]), days,
			plural(days, "day", "days"), strings.TrimSpace(f.History()))
	}
	return out
}
