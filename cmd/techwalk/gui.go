package main

import (
	"techwalk/app"
)

func runGUI(cli *CLI, args []string) error {
	fs := cli.newFlags("gui")
	db := dbFlag(fs)
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	store, err := openForGUI(*db)
	if err != nil {
		return recoverGUI(*db, err)
	}
	defer store.Close()
	defer closeOnSignal(store, quitGUI)()
	return app.Run(store)
}
