package main

import (
	"context"
	"fmt"
)

// runBackup is `techwalk backup [--db PATH] [-o FILE]`: a consistent copy
// made by SQLite (VACUUM INTO), safe while the app has the database open.
func runBackup(c *CLI, args []string) error {
	fs := c.newFlags("backup")
	db := dbFlag(fs)
	out := fs.String("o", "", "write the copy to this new file (default: the backups folder beside the database)")
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	store, err := openReader(*db)
	if err != nil {
		return err
	}
	defer store.Close()
	ctx := context.Background()
	dest := *out
	if dest == "" {
		dest, err = store.Backup(ctx, "manual")
	} else {
		err = store.BackupTo(ctx, dest)
	}
	if err != nil {
		return fmt.Errorf("back up %s: %w", store.Path(), err)
	}
	fmt.Fprintf(c.Out, "backed up %s to %s (checked)\n", store.Path(), dest)
	return nil
}
