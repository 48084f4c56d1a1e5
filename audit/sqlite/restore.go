package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"techwalk/audit"
	"time"
)

// BackupInfo describes one backup file of a database.
type BackupInfo struct {
	Path   string
	Time   time.Time // when it was made (from its name), UTC
	Size   int64     // bytes
	Reason string    // why: "visit-end", "before-v2", "before-restore", ...
}

// backupStamp is the time layout in backup file names.
const backupStamp = "20060102T150405.000Z"

// ListBackups describes the backups of the database at path, newest first.
func ListBackups(path string) ([]BackupInfo, error) {
	paths, err := Backups(path)
	if err != nil {
		return nil, err
	}
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	out := make([]BackupInfo, 0, len(paths))
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			continue // pruned meanwhile
		}
		b := BackupInfo{Path: p, Size: info.Size()}
		rest := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), base+"-"), ".db")
		if len(rest) >= len(backupStamp) {
			b.Time, _ = time.Parse(backupStamp, rest[:len(backupStamp)])
			b.Reason = strings.TrimPrefix(rest[len(backupStamp):], "-")
		}
		out = append(out, b)
	}
	return out, nil
}

// CheckResult is what 'techwalk check' reports about a database.
type CheckResult struct {
	Path      string
	Integrity error          // nil when SQLite's integrity_check says ok
	Photos    []PhotoProblem // photos whose bytes do not match their SHA-256
	Backups   []BackupInfo
}

// Damaged reports whether the check found anything wrong inside the file.
func (r CheckResult) Damaged() bool { return r.Integrity != nil || len(r.Photos) > 0 }

// Check runs integrity_check on the database at path and compares every
// photo with its SHA-256, read-only (a read-only file or folder is fine),
// and lists its backups, newest first. Damage goes into the result; an
// error means the file could not be checked: there is no database file at
// path (nothing is created), it is a folder or a device, or it cannot be read.
func Check(ctx context.Context, path string) (CheckResult, error) {
	res := CheckResult{Path: path}
	if err := statDatabase(path); err != nil {
		return res, err
	}
	var err error
	if res.Backups, err = ListBackups(path); err != nil {
		return res, err
	}
	db, err := openReading(ctx, path, BusyTimeout)
	if err != nil {
		return res, res.damage(err)
	}
	defer db.Close()
	if err := integrity(ctx, db); err != nil {
		return res, res.damage(err)
	}
	res.Photos, err = verifyPhotos(ctx, db)
	if err != nil {
		return res, res.damage(err)
	}
	return res, nil
}

// damage records err as the file's damage when it is damage, and otherwise
// returns it explained: busy, or a file that may not be read.
func (r *CheckResult) damage(err error) error {
	code := sqliteCode(err)
	switch {
	case errors.Is(err, errIntegrity) || isDamaged(code):
		r.Integrity = err
		return nil
	case isBusy(code):
		return fmt.Errorf("%s: %w", r.Path, audit.ErrBusy)
	case isCantOpen(code) || isReadOnly(code) || errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%s cannot be read (%v): %w; check the permissions of the file and its folder. The file was not changed", r.Path, err, audit.ErrReadOnly)
	}
	return fmt.Errorf("%s: %w", r.Path, err)
}

// CheckBackup makes sure a backup can replace a database: it exists, passes
// integrity_check, is a TechWalk database and is not from a newer version.
func CheckBackup(ctx context.Context, backup string) error {
	info, err := os.Stat(backup)
	if err != nil {
		return fmt.Errorf("backup %s: %w", backup, err)
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("backup %s is not a file", backup)
	}
	if err := CheckIntegrity(ctx, backup); err != nil {
		return fmt.Errorf("backup %s cannot be used: %w", backup, err)
	}
	appID, version, err := identity(ctx, backup)
	if err != nil {
		return fmt.Errorf("backup %s cannot be read: %w", backup, err)
	}
	if appID != ApplicationID {
		return fmt.Errorf("backup %s: %w", backup, audit.ErrNotTechWalk)
	}
	migrations, err := loadMigrations()
	if err != nil {
		return err
	}
	if version > len(migrations) {
		return fmt.Errorf("backup %s: %w (schema %d); update TechWalk first", backup, audit.ErrNewerSchema, version)
	}
	return nil
}

// identity reads a database file's application id and schema version, read-only.
func identity(ctx context.Context, path string) (appID, version int, err error) {
	db, err := openReading(ctx, path, BusyTimeout)
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return 0, 0, err
	}
	err = db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version)
	return appID, version, err
}

// Restore replaces the database at path with backup. It checks the backup
// first, keeps a copy of the current file (and its WAL) as a backup with
// reason "before-restore", then swaps the file atomically: the backup is
// copied to a temporary file beside the database, the stale -wal and -shm
// files are removed, and the copy is renamed over the database. It returns
// the path of the copy it kept ("" when there was no current file). It
// refuses with ErrInUse, changing nothing, while any TechWalk window or
// command has the database open, and keeps new ones from opening it until
// the swap is done.
func Restore(ctx context.Context, path, backup string) (kept string, err error) {
	if same, _ := sameFile(path, backup); same {
		return "", fmt.Errorf("backup %s is the database itself; pick a file from %s", backup, BackupDir(path))
	}
	if err := CheckBackup(ctx, backup); err != nil {
		return "", err
	}
	if err := statDatabase(path); err != nil && !errors.Is(err, audit.ErrNoDatabase) {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	lock, err := replaceLock(path)
	if err != nil {
		return "", err
	}
	if lock != nil {
		defer lock.Close()
	}
	tmp, err := copyToTemp(backup, filepath.Dir(path))
	if err != nil {
		return "", fmt.Errorf("copy %s beside the database: %w", backup, err)
	}
	defer os.Remove(tmp)
	if kept, err = keepCurrent(path); err != nil {
		return "", fmt.Errorf("keep a copy of %s before restoring (nothing was changed): %w", path, err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return kept, fmt.Errorf("remove the stale %s%s: %w", path, suffix, err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return kept, fmt.Errorf("put the backup in place of %s: %w", path, err)
	}
	return kept, syncDir(filepath.Dir(path))
}

func sameFile(a, b string) (bool, error) {
	ia, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	ib, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(ia, ib), nil
}

// copyToTemp copies src to a new 0600 file in dir, synced to disk, and returns its path.
func copyToTemp(src, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	out, err := os.CreateTemp(dir, ".restore-*.tmp")
	if err != nil {
		return "", err
	}
	if err := copyInto(out, src); err != nil {
		out.Close()
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
}

// copyInto copies the file src into out, syncs and closes out.
func copyInto(out *os.File, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := out.Chmod(0o600); err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		return err
	}
	if err := out.Sync(); err != nil {
		return err
	}
	return out.Close()
}

// keepCurrent copies the database file at path, and its WAL when there is
// one, into the backup folder as a "before-restore" backup. It copies bytes
// rather than asking SQLite, so a damaged file is kept exactly as it was.
func keepCurrent(path string) (string, error) {
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) || (err == nil && info.Size() == 0) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	dir := BackupDir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	final := filepath.Join(dir, fmt.Sprintf("%s-%s-before-restore.db", base, time.Now().UTC().Format(backupStamp)))
	if err := copyFile(path, final); err != nil {
		return "", err
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		if err := copyFile(path+"-wal", final+"-wal"); err != nil {
			return "", err
		}
	}
	return final, syncDir(dir)
}

// copyFile copies src to a new file dst (0600), synced to disk.
func copyFile(src, dst string) error {
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := copyInto(out, src); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	return nil
}

// syncDir makes a rename or new file in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}
