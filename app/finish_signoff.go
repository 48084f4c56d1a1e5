package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// signThumb is the size the summary shows a signature at.
var signThumb = fyne.NewSize(240, 80)

// buildSignOff makes the summary's sign-off part: who signed, the
// signature, and the button that opens the sign-off screen.
func (f *finishScreen) buildSignOff() fyne.CanvasObject {
	f.signText = wrapLabel("")
	f.signImg = canvas.NewImageFromResource(nil)
	f.signImg.FillMode = canvas.ImageFillContain
	f.signImg.SetMinSize(signThumb)
	f.signBtn = widget.NewButtonWithIcon("Sign off…", theme.DocumentCreateIcon(), func() { f.u.showSignOff(f.data.Visit.ID) })
	f.updateSignOff()
	return container.NewVBox(heading("Sign-off"), f.signText, container.NewHBox(f.signImg), tallBox(f.signBtn), widget.NewSeparator())
}

// updateSignOff shows the stored sign-off and what the button can do.
func (f *finishScreen) updateSignOff() {
	so := f.data.SignOff
	finished := f.data.Visit.Finished()
	switch {
	case so.Signed():
		f.signText.SetText(signOffText(so) + ".")
		f.signImg.Resource = fyne.NewStaticResource("signature.png", so.PNG)
		f.signImg.Image = nil
		f.signImg.Show()
		f.signBtn.SetText("Sign again…")
	case finished:
		f.signText.SetText("Not signed. The report's last page says so and leaves a line to sign a printed copy.")
		f.signImg.Hide()
	default:
		f.signText.SetText("Not signed yet. Before you finish, hand the device to the principal (or the teacher) to sign; the report prints the signature on its last page.")
		f.signImg.Hide()
	}
	if finished {
		f.signBtn.Disable()
		if so.Signed() {
			f.signText.SetText(signOffText(so) + ". Reopen the visit to sign again.")
		}
	}
	f.signImg.Refresh()
}
