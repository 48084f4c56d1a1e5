// Package sqlite is the device store: TechWalk's data in one SQLite file
// (modernc.org/sqlite, pure Go), with its embedded migrations, queries,
// backups and restore, file locking, the demo database and the mapping of
// SQLite's result codes onto audit's sentinel errors.
package sqlite
