package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// KeepBackups is how many automatic backups are kept per database.
const KeepBackups = 5

// BackupDir is the folder that holds the backups of the database at path.
func BackupDir(path string) string {
	return filepath.Join(filepath.Dir(path), "backups")
}

// Backup copies the database with VACUUM INTO to a temporary file, checks
// the copy's integrity, renames it into the backup folder and keeps the
// newest KeepBackups. It returns the backup's path.
func (s *Store) Backup(ctx context.Context, reason string) (string, error) {
	dir := BackupDir(s.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, ".backup-*.tmp")
	if err != nil {
		return "", err
	}
	tmpPath := tmp.Name()
	tmp.Close()
	os.Remove(tmpPath) // VACUUM INTO wants a path that does not exist yet
	defer os.Remove(tmpPath)
	if err := s.vacuumInto(ctx, tmpPath); err != nil {
		return "", fmt.Errorf("copy the database: %w", err)
	}
	if err := checkIntegrity(ctx, tmpPath); err != nil {
		return "", fmt.Errorf("the backup copy failed its check: %w", err)
	}
	if err := os.Chmod(tmpPath, 0o600); err != nil {
		return "", err
	}
	base := strings.TrimSuffix(filepath.Base(s.path), filepath.Ext(s.path))
	final := filepath.Join(dir, fmt.Sprintf("%s-%s-%s.db", base, s.now().UTC().Format("20060102T150405.000Z"), sanitizeReason(reason)))
	if err := os.Rename(tmpPath, final); err != nil {
		return "", err
	}
	return final, pruneBackups(dir, base, KeepBackups)
}

// BackupTo copies the database with VACUUM INTO to dest, a file that must
// not exist yet, checks the copy and makes it 0600. This is the safe way
// to copy the database while TechWalk has it open: a copy made by hand can
// miss the answers still in the WAL, and opening the file outside SQLite
// inside a TechWalk process would drop its locks.
func (s *Store) BackupTo(ctx context.Context, dest string) error {
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("%s already exists; choose a new file name (nothing was changed)", dest)
	}
	if err := CheckOutput(dest); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dest), ".backup-*.tmp")
	if err != nil {
		return err
	}
	tmpPath := tmp.Name()
	tmp.Close()
	os.Remove(tmpPath) // VACUUM INTO wants a path that does not exist yet
	defer os.Remove(tmpPath)
	if err := s.vacuumInto(ctx, tmpPath); err != nil {
		return fmt.Errorf("copy the database: %w", err)
	}
	if err := checkIntegrity(ctx, tmpPath); err != nil {
		return fmt.Errorf("the copy failed its check: %w", err)
	}
	if err := os.Chmod(tmpPath, 0o600); err != nil {
		return err
	}
	if err := os.Link(tmpPath, dest); err != nil { // unlike a rename, never replaces a file made meanwhile
		return err
	}
	return syncDir(filepath.Dir(dest))
}

// vacuumInto writes a consistent copy of the database to dest with
// VACUUM INTO. A read-only store's connections forbid it (query_only), so
// it borrows a connection that only reads the database.
func (s *Store) vacuumInto(ctx context.Context, dest string) error {
	if !s.readOnly {
		_, err := s.w.ExecContext(ctx, "VACUUM INTO ?", dest)
		return err
	}
	db, err := openExisting(ctx, s.path, s.busy, false)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "VACUUM INTO ?", dest)
	return err
}

func sanitizeReason(reason string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, strings.ToLower(reason))
}

// Backups lists the backups of the database at path, newest first.
func Backups(path string) ([]string, error) {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	matches, err := filepath.Glob(filepath.Join(BackupDir(path), base+"-*.db"))
	if err != nil {
		return nil, err
	}
	sort.Sort(sort.Reverse(sort.StringSlice(matches)))
	return matches, nil
}

func pruneBackups(dir, base string, keep int) error {
	all, err := Backups(filepath.Join(filepath.Dir(dir), base+".db"))
	if err != nil || len(all) <= keep {
		return err
	}
	for _, old := range all[keep:] {
		if err := os.Remove(old); err != nil {
			return err
		}
		os.Remove(old + "-wal") // a kept copy of a WAL, when there is one
	}
	return nil
}

// CheckIntegrity runs SQLite's integrity_check on the file at path, read-only.
func CheckIntegrity(ctx context.Context, path string) error {
	return checkIntegrity(ctx, path)
}

func checkIntegrity(ctx context.Context, path string) error {
	if err := statDatabase(path); err != nil {
		return err
	}
	db, err := openReading(ctx, path, BusyTimeout)
	if err != nil {
		return err
	}
	defer db.Close()
	return integrity(ctx, db)
}

// errIntegrity marks the problems SQLite's integrity_check lists.
var errIntegrity = errors.New("integrity check")

// integrity runs integrity_check on db and returns the problems it lists.
func integrity(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", errIntegrity, strings.Join(problems, "; "))
	}
	return nil
}
