package main

import "errors"

func runGUI(cli *CLI, args []string) error {
	return errors.New("the app window is not built yet")
}
