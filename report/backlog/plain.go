package backlog

import (
	"bytes"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"techwalk/audit"
)

// PlainFinding is one finding with every field, as the plain CSV and JSON
// exports write it. Times are RFC 3339 in UTC.
type PlainFinding struct {
	ID              string `json:"id"`
	ShortID         string `json:"short_id"`
	Title           string `json:"title"`
	VisitID         string `json:"visit_id"`
	VisitStarted    string `json:"visit_started"`
	TemplateID      string `json:"template_id"`
	TemplateVersion string `json:"template_version"`
	SchoolID        string `json:"school_id"`
	SchoolName      string `json:"school_name"`
	SchoolCode      string `json:"school_code"`
	RoomID          string `json:"room_id"`
	Room            string `json:"room"`
	RoomKind        string `json:"room_kind"`
	Teacher         string `json:"teacher"`
	ItemID          string `json:"item_id"`
	Item            string `json:"item"`
	Section         string `json:"section"`
	Category        string `json:"category"`
	Severity        string `json:"severity"`
	TeacherImpact   string `json:"teacher_impact"`
	Value           string `json:"value"`
	Reason          string `json:"reason"`
	Note            string `json:"note"`
	PhotoCount      int    `json:"photo_count"`
	FirstSeen       string `json:"first_seen"`
	UpdatedAt       string `json:"updated_at"`
	OwnerTeam       string `json:"owner_team"`
	Priority        string `json:"priority"`
	DueDate         string `json:"due_date"`
	Status          string `json:"status"`
	TicketKey       string `json:"ticket_key"`
	GroupID         string `json:"group_id"`
	BacklogID       string `json:"backlog_id"` // the fault's first finding: the same on every visit that sees it
	Sightings       int    `json:"sightings"`  // walkthroughs that saw the fault failing
	FixedOn         string `json:"fixed_on"`   // the date a later visit found it passing; "" while it fails
}

// PlainGroup is one grouped issue of the plain exports: a checklist item's
// findings across the rooms of a school.
type PlainGroup struct {
	ID            string         `json:"id"`
	Title         string         `json:"title"`
	SchoolID      string         `json:"school_id"`
	SchoolName    string         `json:"school_name"`
	SchoolCode    string         `json:"school_code"`
	Rooms         []string       `json:"rooms"`
	ItemID        string         `json:"item_id"`
	Item          string         `json:"item"`
	Section       string         `json:"section"`
	Category      string         `json:"category"`
	Severity      string         `json:"severity"`
	TeacherImpact string         `json:"teacher_impact"`
	Reasons       []string       `json:"reasons"`
	PhotoCount    int            `json:"photo_count"`
	FirstSeen     string         `json:"first_seen"`
	OwnerTeam     string         `json:"owner_team"`
	Priority      string         `json:"priority"`
	DueDate       string         `json:"due_date"`
	Status        string         `json:"status"`
	TicketKey     string         `json:"ticket_key"`
	Findings      []PlainFinding `json:"findings"`
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// plainFinding is f with every field; ids caches the group ids, which
// cost a SHA-1 each.
func plainFinding(f *audit.Finding, ids groupIDs) PlainFinding {
	first, updated := stamp(f.FirstSeen), ""
	if updated = first; f.UpdatedAt != f.FirstSeen { // most answers were never edited
		updated = stamp(f.UpdatedAt)
	}
	return PlainFinding{ID: f.ID, ShortID: f.ShortID(), Title: singleTitle(f), VisitID: f.VisitID, VisitStarted: stamp(f.VisitStarted),
		TemplateID: f.TemplateID, TemplateVersion: f.TemplateVersion, SchoolID: f.SchoolID, SchoolName: f.SchoolName,
		SchoolCode: f.SchoolCode, RoomID: f.RoomID, Room: f.RoomLabel, RoomKind: string(f.RoomKind), Teacher: f.Teacher,
		ItemID: f.ItemID, Item: f.ItemLabel, Section: f.Section, Category: f.Category, Severity: string(f.Severity),
		TeacherImpact: teacherImpact(f.Severity), Value: f.Value, Reason: f.Reason, Note: f.Note, PhotoCount: f.PhotoCount,
		FirstSeen: first, UpdatedAt: updated, OwnerTeam: f.Action.OwnerTeam,
		Priority: string(f.Priority()), DueDate: f.Action.DueDate, Status: string(f.Action.Status),
		TicketKey: f.Action.TicketKey, GroupID: ids.of(f), BacklogID: f.BacklogID(), Sightings: max(f.Loop.Sightings, 1),
		FixedOn: day(f.Loop.FixedOn)}
}

// day is a date as YYYY-MM-DD, or "" for the zero time.
func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

// groupIDs remembers the group id of each school and checklist item.
type groupIDs map[[2]string]string

func (g groupIDs) of(f *audit.Finding) string {
	k := [2]string{f.SchoolID, f.ItemID}
	id, ok := g[k]
	if !ok {
		id = f.GroupID()
		g[k] = id
	}
	return id
}

func plainGroup(is backlogItem, ids groupIDs) PlainGroup {
	f := is.first()
	owner, due, ticket := is.action()
	g := PlainGroup{ID: is.ID, Title: is.title(), SchoolID: f.SchoolID, SchoolName: f.SchoolName, SchoolCode: f.SchoolCode,
		Rooms: is.rooms(), ItemID: f.ItemID, Item: f.ItemLabel, Section: f.Section, Category: f.Category,
		Severity: string(is.severity()), TeacherImpact: teacherImpact(is.severity()), Reasons: is.reasons(),
		PhotoCount: is.photos(), FirstSeen: stamp(is.since()), OwnerTeam: owner, Priority: string(is.priority()),
		DueDate: due, Status: string(is.status()), TicketKey: ticket}
	if g.Reasons == nil {
		g.Reasons = []string{}
	}
	for i := range is.Findings {
		g.Findings = append(g.Findings, plainFinding(&is.Findings[i], ids))
	}
	return g
}

func (ex *exporter) plainJSON(items []backlogItem) any {
	ids := groupIDs{}
	if ex.opt.Grouped {
		out := make([]PlainGroup, len(items))
		for i, is := range items {
			out[i] = plainGroup(is, ids)
		}
		return out
	}
	out := make([]PlainFinding, len(items))
	for i, is := range items {
		out[i] = plainFinding(is.first(), ids)
	}
	return out
}

var plainFindingHeader = []string{"id", "short_id", "title", "visit_id", "visit_started", "template_id", "template_version",
	"school_id", "school_name", "school_code", "room_id", "room", "room_kind", "teacher", "item_id", "item", "section",
	"category", "severity", "teacher_impact", "value", "reason", "note", "photo_count", "first_seen", "updated_at",
	"owner_team", "priority", "due_date", "status", "ticket_key", "group_id", "backlog_id", "sightings", "fixed_on"}

// appendRecord appends the finding's cells in the order of plainFindingHeader.
func (p *PlainFinding) appendRecord(rec []string) []string {
	return append(rec, p.ID, p.ShortID, p.Title, p.VisitID, p.VisitStarted, p.TemplateID, p.TemplateVersion,
		p.SchoolID, p.SchoolName, p.SchoolCode, p.RoomID, p.Room, p.RoomKind, p.Teacher, p.ItemID, p.Item, p.Section,
		p.Category, p.Severity, p.TeacherImpact, p.Value, p.Reason, p.Note, strconv.Itoa(p.PhotoCount), p.FirstSeen, p.UpdatedAt,
		p.OwnerTeam, p.Priority, p.DueDate, p.Status, p.TicketKey, p.GroupID, p.BacklogID, strconv.Itoa(p.Sightings), p.FixedOn)
}

var plainGroupHeader = []string{"id", "title", "school_id", "school_name", "school_code", "rooms", "room_count", "item_id",
	"item", "section", "category", "severity", "teacher_impact", "reasons", "photo_count", "first_seen", "owner_team",
	"priority", "due_date", "status", "ticket_key", "finding_ids"}

func (g PlainGroup) record() []string {
	ids := make([]string, len(g.Findings))
	for i, f := range g.Findings {
		ids[i] = f.ID
	}
	return []string{g.ID, g.Title, g.SchoolID, g.SchoolName, g.SchoolCode, strings.Join(g.Rooms, ", "), strconv.Itoa(len(g.Rooms)),
		g.ItemID, g.Item, g.Section, g.Category, g.Severity, g.TeacherImpact, strings.Join(g.Reasons, "; "),
		strconv.Itoa(g.PhotoCount), g.FirstSeen, g.OwnerTeam, g.Priority, g.DueDate, g.Status, g.TicketKey, strings.Join(ids, " ")}
}

func (ex *exporter) plainRows(items []backlogItem, emit func([]string) error) error {
	ids := groupIDs{}
	if ex.opt.Grouped {
		if err := emit(plainGroupHeader); err != nil {
			return err
		}
		for _, is := range items {
			if err := emit(plainGroup(is, ids).record()); err != nil {
				return err
			}
		}
		return nil
	}
	if err := emit(plainFindingHeader); err != nil {
		return err
	}
	rec := make([]string, 0, len(plainFindingHeader))
	for _, is := range items {
		p := plainFinding(is.first(), ids)
		if err := emit(p.appendRecord(rec[:0])); err != nil {
			return err
		}
	}
	return nil
}

// plainBlock is how many rows of a plain CSV a goroutine formats at a time.
const plainBlock = 1024

// writePlainCSV writes the plain CSV of single findings, as writeCSV with
// plainRows would, formatting blocks of rows on every core.
func writePlainCSV(w io.Writer, bom bool, items []backlogItem) error {
	bw, err := newCSVWriter(w, bom)
	if err != nil {
		return err
	}
	header := newSafeWriter(bw)
	if err := header.Write(plainFindingHeader); err != nil {
		return err
	}
	if err := header.flush(); err != nil {
		return err
	}
	blocks := (len(items) + plainBlock - 1) / plainBlock
	err = formatInOrder(blocks, func() func(int, []byte) []byte {
		ids, rec := groupIDs{}, make([]string, 0, len(plainFindingHeader))
		return func(b int, buf []byte) []byte {
			out := bytes.NewBuffer(buf)
			cw := newSafeWriter(out)
			for _, is := range items[b*plainBlock : min((b+1)*plainBlock, len(items))] {
				p := plainFinding(is.first(), ids)
				_ = cw.Write(p.appendRecord(rec[:0])) // a bytes.Buffer takes every write
			}
			_ = cw.flush()
			return out.Bytes()
		}
	}, func(p []byte) error {
		_, err := bw.Write(p)
		return err
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// formatInOrder has blocks 0 to n-1 formatted on as many goroutines as
// there are cores, each with a formatter newFormat makes for it, and
// writes them in order; at most two blocks a goroutine wait to be written.
// It stops at the first write error.
func formatInOrder(n int, newFormat func() func(block int, buf []byte) []byte, write func([]byte) error) error {
	workers := runtime.GOMAXPROCS(0)
	free := make(chan []byte, 2*workers) // the buffers; taking one comes before taking a block
	for range cap(free) {
		free <- nil
	}
	out := make([]chan []byte, n)
	for i := range out {
		out[i] = make(chan []byte, 1)
	}
	done := make(chan struct{})
	defer close(done)
	var next atomic.Int64
	for range workers {
		go formatBlocks(newFormat(), &next, n, free, out, done)
	}
	for _, ch := range out {
		buf := <-ch
		if err := write(buf); err != nil {
			return err
		}
		free <- buf
	}
	return nil
}

// formatBlocks takes a free buffer, then the next block, formats it into
// the buffer and hands it over, until no block is left or done is closed.
func formatBlocks(format func(int, []byte) []byte, next *atomic.Int64, n int, free chan []byte, out []chan []byte, done chan struct{}) {
	for {
		var buf []byte
		select {
		case buf = <-free:
		case <-done:
			return
		}
		b := int(next.Add(1)) - 1
		if b >= n {
			return
		}
		out[b] <- format(b, buf[:0])
	}
}
