// Command techwalk opens the TechWalk app, or with a subcommand runs the
// same work from the command line: techwalk help lists the subcommands.
package main

import (
	"os"
)

func main() {
	cli := newCLI(os.Stdin, os.Stdout, os.Stderr)
	os.Exit(cli.Run(os.Args[1:]))
}
