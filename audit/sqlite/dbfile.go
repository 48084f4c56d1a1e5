package sqlite

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"techwalk/audit"
)

// Sidecar suffixes: SQLite's working files beside the database, and the
// lock file TechWalk processes hold while they have the database open.
const (
	walSuffix     = "-wal"
	shmSuffix     = "-shm"
	journalSuffix = "-journal"
	lockSuffix    = "-lock"
)

// DatabaseFiles lists the files that belong to the database at path: the
// file itself, SQLite's -wal, -shm and -journal and TechWalk's -lock file.
// Nothing in a TechWalk process other than SQLite may open any of them.
func DatabaseFiles(path string) []string {
	return []string{path, path + walSuffix, path + shmSuffix, path + journalSuffix, path + lockSuffix}
}

// statDatabase says what is at path: nil for a regular file, an error
// wrapping ErrNoDatabase when nothing is there, ErrNotAFile for a folder or
// a device, and the system's error otherwise.
func statDatabase(path string) error {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: %w (check the path given with --db or %s; nothing was created)", path, audit.ErrNoDatabase, EnvDB)
	case err != nil:
		return fmt.Errorf("%s: %w", path, err)
	case info.IsDir():
		return fmt.Errorf("%s is a folder: %w; give the path of the .db file inside it (nothing was changed)", path, audit.ErrNotAFile)
	case !info.Mode().IsRegular():
		return fmt.Errorf("%s is a device, pipe or socket, %w; give the path of a .db file (nothing was changed)", path, audit.ErrNotAFile)
	}
	return nil
}

// checkDatabasePath refuses paths SQLite would misread as URI parameters.
func checkDatabasePath(path string) error {
	if strings.ContainsAny(path, "?#") {
		return fmt.Errorf("database path %q contains '?' or '#'; choose a path without them", path)
	}
	return nil
}

// createDatabaseFile makes the folder (0700) and an empty file (0600) when
// nothing is at path yet; an existing regular file is left as it is.
func createDatabaseFile(path string) error {
	err := statDatabase(path)
	if !errors.Is(err, audit.ErrNoDatabase) {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("create the data folder for %s: %w (the folder above it may not be written)", path, audit.ErrReadOnly)
		}
		return fmt.Errorf("create the data folder for %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil // another process created it meanwhile
	}
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("create %s: %w (its folder may not be written)", path, audit.ErrReadOnly)
	}
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	return f.Close()
}

// writableError explains why TechWalk may not write the database at path
// (the file's mode, or a folder where SQLite cannot create its -wal and
// -shm files), or returns nil when both can be written.
func writableError(path string) error {
	if err := canWrite(path); err != nil {
		mode := ""
		if info, statErr := os.Stat(path); statErr == nil {
			mode = fmt.Sprintf(" (mode %04o)", info.Mode().Perm())
		}
		return fmt.Errorf("%s is read-only%s: %w. TechWalk saves every answer into it, so it must be writable: "+
			"make it writable (chmod u+w %s) or work on a copy. Reading commands (schools, visits, report, export, check) still work. "+
			"The file is not damaged and nothing was changed", path, mode, audit.ErrReadOnly, path)
	}
	dir := filepath.Dir(path)
	if err := canWrite(dir); err != nil {
		return fmt.Errorf("the folder %s is read-only: %w. TechWalk keeps its working files (%s-wal, %s-shm) beside the database, "+
			"so the folder must be writable: make it writable (chmod u+w %s) or move the file. Reading commands "+
			"(schools, visits, report, export, check) still work. The file is not damaged and nothing was changed",
			dir, audit.ErrReadOnly, filepath.Base(path), filepath.Base(path), dir)
	}
	return nil
}

// sqliteHeader starts every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// checkHeader refuses an existing file that is not SQLite before SQLite
// touches it. It reads the first bytes only when no store of this process
// has the file open, because closing any descriptor of a file drops the
// process's POSIX locks on it where SQLite still uses them.
func checkHeader(path string) error {
	if openInProcess(path) {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("%s cannot be read: %w (check its permissions); nothing was changed", path, audit.ErrReadOnly)
		}
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	n, err := io.ReadFull(f, head)
	if n == 0 {
		return nil // new or empty: SQLite will initialise it
	}
	if err != nil || string(head) != sqliteHeader {
		return fmt.Errorf("%s: %w (the file is not an SQLite database; nothing was changed); %s", path, audit.ErrNotTechWalk, backupHint(path))
	}
	return nil
}

// inProcess records the files that stores of this process have open.
var inProcess struct {
	sync.Mutex
	files []os.FileInfo
}

// registerOpen notes that a store of this process has path open; the
// returned function forgets it again.
func registerOpen(path string) func() {
	info, err := os.Stat(path)
	if err != nil {
		return func() {}
	}
	inProcess.Lock()
	inProcess.files = append(inProcess.files, info)
	inProcess.Unlock()
	return func() {
		inProcess.Lock()
		defer inProcess.Unlock()
		for i, f := range inProcess.files {
			if f == info {
				inProcess.files = append(inProcess.files[:i], inProcess.files[i+1:]...)
				return
			}
		}
	}
}

// openInProcess reports whether a store of this process has path open.
func openInProcess(path string) bool {
	info, err := os.Stat(path)
	if err != nil {
		return false
	}
	inProcess.Lock()
	defer inProcess.Unlock()
	for _, f := range inProcess.files {
		if os.SameFile(f, info) {
			return true
		}
	}
	return false
}

// IsDatabaseFile reports whether name is the database file of a store open
// in this process, or one of its working files (-wal, -shm, -journal,
// -lock). Code that opens files the user picks asks this first: closing any
// descriptor of those files inside this process would drop SQLite's locks.
func IsDatabaseFile(name string) bool {
	abs, err := filepath.Abs(name)
	if err != nil {
		return false
	}
	for _, suffix := range []string{"", walSuffix, shmSuffix, journalSuffix, lockSuffix} {
		if base, ok := strings.CutSuffix(abs, suffix); ok && openInProcess(base) {
			return true
		}
	}
	return false
}

// CheckOutput refuses to write a report, an export or a copy to name when
// name is, or belongs to, a database a store of this process has open:
// writing there would replace or spoil the database.
func CheckOutput(name string) error {
	if IsDatabaseFile(name) {
		return fmt.Errorf("%s is the database (or one of its working files); choose another file name (nothing was written)", name)
	}
	return nil
}
