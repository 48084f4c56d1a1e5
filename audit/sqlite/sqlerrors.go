package sqlite

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"techwalk/audit"
)

// SQLite result codes (the low byte of an extended code) that TechWalk
// explains to people instead of passing on.
const (
	sqliteBusy     = 5
	sqliteLocked   = 6
	sqliteReadOnly = 8
	sqliteIOErr    = 10
	sqliteCorrupt  = 11
	sqliteFull     = 13
	sqliteCantOpen = 14
	sqliteNotADB   = 26
	sqliteIOWrite  = sqliteIOErr | 3<<8
	sqliteIOFsync  = sqliteIOErr | 4<<8
	sqliteIOTrunc  = sqliteIOErr | 6<<8
	sqliteIOShort  = sqliteIOErr | 2<<8
	sqliteBusySnap = sqliteBusy | 2<<8
)

// sqliteCode returns the extended SQLite result code carried by err, or 0.
func sqliteCode(err error) int {
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		return coded.Code()
	}
	return 0
}

func isBusy(code int) bool { return code&0xff == sqliteBusy || code&0xff == sqliteLocked }

func isReadOnly(code int) bool { return code&0xff == sqliteReadOnly }

func isCantOpen(code int) bool { return code&0xff == sqliteCantOpen }

func isDiskFull(code int) bool {
	switch code {
	case sqliteFull, sqliteIOWrite, sqliteIOFsync, sqliteIOTrunc:
		return true
	}
	return code&0xff == sqliteFull
}

func isDamaged(code int) bool {
	return code&0xff == sqliteCorrupt || code&0xff == sqliteNotADB || code == sqliteIOShort
}

// saveError turns a failed change into a message a person can act on. The
// change was rolled back, so the message says nothing of it was saved.
func saveError(err error) error {
	if err == nil {
		return nil
	}
	code := sqliteCode(err)
	switch {
	case isBusy(code):
		return fmt.Errorf("%w (nothing from this change was saved)", audit.ErrBusy)
	case isReadOnly(code):
		return fmt.Errorf("%w (nothing from this change was saved; it was opened for reading only, or its file or folder became read-only)", audit.ErrReadOnly)
	case isDiskFull(code):
		return fmt.Errorf("%w: free some space and try again; nothing from this change was saved (%v)", audit.ErrDiskFull, err)
	case isDamaged(code):
		return fmt.Errorf("%w (nothing from this change was saved): %v", audit.ErrDamaged, err)
	}
	return err
}

// damagedError explains that the file at path cannot be read, names what
// to run and, when one exists, the newest automatic backup to restore.
func damagedError(path string, err error) error {
	return fmt.Errorf("%s: %w (%v); nothing was changed; %s", path, audit.ErrDamaged, err, backupHint(path))
}

// backupHint tells what to run about an unreadable database, naming the
// newest automatic backup when one exists.
func backupHint(path string) string {
	backups, _ := Backups(path)
	if len(backups) == 0 {
		return "run 'techwalk check' to look at it"
	}
	return fmt.Sprintf("the newest automatic backup is %s: run 'techwalk check' to see all backups, and 'techwalk restore %s' to go back to it",
		filepath.Base(backups[0]), backups[0])
}

// readError explains read failures caused by a damaged file, busy locks
// or anything else SQLite reports, naming the database.
func (s *Store) readError(err error) error {
	if err == nil {
		return nil
	}
	code := sqliteCode(err)
	switch {
	case isDamaged(code) || schemaDamaged(code, err):
		return damagedError(s.path, err)
	case isBusy(code):
		return fmt.Errorf("%w", audit.ErrBusy)
	}
	return err
}

// schemaDamaged reports whether SQLite could not find a table or column
// TechWalk's own queries use: the stored schema text was damaged.
func schemaDamaged(code int, err error) bool {
	msg := err.Error()
	return code&0xff == 1 && (strings.Contains(msg, "no such column") || strings.Contains(msg, "no such table"))
}
