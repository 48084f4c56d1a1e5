package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// CLI carries the streams every subcommand writes to, so tests can run
// subcommands in-process and read what they print.
type CLI struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// command is one subcommand: techwalk NAME [flags].
type command struct {
	name    string
	summary string
	run     func(cli *CLI, args []string) error
}

// errUsage marks an error whose message is usage help, already printed.
var errUsage = errors.New("usage")

// subcommand checks that args start with one of choices; otherwise it
// prints usage and returns errUsage.
func (c *CLI) subcommand(args []string, usage string, choices ...string) error {
	if len(args) > 0 && slices.Contains(choices, args[0]) {
		return nil
	}
	fmt.Fprintln(c.Err, usage)
	return errUsage
}

func newCLI(in io.Reader, out, errOut io.Writer) *CLI {
	return &CLI{In: in, Out: out, Err: errOut}
}

// commands lists the subcommands in the order help shows them.
func commands() []command {
	return []command{
		{"gui", "open the app (the default with no subcommand)", runGUI},
		{"demo", "create a sample district to explore: techwalk demo --db demo.db", runDemo},
		{"schools", "list schools with their last visit and score [--json]", runSchools},
		{"visits", "list visits [--school NAME] [--json]", runVisits},
		{"people", "show or record who walked a visit and who was present: techwalk people [--visit ID|latest] [--school NAME] [--walked-by NAME] [--present TEXT]", runPeople},
		{"template", "check or add a checklist: techwalk template validate|import FILE", runTemplate},
		{"report", "write a visit's PDF report: techwalk report --visit ID|latest [--school NAME] [-o FILE] [--paper a4|letter]", runReport},
		{"wifi", "measure Wi-Fi where you stand: techwalk wifi measure [--url URL] [--json]", runWifi},
		{"export", "export findings for a backlog: techwalk export --format jira|azure|github|servicenow|csv|json [-o FILE]", runExport},
		{"import", "import a district CSV or a tracker export: techwalk import schools|tickets FILE [--partial]", runImport},
		{"check", "check the database file and list its backups, newest first", runCheck},
		{"restore", "go back to a backup: techwalk restore BACKUP [--yes] (keeps the current file as a backup)", runRestore},
	}
}

// Run executes the subcommand named by args[0] and returns the exit code.
func (c *CLI) Run(args []string) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		args = append([]string{"gui"}, args...)
	}
	name := args[0]
	if name == "help" || name == "--help" || name == "-h" {
		c.printHelp()
		return 0
	}
	for _, cmd := range commands() {
		if cmd.name != name {
			continue
		}
		err := cmd.run(c, args[1:])
		if err == nil {
			return 0
		}
		if !errors.Is(err, errUsage) && !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(c.Err, "techwalk %s: %v\n", name, err)
		}
		return 1
	}
	fmt.Fprintf(c.Err, "techwalk: unknown command %q\n\n", name)
	c.printHelp()
	return 2
}

func (c *CLI) printHelp() {
	fmt.Fprintln(c.Out, "Usage: techwalk [COMMAND] [FLAGS]")
	fmt.Fprintln(c.Out, "With no command, techwalk opens the app. Commands:")
	for _, cmd := range commands() {
		fmt.Fprintf(c.Out, "  %-10s %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprintln(c.Out, "Every command takes --db PATH (or TECHWALK_DB); run 'techwalk COMMAND -h' for its flags.")
}

// newFlags makes a flag set that prints its errors to the CLI's error stream.
func (c *CLI) newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("techwalk "+name, flag.ContinueOnError)
	fs.SetOutput(c.Err)
	return fs
}
