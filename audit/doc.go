// Package audit is TechWalk's domain: schools, rooms, checklist templates,
// visits, answers, photos, teacher feedback, findings, scoring, the loop
// from visit to visit, anonymising, ordering and the errors every store
// returns.
//
// It knows no database, PDF or GUI: the SQLite store is audit/sqlite and
// the district lists and tracker exports are read by audit/importer.
package audit
