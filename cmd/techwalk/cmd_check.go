package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"techwalk/audit/sqlite"
)

// runCheck is `techwalk check [--db PATH]`: integrity_check and the backups.
func runCheck(c *CLI, args []string) error {
	fs := c.newFlags("check")
	db := dbFlag(fs)
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	path, err := sqlite.ResolvePath(*db)
	if err != nil {
		return fmt.Errorf("find the data folder: %w", err)
	}
	res, err := sqlite.Check(context.Background(), path)
	if err != nil {
		return err
	}
	switch {
	case res.Integrity != nil:
		fmt.Fprintf(c.Out, "%s: DAMAGED: %v\n", path, res.Integrity)
	case len(res.Photos) > 0:
		fmt.Fprintf(c.Out, "%s: DAMAGED: %d %s no longer match their SHA-256:\n", path, len(res.Photos), plural(len(res.Photos), "photo does", "photos do"))
	default:
		fmt.Fprintf(c.Out, "%s: integrity ok, every photo matches its SHA-256 (%s)\n", path, fileSize(path))
	}
	for _, p := range res.Photos {
		fmt.Fprintf(c.Out, "  %s\n", p)
	}
	printBackups(c, res.Backups)
	if res.Damaged() {
		return errors.New("the database is damaged; go back to a backup with 'techwalk restore BACKUP'")
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func printBackups(c *CLI, backups []sqlite.BackupInfo) {
	if len(backups) == 0 {
		fmt.Fprintln(c.Out, "No backups yet (one is made at the end of every visit and before every upgrade).")
		return
	}
	fmt.Fprintln(c.Out, "Backups, newest first:")
	tw := tabwriter.NewWriter(c.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  MADE (UTC)\tSIZE\tWHY\tFILE")
	for _, b := range backups {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", b.Time.Format("2006-01-02 15:04:05"), humanSize(b.Size), b.Reason, b.Path)
	}
	tw.Flush()
}

func fileSize(path string) string {
	info, err := os.Stat(path)
	if err != nil {
		return "size unknown"
	}
	return humanSize(info.Size())
}

// humanSize writes a byte count as B, KB, MB or GB (powers of 1024).
func humanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, suffix := float64(n)/unit, "KB"
	for _, s := range []string{"MB", "GB"} {
		if v < unit {
			break
		}
		v, suffix = v/unit, s
	}
	return fmt.Sprintf("%.1f %s", v, suffix)
}

// runRestore is `techwalk restore BACKUP [--db PATH] [--yes]`.
func runRestore(c *CLI, args []string) error {
	fs := c.newFlags("restore")
	db := dbFlag(fs)
	yes := fs.Bool("yes", false, "do not ask for confirmation")
	backup, err := parseOneArg(fs, args)
	if err != nil {
		return err
	}
	path, err := sqlite.ResolvePath(*db)
	if err != nil {
		return fmt.Errorf("find the data folder: %w", err)
	}
	backup = findBackup(path, backup)
	ctx := context.Background()
	if err := sqlite.CheckBackup(ctx, backup); err != nil {
		return fmt.Errorf("%w; nothing was changed", err)
	}
	if !*yes && !c.confirm(fmt.Sprintf("Replace %s with the backup %s?\nThe current file is kept as a backup first. Close every TechWalk window on it.\nType yes to restore: ", path, backup)) {
		return errors.New("not restored; nothing was changed")
	}
	kept, err := sqlite.Restore(ctx, path, backup)
	if err != nil {
		return err
	}
	if kept != "" {
		fmt.Fprintf(c.Out, "kept the previous file as %s\n", kept)
	}
	fmt.Fprintf(c.Out, "restored %s from %s\n", path, backup)
	return nil
}

// parseOneArg parses flags given before or after one positional argument.
func parseOneArg(fs *flag.FlagSet, args []string) (string, error) {
	positional, err := parseMixed(fs, args, 1)
	if err != nil {
		return "", err
	}
	return positional[0], nil
}

// findBackup lets BACKUP be a file name from the database's backup folder.
func findBackup(dbPath, backup string) string {
	if _, err := os.Stat(backup); err == nil || strings.ContainsRune(backup, filepath.Separator) {
		return backup
	}
	inFolder := filepath.Join(sqlite.BackupDir(dbPath), backup)
	if _, err := os.Stat(inFolder); err == nil {
		return inFolder
	}
	return backup
}

// confirm asks a yes/no question on the CLI's streams; only "yes" or "y" agrees.
func (c *CLI) confirm(question string) bool {
	fmt.Fprint(c.Out, question)
	if c.In == nil {
		return false
	}
	answer, _ := bufio.NewReader(c.In).ReadString('\n')
	answer = strings.ToLower(strings.TrimSpace(answer))
	return answer == "yes" || answer == "y"
}
