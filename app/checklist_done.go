package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
)

// roomDoneQuestion is what "Room done" asks when scored checks of the room
// have no answer: mark them n/a, or leave the room open.
type roomDoneQuestion struct {
	items  []audit.Item
	then   func() // what to do once the room is done; nil to stay
	dialog *dialog.ConfirmDialog
}

// markDone marks the room done, then calls then (when not nil). With
// unanswered scored checks it asks first: a room marked done with checks
// missing would count as walked when it was not.
func (c *checklist) markDone(then func()) {
	left := c.vs.tmpl.UnansweredScored(c.room.Kind, c.vs.answers[c.room.ID])
	if len(left) == 0 {
		c.setDone(true)
		if then != nil {
			then()
		}
		return
	}
	q := &roomDoneQuestion{items: left, then: then}
	q.dialog = dialog.NewCustomConfirm(checksNotAnswered(len(left)),
		"Mark them N/A", "Leave the room open", wrapLabel(roomDoneText(c.room, left)), c.onDoneAnswer, c.u.win)
	q.dialog.SetConfirmImportance(widget.HighImportance)
	q.dialog.Resize(dialogSize(c.u.win, 560))
	c.doneAsk = q
	q.dialog.Show()
}

// roomDoneText names the unanswered checks and what each choice does.
func roomDoneText(room audit.Room, left []audit.Item) string {
	names := make([]string, 0, 6)
	for _, it := range left[:min(len(left), 6)] {
		names = append(names, it.Label)
	}
	if len(left) > 6 {
		names = append(names, fmt.Sprintf("and %d more", len(left)-6))
	}
	return fmt.Sprintf("Room %s has checks without an answer: %s.\n\n"+
		"Mark them N/A when they do not apply to this room; the room is then done. "+
		"Leave the room open to answer them: a room with too few answers counts as partly walked, not ready to teach.",
		room.Label(), strings.Join(names, ", "))
}

// onDoneAnswer marks the unanswered checks n/a and the room done, or
// leaves the room open.
func (c *checklist) onDoneAnswer(markNA bool) {
	q := c.doneAsk
	c.doneAsk = nil
	if q == nil || !markNA {
		return
	}
	ids := make([]string, len(q.items))
	for i, it := range q.items {
		ids[i] = it.ID
	}
	saved, err := c.store.MarkNotApplicable(c.u.ctx, c.vs.visit.ID, c.room.ID, ids)
	if err != nil {
		c.saved.saved(err)
		return
	}
	for _, a := range saved {
		c.vs.recordAnswer(a)
	}
	c.setDone(true)
	if q.then != nil {
		q.then()
		return
	}
	c.vs.onPickRoom(c.room.ID) // shows the n/a answers
}

// checksNotAnswered is the question's title: "1 check not answered", "29 checks not answered".
func checksNotAnswered(n int) string {
	if n == 1 {
		return "1 check not answered"
	}
	return fmt.Sprintf("%d checks not answered", n)
}
