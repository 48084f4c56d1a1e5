package app

import (
	"strings"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit/sqlite"
)

// peopleDialog asks, as a visit starts, who walks it and who else is
// there, prefilled from Settings and the school's last visit; the report's
// cover prints both.
type peopleDialog struct {
	vs       *visitScreen
	walkedBy *widget.Entry
	present  *widget.Entry
	dlg      *dialog.FormDialog
}

// askPeopleAtStart opens the dialog when the visit has just started: not
// finished, nothing answered, nobody recorded as present. It asks once per
// visit while the app runs; Skip leaves the visit as it is.
func (vs *visitScreen) askPeopleAtStart() {
	v := vs.visit
	if v.Finished() || len(vs.answers) > 0 || strings.TrimSpace(v.People) != "" || vs.u.askedPeople[v.ID] {
		return
	}
	vs.u.askedPeople[v.ID] = true
	vs.people = newPeopleDialog(vs)
	vs.people.dlg.Show()
}

// closePeople closes the dialog, saving nothing, when another screen opens.
func (vs *visitScreen) closePeople() {
	if vs.people != nil {
		vs.people.dlg.Hide()
	}
}

func newPeopleDialog(vs *visitScreen) *peopleDialog {
	p := &peopleDialog{vs: vs, walkedBy: widget.NewEntry(), present: widget.NewMultiLineEntry()}
	suggested, err := vs.store.SuggestVisitPeople(vs.u.ctx, vs.visit.SchoolID)
	if err != nil {
		vs.u.showError(err)
	}
	p.walkedBy.SetText(firstNonBlank(vs.visit.Auditor, suggested.WalkedBy))
	p.walkedBy.SetPlaceHolder("Your name, and anyone walking with you")
	p.present.SetText(firstNonBlank(vs.visit.People, suggested.Present))
	p.present.SetPlaceHolder("Principal, tech coach, teachers: roles rather than full names")
	p.present.SetMinRowsVisible(3)
	items := []*widget.FormItem{
		widget.NewFormItem("Walked by", p.walkedBy),
		widget.NewFormItem("Also present", p.present),
	}
	p.dlg = dialog.NewForm("Who is on this walkthrough?", "Start walking", "Skip", items, p.onClose, vs.u.win)
	p.dlg.Resize(p.dlg.MinSize().AddWidthHeight(240, 0))
	return p
}

// onClose saves the names when the dialog is confirmed.
func (p *peopleDialog) onClose(save bool) {
	if !save {
		return
	}
	v, err := p.vs.store.SetVisitPeople(p.vs.u.ctx, p.vs.visit.ID, sqlite.VisitPeople{WalkedBy: p.walkedBy.Text, Present: p.present.Text})
	if err != nil {
		p.vs.u.showError(err)
		return
	}
	p.vs.visit = v
}

func firstNonBlank(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
