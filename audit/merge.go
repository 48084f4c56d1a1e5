package audit

import (
	"errors"
	"fmt"
	"strings"
)

// The merge rules: how a row from another device meets the row this
// device holds. Every store applies change sets through these functions,
// so a bundle imported on a laptop and a push to the district hub decide
// the same way.

// MergeOutcome is what applying one incoming row did.
type MergeOutcome int

// The outcomes of applying a row.
const (
	MergeUnchanged MergeOutcome = iota // the incoming row was already known, or older
	MergeAdded                         // the row was new here
	MergeUpdated                       // the incoming row replaced an older one
)

// LastWriter decides between the version held here (when there is one)
// and an incoming one by their clocks: the newer wins, a delete included,
// so a delete wins only when it is newer than the edit it meets and an old
// copy sent again never brings a deleted row back.
func LastWriter(have bool, local, incoming HLC) MergeOutcome {
	switch {
	case !have:
		return MergeAdded
	case incoming.After(local):
		return MergeUpdated
	}
	return MergeUnchanged
}

// CanonicalID picks the id two devices' copies of the same thing end up
// sharing: the smaller. It depends only on the two ids, so every device
// picks the same one whatever order it meets them in; the other id is
// mapped to it.
func CanonicalID(a, b string) string {
	if a == "" || b != "" && b < a {
		return b
	}
	return a
}

// NaturalText is how names and numbers compare when matching: trimmed,
// inner spaces collapsed, case folded.
func NaturalText(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// SameSchool reports whether two schools are the same site: by district
// code (NCES id) when both have one, else by name.
func SameSchool(a, b School) bool {
	ca, cb := NaturalText(a.Code), NaturalText(b.Code)
	if ca != "" && cb != "" {
		return ca == cb
	}
	return NaturalText(a.Name) != "" && NaturalText(a.Name) == NaturalText(b.Name)
}

// MatchSchool finds the school among have that in is the same site as: by
// code first, then by name; among several, the one with the smallest id.
func MatchSchool(in School, have []School) (School, bool) {
	for _, byCode := range []bool{true, false} {
		var best School
		found := false
		for _, h := range have {
			coded := NaturalText(h.Code) != "" && NaturalText(in.Code) != ""
			if coded == byCode && SameSchool(in, h) && (!found || h.ID < best.ID) {
				best, found = h, true
			}
		}
		if found {
			return best, true
		}
	}
	return School{}, false
}

// SameRoom reports whether two rooms of one school are the same room: by
// number, or by name when neither has a number.
func SameRoom(a, b Room) bool {
	if a.SchoolID != b.SchoolID {
		return false
	}
	na, nb := NaturalText(a.Number), NaturalText(b.Number)
	if na != "" || nb != "" {
		return na == nb
	}
	return NaturalText(a.Name) != "" && NaturalText(a.Name) == NaturalText(b.Name)
}

// MatchRoom finds the room among have (rooms of in's school) that in is;
// among several, the one with the smallest id.
func MatchRoom(in Room, have []Room) (Room, bool) {
	var best Room
	found := false
	for _, h := range have {
		if SameRoom(in, h) && (!found || h.ID < best.ID) {
			best, found = h, true
		}
	}
	return best, found
}

// ErrTemplateChanged is returned when an incoming template version has
// other content than the same version held here: a version never changes.
var ErrTemplateChanged = errors.New("template version already held with different content")

// MergeTemplate applies the rule that templates are immutable by (id,
// version): an unknown version is added, the same content is unchanged,
// and other content under a known version is refused.
func MergeTemplate(have bool, local, incoming TemplateChange) (MergeOutcome, error) {
	switch {
	case !have:
		return MergeAdded, nil
	case local.Body == incoming.Body:
		return MergeUnchanged, nil
	}
	return MergeUnchanged, fmt.Errorf("template %s version %s: %w; give the changed template a new version", incoming.ID, incoming.Version, ErrTemplateChanged)
}

// SamePhoto reports whether two photos are one: the same id, or the same
// picture (SHA-256) attached to the same visit, room and item. Photos are
// otherwise a union: every device's photos are kept.
func SamePhoto(a, b Photo) bool {
	return a.ID == b.ID || a.SHA256 == b.SHA256 && a.VisitID == b.VisitID && a.RoomID == b.RoomID && a.ItemID == b.ItemID
}

// AnswerVersion is an answer as a version of its (visit, room, item).
func AnswerVersion(a AnswerChange) Conflict {
	return Conflict{Kind: ConflictAnswer, VisitID: a.VisitID, RoomID: a.RoomID, ItemID: a.ItemID,
		Value: a.Value, Note: a.Note, Deleted: a.Deleted, Device: a.Device, Clock: a.Clock}
}

// MergeFeedback applies the rule that teacher feedback appends: entries
// are a union by id, so two devices' feedback for one room are both kept
// and never conflict; an edit of the same entry is last writer wins by
// clock.
func MergeFeedback(have bool, local, incoming HLC) MergeOutcome {
	return LastWriter(have, local, incoming)
}

// Keyed merges two versions of one keyed row (an answer by visit, room
// and item): the newer clock wins, the row
// keeps the canonical id of the two, and the losing version is returned to
// be kept among the conflicts. A version already held (same clock) is
// MergeUnchanged with no loser.
func Keyed(localID string, local Conflict, incomingID string, incoming Conflict) (winnerIncoming bool, id string, loser *Conflict) {
	id = CanonicalID(localID, incomingID)
	switch local.Clock.Compare(incoming.Clock) {
	case 0:
		return false, id, nil
	case -1:
		l := local
		return true, id, &l
	}
	in := incoming
	return false, id, &in
}

// OpenConflicts decides which losing versions of one answer still need a
// person: for each other device, its newest known version,
// when that differs from the winner in value, note or deletion and was not
// resolved. An older version a device replaced itself is not a conflict,
// and neither is one the winner's device wrote over. The answer depends
// only on the set of versions known, not on the order they arrived in.
func OpenConflicts(winner Conflict, versions []Conflict) []Conflict {
	newest := map[string]Conflict{}
	resolved := map[HLC]bool{}
	for _, v := range versions {
		if v.Resolved {
			resolved[v.Clock] = true
		}
		if v.Device == winner.Device || !winner.Clock.After(v.Clock) {
			continue
		}
		if cur, ok := newest[v.Device]; !ok || v.Clock.After(cur.Clock) {
			newest[v.Device] = v
		}
	}
	var out []Conflict
	for _, v := range newest {
		if resolved[v.Clock] || v.Value == winner.Value && v.Note == winner.Note && v.Deleted == winner.Deleted {
			continue
		}
		v.Resolved = false
		out = append(out, v)
	}
	return out
}

// Resolution is what a person chose for a conflict.
type Resolution int

// The choices a conflict offers ("2 answers differ: keep mine / keep theirs / keep both notes").
const (
	KeepMine Resolution = iota
	KeepTheirs
	KeepBothNotes
)

// Resolve returns the value and note to save when a person settles a
// conflict between mine and theirs: one side whole, or mine's value with
// both notes (each once, mine first).
func Resolve(mine, theirs Conflict, r Resolution) (value, note string) {
	switch r {
	case KeepTheirs:
		return theirs.Value, theirs.Note
	case KeepBothNotes:
		return mine.Value, joinNotes(mine.Note, theirs.Note)
	}
	return mine.Value, mine.Note
}

func joinNotes(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case b == "" || strings.Contains(a, b):
		return a
	case a == "" || strings.Contains(b, a):
		return b
	}
	return a + "\n" + b
}

// MergeAction merges a finding's action field by field: each field takes
// the newer of its two clocks, so an owner set on one device and a ticket
// key set on another both survive.
func MergeAction(have bool, local, incoming ActionChange) (ActionChange, MergeOutcome) {
	if !have {
		return incoming, MergeAdded
	}
	out, outcome := local, MergeUnchanged
	lf, inf := out.Fields(), incoming.Fields()
	for i := range lf {
		if inf[i].Clock.After(lf[i].Clock) {
			*lf[i] = *inf[i]
			outcome = MergeUpdated
		}
	}
	return out, outcome
}
