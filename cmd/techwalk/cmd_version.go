package main

import (
	"fmt"

	"techwalk/audit/build"
)

// versionCommand is `techwalk version`, which prints the version stamped
// from FyneApp.toml at build ("TechWalk 0.1.0").
func versionCommand() command {
	return command{"version", "print TechWalk's version (also --version)", runVersion}
}

func runVersion(cli *CLI, args []string) error {
	fs := cli.newFlags("version")
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	_, err := fmt.Fprintln(cli.Out, build.String())
	return err
}

// versionAlias turns `techwalk --version` into `techwalk version`, so the
// flag does not open the app.
func versionAlias(args []string) []string {
	if len(args) == 1 && (args[0] == "--version" || args[0] == "-version") {
		return []string{"version"}
	}
	return args
}
