package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// touchInnerPadding is the space inside buttons, entries, selects and
// checks: with it every control is at least 44 points tall, a target a
// finger hits on a tablet (Fyne's default, 8, gives 36).
const touchInnerPadding = 13

// touchTheme is Fyne's theme with finger-sized controls and, in the light
// variant, buttons and input borders that stand out from the background.
type touchTheme struct{ fyne.Theme }

func newTouchTheme() fyne.Theme { return touchTheme{theme.DefaultTheme()} }

// Size enlarges the inner padding of controls.
func (t touchTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNameInnerPadding {
		return touchInnerPadding
	}
	return t.Theme.Size(n)
}

// Light-variant colours with enough contrast against the white background.
var (
	lightButton      = color.NRGBA{R: 0xdd, G: 0xe1, B: 0xe6, A: 0xff}
	lightInputBorder = color.NRGBA{R: 0x9a, G: 0xa0, B: 0xa8, A: 0xff}
	lightDisabledBtn = color.NRGBA{R: 0xee, G: 0xef, B: 0xf1, A: 0xff}
	lightSuccess     = color.NRGBA{R: 0x1e, G: 0x88, B: 0x3a, A: 0xff} // "Passes" and OK readable on white
)

// Color darkens the light variant's buttons, input borders and success green.
func (t touchTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if v == theme.VariantLight {
		switch n {
		case theme.ColorNameButton:
			return lightButton
		case theme.ColorNameInputBorder:
			return lightInputBorder
		case theme.ColorNameDisabledButton:
			return lightDisabledBtn
		case theme.ColorNameSuccess:
			return lightSuccess
		}
	}
	return t.Theme.Color(n, v)
}
