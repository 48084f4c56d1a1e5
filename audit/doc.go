// Package audit is TechWalk's domain: schools, rooms, checklist templates,
// visits, answers, photos, teacher feedback, findings and scoring, together
// with the SQLite store that keeps them offline.
//
// The package imports neither Fyne nor the report package; everything the
// app can do is reachable from here without a window.
package audit
