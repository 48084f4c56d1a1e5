package sqlite

import (
	"encoding/binary"
	"errors"
	"math"

	"techwalk/audit"
)

// The summary table keeps a VisitSummary as a compact binary record, read
// for every visit each time the district picture is drawn: a version byte,
// a table of the strings it names, the ids of the rooms it was scored over
// (each score's room rows follow that order; the room records themselves
// are attached again from the school's rooms when read), then the figures.
// Integers are varints, floats their exact 8 bytes. A record of another
// version, or naming a room the school no longer has, is stale.

const summaryFormat = 3

// errStaleSummary means a stored summary names a room the school no longer
// has, or is another version of the record: it must be computed again.
var errStaleSummary = errors.New("summary: stale record")

var errShortSummary = errors.New("summary: record cut short")

type summaryWriter struct {
	body  []byte
	index map[string]int
	table []string
}

func (w *summaryWriter) int(n int) { w.body = binary.AppendVarint(w.body, int64(n)) }
func (w *summaryWriter) float(f float64) {
	w.body = binary.LittleEndian.AppendUint64(w.body, math.Float64bits(f))
}

func (w *summaryWriter) bool(b bool) {
	if b {
		w.int(1)
		return
	}
	w.int(0)
}

func (w *summaryWriter) str(s string) {
	i, ok := w.index[s]
	if !ok {
		i = len(w.table)
		w.index[s] = i
		w.table = append(w.table, s)
	}
	w.int(i)
}

func (w *summaryWriter) score(vs audit.VisitScore) {
	w.float(vs.Score)
	w.int(len(vs.Rooms))
	for _, r := range vs.Rooms {
		w.float(r.Score)
		w.float(r.Uncapped)
		w.float(r.Cap)
		for _, n := range []int{r.Scored, r.Failures, r.Answered, r.Items, r.Coverage.Answered, r.Coverage.Applicable} {
			w.int(n)
		}
		w.bool(r.Ready)
		w.bool(r.Partial)
	}
	w.int(len(vs.Categories))
	for _, c := range vs.Categories {
		w.str(c.Category)
		w.float(c.Score)
		w.int(c.Scored)
		w.int(c.Failures)
	}
	for _, n := range []int{vs.RoomsVisited, vs.RoomsReady, vs.RoomsPartly, vs.Failures, vs.Coverage.Answered, vs.Coverage.Applicable} {
		w.int(n)
	}
	t := vs.Teachers
	for _, n := range []int{t.Teachers, t.Inconveniences, t.Supports, t.SupportsN, t.Help, t.HelpN, t.ChooseAgainAnswers, t.ChooseAgainYes} {
		w.int(n)
	}
	w.bool(vs.Partial)
	w.float(vs.MinCoverage)
}

// encodeSummary writes a summary as the summary table keeps it.
func encodeSummary(sum audit.VisitSummary) []byte {
	w := &summaryWriter{index: map[string]int{}}
	w.int(len(sum.Score.Rooms))
	for _, r := range sum.Score.Rooms {
		w.str(r.Room.ID)
	}
	w.score(sum.Score)
	w.score(sum.Change.Now)
	w.score(sum.Change.Was)
	w.int(sum.Change.Common)
	w.bool(sum.HasChange)
	w.int(sum.FindingsOpen)
	w.int(sum.FixedSinceLast)
	w.int(len(sum.Failing))
	for _, f := range sum.Failing {
		w.str(f.RoomID)
		w.str(f.ItemID)
		w.str(f.Reason)
	}
	out := []byte{summaryFormat}
	out = binary.AppendUvarint(out, uint64(len(w.table)))
	for _, t := range w.table {
		out = binary.AppendUvarint(out, uint64(len(t)))
		out = append(out, t...)
	}
	return append(out, w.body...)
}

type summaryReader struct {
	b     []byte
	table []string
	rooms []string // the ids of the rooms scored, in the order of each score's rows
	err   error
}

func (r *summaryReader) int() int {
	if len(r.b) > 0 && r.b[0] < 0x80 { // one byte, as most are: zigzag, as binary.Varint reads it
		u := int(r.b[0])
		r.b = r.b[1:]
		return u>>1 ^ -(u & 1)
	}
	n, k := binary.Varint(r.b)
	if k <= 0 {
		r.fail(errShortSummary)
		return 0
	}
	r.b = r.b[k:]
	return int(n)
}

// count reads a length, at most what the rest of the record can hold.
func (r *summaryReader) count() int {
	n := r.int()
	if n < 0 || n > len(r.b) {
		r.fail(errShortSummary)
		return 0
	}
	return n
}

func (r *summaryReader) float() float64 {
	if len(r.b) < 8 {
		r.fail(errShortSummary)
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(r.b))
	r.b = r.b[8:]
	return f
}

func (r *summaryReader) bool() bool { return r.int() == 1 }

func (r *summaryReader) str() string {
	i := r.int()
	if i < 0 || i >= len(r.table) {
		r.fail(errShortSummary)
		return ""
	}
	return r.table[i]
}

func (r *summaryReader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.b = nil
}

func (r *summaryReader) score() audit.VisitScore {
	var vs audit.VisitScore
	vs.Score = r.float()
	n := r.count()
	if n != 0 && n != len(r.rooms) {
		r.fail(errStaleSummary)
		return vs
	}
	if n > 0 {
		vs.Rooms = make([]audit.RoomScore, 0, n)
	}
	for i := 0; i < n && r.err == nil; i++ {
		rs := audit.RoomScore{Room: audit.Room{Record: audit.Record{ID: r.rooms[i]}}, Score: r.float(), Uncapped: r.float(), Cap: r.float()}
		for _, p := range []*int{&rs.Scored, &rs.Failures, &rs.Answered, &rs.Items, &rs.Coverage.Answered, &rs.Coverage.Applicable} {
			*p = r.int()
		}
		rs.Ready, rs.Partial = r.bool(), r.bool()
		vs.Rooms = append(vs.Rooms, rs)
	}
	if n = r.count(); n > 0 {
		vs.Categories = make([]audit.CategoryScore, 0, n)
	}
	for i := 0; i < n && r.err == nil; i++ {
		vs.Categories = append(vs.Categories, audit.CategoryScore{Category: r.str(), Score: r.float(), Scored: r.int(), Failures: r.int()})
	}
	for _, p := range []*int{&vs.RoomsVisited, &vs.RoomsReady, &vs.RoomsPartly, &vs.Failures, &vs.Coverage.Answered, &vs.Coverage.Applicable} {
		*p = r.int()
	}
	var t audit.TeacherTally
	for _, p := range []*int{&t.Teachers, &t.Inconveniences, &t.Supports, &t.SupportsN, &t.Help, &t.HelpN, &t.ChooseAgainAnswers, &t.ChooseAgainYes} {
		*p = r.int()
	}
	vs.SetTeachers(t) // the feedback figures are read from the tally
	vs.Partial = r.bool()
	vs.MinCoverage = r.float()
	return vs
}

// decodeSummary reads a stored summary, attaching the school's live rooms
// by id; errStaleSummary says it is stale.
func decodeSummary(detail []byte, rooms map[string]audit.Room) (audit.VisitSummary, error) {
	sum, err := decodeSummaryRooms(detail)
	if err != nil {
		return sum, err
	}
	return sum, attachRooms(&sum, rooms)
}

// decodeSummaryRooms reads a stored summary whose room rows name their
// rooms by id alone (attachRooms gives them the records); it needs no
// school, so summaries can be read while the rooms are.
func decodeSummaryRooms(detail []byte) (audit.VisitSummary, error) {
	var sum audit.VisitSummary
	if len(detail) == 0 || detail[0] != summaryFormat {
		return sum, errStaleSummary
	}
	r := &summaryReader{b: detail[1:]}
	if err := r.readTable(); err != nil {
		return sum, err
	}
	n := r.count()
	r.rooms = make([]string, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		r.rooms = append(r.rooms, r.str())
	}
	sum.Score = r.score()
	sum.Change.Now = r.score()
	sum.Change.Was = r.score()
	sum.Change.Common = r.int()
	sum.HasChange = r.bool()
	sum.FindingsOpen = r.int()
	sum.FixedSinceLast = r.int()
	if n = r.count(); n > 0 {
		sum.Failing = make([]audit.FailingCheck, 0, n)
	}
	for i := 0; i < n && r.err == nil; i++ {
		sum.Failing = append(sum.Failing, audit.FailingCheck{RoomID: r.str(), ItemID: r.str(), Reason: r.str()})
	}
	if r.err == nil && len(r.b) != 0 {
		r.err = errShortSummary
	}
	return sum, r.err
}

// attachRooms replaces the room ids of a summary read by
// decodeSummaryRooms with the school's live rooms; errStaleSummary says one
// of them is gone. Every room the summary names has a row in its score.
func attachRooms(sum *audit.VisitSummary, rooms map[string]audit.Room) error {
	for _, vs := range []*audit.VisitScore{&sum.Score, &sum.Change.Now, &sum.Change.Was} {
		for i := range vs.Rooms {
			room, ok := rooms[vs.Rooms[i].Room.ID]
			if !ok {
				return errStaleSummary
			}
			vs.Rooms[i].Room = room
		}
	}
	return nil
}

// readTable reads the table of strings, all cut from one copy of its bytes.
func (r *summaryReader) readTable() error {
	n, k := binary.Uvarint(r.b)
	if k <= 0 || n > uint64(len(r.b)) {
		return errShortSummary
	}
	b := r.b[k:]
	end := 0
	for range n {
		l, k := binary.Uvarint(b[end:])
		if k <= 0 || l > uint64(len(b)-end-k) {
			return errShortSummary
		}
		end += k + int(l)
	}
	all := string(b[:end])
	r.table = make([]string, 0, n)
	for at := 0; len(r.table) < int(n); {
		l, k := binary.Uvarint(b[at:])
		r.table = append(r.table, all[at+k:at+k+int(l)])
		at += k + int(l)
	}
	r.b = b[end:]
	return nil
}
