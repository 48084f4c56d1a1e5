package sqlite

import sqlite "modernc.org/sqlite"

// init makes SQLite lock the database file with open file description
// locks where the system has them (Linux). POSIX record locks, SQLite's
// default, belong to the whole process and vanish when any descriptor of
// the file is closed, by any code in the process; OFD locks belong to
// SQLite's own descriptor and survive such a close. It must run before the
// first database is opened, which an init function of this package does.
func init() {
	sqlite.OFDLocking(true) // elsewhere it reports ErrOFDLockingUnavailable and POSIX locks stay
}
