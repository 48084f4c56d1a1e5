package app

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
)

// signOffScreen is where the principal (or a teacher) signs the visit off
// at its end: name, role and a signature drawn with a finger or the mouse.
// Signing again replaces the signature until the visit is finished.
type signOffScreen struct {
	u      *ui
	visit  audit.Visit
	school audit.School
	signed audit.SignOff // the sign-off stored so far (empty when none)

	name     *widget.Entry
	role     *choiceRow
	pad      *signaturePad
	clearBtn *widget.Button
	saveBtn  *widget.Button
	backBtn  *widget.Button
	status   *statusBar
}

func newSignOffScreen(u *ui, visitID string) (*signOffScreen, error) {
	v, err := u.store.Visit(u.ctx, visitID)
	if err != nil {
		return nil, err
	}
	sc, err := u.store.School(u.ctx, v.SchoolID)
	if err != nil {
		return nil, err
	}
	so, err := u.store.SignOff(u.ctx, visitID)
	if err != nil && !errors.Is(err, audit.ErrNotSigned) {
		return nil, err
	}
	return &signOffScreen{u: u, visit: v, school: sc, signed: so}, nil
}

func (s *signOffScreen) buildUI() fyne.CanvasObject {
	s.name = widget.NewEntry()
	s.name.SetPlaceHolder("Name of the person signing")
	s.name.SetText(firstNonBlank(s.signed.Name, s.school.Principal))
	s.role = newChoiceRow(audit.SignOffRoles, audit.SignOffRoles, nil)
	s.role.set(firstNonBlank(s.signed.Role, audit.RolePrincipal))
	s.status = newStatusBar()
	s.pad = newSignaturePad(s.status.clear)
	s.clearBtn = widget.NewButtonWithIcon("Clear", theme.ContentClearIcon(), s.onClear)
	s.saveBtn = widget.NewButtonWithIcon("Save signature", theme.ConfirmIcon(), s.onSave)
	s.saveBtn.Importance = widget.HighImportance
	s.backBtn = widget.NewButtonWithIcon("Back to the summary", theme.NavigateBackIcon(), s.onBack)
	top := container.NewVBox(
		heading("Sign-off — "+s.school.Name+", visit of "+formatDate(s.visit.StartedAt)),
		smallLabel("The principal, or the teacher, signs to say they walked through the findings with you. The name, role, time and signature print on the report's last page."),
		container.NewBorder(nil, nil, widget.NewLabel("Name"), nil, s.name),
		s.roleButtons(),
	)
	bottom := container.NewVBox(
		container.NewGridWithColumns(3, tallBox(s.clearBtn), tallBox(s.backBtn), tallBox(s.saveBtn)),
		s.status.box,
	)
	s.showState()
	return container.NewBorder(top, bottom, nil, nil, s.pad)
}

// roleButtons puts the roles on one row, and the line that names the
// chosen one (while the screen is read-only) below.
func (s *signOffScreen) roleButtons() fyne.CanvasObject {
	row := container.NewGridWithColumns(len(s.role.buttons))
	for _, b := range s.role.buttons {
		row.Add(tallBox(b))
	}
	return container.NewVBox(row, s.role.answered)
}

// showState says whether the visit is signed, and locks the screen when
// the visit is finished.
func (s *signOffScreen) showState() {
	if s.visit.Finished() {
		setEnabled(false, s.saveBtn, s.clearBtn, s.name)
		s.role.setReadOnly(true)
		s.status.info("This visit is finished, so its sign-off stays as it is. Reopen the visit to sign again.")
		return
	}
	if s.signed.Signed() {
		s.status.info(signOffText(s.signed) + ". Sign again to replace it.")
	}
}

// onClear wipes the pad to start the signature again.
func (s *signOffScreen) onClear() {
	s.pad.clear()
}

// onSave stores the signature with the name and role, then goes back to
// the summary, which says it is signed.
func (s *signOffScreen) onSave() {
	if s.pad.empty() {
		s.status.failed(errors.New("nothing is signed yet: sign in the box above, then save"))
		return
	}
	img, err := s.pad.png()
	if err != nil {
		s.status.failed(fmt.Errorf("the signature could not be drawn: %w", err))
		return
	}
	so, err := s.u.store.SaveSignOff(s.u.ctx, audit.SignOff{VisitID: s.visit.ID, Name: s.name.Text, Role: s.role.value, PNG: img})
	if err != nil {
		s.status.failed(err)
		return
	}
	s.signed = so
	if f := s.u.showFinish(s.visit.ID); f != nil {
		f.status.success(signOffText(so) + ". Finish the visit when you are ready.")
	}
}

func (s *signOffScreen) onBack() {
	s.u.showFinish(s.visit.ID)
}

// signOffText is "Signed by Dana Okafor (Principal) at 14:30, 2 Nov 2026".
func signOffText(so audit.SignOff) string {
	return fmt.Sprintf("Signed by %s (%s) at %s, %s", so.Name, so.Role, so.SignedAt.Local().Format("15:04"), formatDate(so.SignedAt))
}
