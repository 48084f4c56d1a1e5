// Package app is TechWalk's Fyne user interface: the screens a district
// technology leader uses while walking a school. It calls audit (and report)
// and holds no SQL of its own.
package app
