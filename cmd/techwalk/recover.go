package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"techwalk/app"
	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// openForGUI opens the database and reads what the home screen reads first,
// so a file that opens but is damaged inside goes to the recovery window
// instead of failing once the app is up.
func openForGUI(dbFlag string) (*sqlite.Store, error) {
	store, err := openStore(dbFlag)
	if err != nil {
		return nil, err
	}
	if _, err := store.Schools(context.Background()); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

// recoverGUI handles a database the app cannot open: it shows the recovery
// window with the message and the newest backups; when a backup is chosen
// it restores it with sqlite.Restore (as 'techwalk restore' does) and starts
// the app again. It returns openErr when the user quits.
func recoverGUI(dbFlag string, openErr error) error {
	path, err := sqlite.ResolvePath(dbFlag)
	if err != nil {
		return openErr
	}
	var backups []string
	if !errors.Is(openErr, audit.ErrNewerSchema) && !errors.Is(openErr, audit.ErrReadOnly) {
		backups, _ = sqlite.Backups(path) // a newer file needs a newer TechWalk, a read-only one a permission: not an older copy
	}
	choice, ok := app.RunRecovery(path, openErr, backups)
	if !ok {
		return openErr
	}
	kept, err := sqlite.Restore(context.Background(), path, choice)
	if err != nil {
		return fmt.Errorf("restore %s: %w", choice, err)
	}
	fmt.Fprintf(os.Stderr, "techwalk: restored %s from %s; the previous file is kept as %s\n", path, choice, kept)
	return relaunch()
}
