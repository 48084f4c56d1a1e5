package bundle

import (
	"bytes"
	"unicode/utf8"

	"techwalk/audit"
)

// answersPart is the answers part, whose rows (most of a bundle's) are
// read through readAnswerLine first.
func answersPart(rows *[]audit.AnswerChange) part {
	p := partOf("answers", rows)
	p.decode = func(data []byte, maxLine int) (int, error) {
		return decodeLines("answers", data, maxLine, rows, readAnswerLine)
	}
	return p
}

// readAnswerLine reads an answer row written exactly as encoding/json
// writes an audit.AnswerChange: every field once, in order, strings
// without escapes. It reports false for any other line, which then goes
// to the JSON decoder; what it accepts, the decoder would read the same.
func readAnswerLine(line []byte, a *audit.AnswerChange) bool {
	r := lineReader{rest: line, ok: true}
	r.lit(`{"ID":`)
	a.ID = r.str()
	r.lit(`,"CreatedAt":`)
	if t := r.quoted(); r.ok && a.CreatedAt.UnmarshalJSON(t) != nil {
		return false
	}
	r.lit(`,"UpdatedAt":`)
	if t := r.quoted(); r.ok && a.UpdatedAt.UnmarshalJSON(t) != nil {
		return false
	}
	r.lit(`,"Device":`)
	a.Device = r.str()
	r.lit(`,"Deleted":`)
	a.Deleted = r.boolean()
	r.lit(`,"VisitID":`)
	a.VisitID = r.str()
	r.lit(`,"RoomID":`)
	a.RoomID = r.str()
	r.lit(`,"ItemID":`)
	a.ItemID = r.str()
	r.lit(`,"Value":`)
	a.Value = r.str()
	r.lit(`,"Note":`)
	a.Note = r.str()
	r.lit(`,"Clock":`)
	if c := r.quoted(); r.ok && a.Clock.UnmarshalText(c[1:len(c)-1]) != nil {
		return false
	}
	r.lit(`}`)
	return r.ok && len(r.rest) == 0
}

// lineReader takes a line apart from the front; after the first mismatch
// ok is false and every further read gives nothing.
type lineReader struct {
	rest []byte
	ok   bool
}

func (r *lineReader) lit(s string) {
	if r.ok && len(r.rest) >= len(s) && string(r.rest[:len(s)]) == s {
		r.rest = r.rest[len(s):]
		return
	}
	r.ok = false
}

// quoted is a JSON string with its quotes, when it holds no escape, no
// control character and only valid UTF-8 (text JSON reads unchanged).
func (r *lineReader) quoted() []byte {
	if !r.ok || len(r.rest) == 0 || r.rest[0] != '"' {
		r.ok = false
		return nil
	}
	end := bytes.IndexByte(r.rest[1:], '"') + 1
	if end == 0 {
		r.ok = false
		return nil
	}
	body := r.rest[1:end]
	for _, c := range body {
		if c < 0x20 || c == '\\' {
			r.ok = false
			return nil
		}
	}
	if !utf8.Valid(body) {
		r.ok = false
		return nil
	}
	q := r.rest[:end+1]
	r.rest = r.rest[end+1:]
	return q
}

func (r *lineReader) str() string {
	q := r.quoted()
	if !r.ok {
		return ""
	}
	return string(q[1 : len(q)-1])
}

func (r *lineReader) boolean() bool {
	switch {
	case !r.ok:
	case bytes.HasPrefix(r.rest, []byte("true")):
		r.rest = r.rest[4:]
		return true
	case bytes.HasPrefix(r.rest, []byte("false")):
		r.rest = r.rest[5:]
		return false
	}
	r.ok = false
	return false
}
