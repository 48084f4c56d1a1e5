// Command techwalk opens the TechWalk app, or with a subcommand runs the
// same work from the command line: techwalk help lists the subcommands.
package main

import (
	"os"

	_ "early.techwalk/logfilter" // before Fyne's init: keeps its harmless locale and favourite-folder complaints quiet
)

func main() {
	cli := newCLI(os.Stdin, os.Stdout, os.Stderr)
	os.Exit(cli.Run(os.Args[1:]))
}
