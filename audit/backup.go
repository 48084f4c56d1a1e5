package audit

import (
	"context"
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
	if _, err := s.w.ExecContext(ctx, "VACUUM INTO ?", tmpPath); err != nil {
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
		return fmt.Errorf("integrity check: %s", strings.Join(problems, "; "))
	}
	return nil
}
