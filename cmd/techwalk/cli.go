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
// subcommands in-process and read what they print. Out and Err escape
// control characters (see escapeTerminal); data is the unescaped
// standard output, for an export piped to a file.
type CLI struct {
	In   io.Reader
	Out  io.Writer
	Err  io.Writer
	data io.Writer
	// helpAsked is set when the command's flags include -h or --help: its
	// usage then goes to the standard output.
	helpAsked bool
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
// prints usage and returns errUsage, or, asked for help (-h, --help),
// prints usage on the standard output and returns flag.ErrHelp.
func (c *CLI) subcommand(args []string, usage string, choices ...string) error {
	if len(args) > 0 && slices.Contains(choices, args[0]) {
		return nil
	}
	if len(args) > 0 && isHelp(args[0]) {
		fmt.Fprintln(c.Out, usage)
		return flag.ErrHelp
	}
	fmt.Fprintln(c.Err, usage)
	return errUsage
}

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}

func newCLI(in io.Reader, out, errOut io.Writer) *CLI {
	return &CLI{In: in, Out: newSafeWriter(out), Err: newSafeWriter(errOut), data: out}
}

// dataOut is where an export to the standard output goes: escaped when it
// is a terminal, byte for byte when it is a pipe or a file.
func (c *CLI) dataOut() io.Writer {
	if c.data == nil || isTerminal(c.data) {
		return c.Out
	}
	c.flush()
	return c.data
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
		{"district", "write the district report of every school: techwalk district report [-o FILE] [--paper a4|letter] [--hub URL]", runDistrict},
		{"wifi", "measure Wi-Fi where you stand: techwalk wifi measure [--url URL] [--json]", runWifi},
		{"export", "export findings for a backlog: techwalk export --format jira|azure|github|servicenow|csv|json [-o FILE]", runExport},
		{"import", "import a district CSV or a tracker export: techwalk import schools|tickets FILE [--partial]", runImport},
		{"bundle", "move visits between devices: techwalk bundle export -o FILE.twbundle [--visit ID|latest] [--school NAME] [--since DATE] [--all] | import FILE.twbundle [--dry-run]", runBundle},
		{"check", "check the database file and list its backups, newest first", runCheck},
		{"backup", "copy the database safely, even while the app is open: techwalk backup [-o FILE]", runBackup},
		{"hub", "the district hub on PostgreSQL: techwalk hub init|status [--hub URL]", runHub},
		{"restore", "go back to a backup: techwalk restore BACKUP [--yes] (keeps the current file as a backup)", runRestore},
		versionCommand(),
	}
}

// Run executes the subcommand named by args[0] and returns the exit code.
func (c *CLI) Run(args []string) int {
	args = versionAlias(args)
	defer c.flush()
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if slices.ContainsFunc(args, isHelp) {
			c.printHelp()
			return 0
		}
		args = append([]string{"gui"}, args...)
	}
	name := args[0]
	if isHelp(name) {
		c.printHelp()
		return 0
	}
	for _, cmd := range commands() {
		if cmd.name != name {
			continue
		}
		c.helpAsked = slices.ContainsFunc(args[1:], isHelp)
		err := cmd.run(c, args[1:])
		if err == nil || errors.Is(err, flag.ErrHelp) {
			return 0
		}
		if !errors.Is(err, errUsage) {
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
	fmt.Fprintln(c.Out, "The app also takes --open SCREEN and --size WIDTHxHEIGHT.")
	fmt.Fprintln(c.Out, "Every command takes --db PATH (or TECHWALK_DB); run 'techwalk COMMAND -h' for its flags.")
}

// flush writes out what the escaping streams hold back.
func (c *CLI) flush() {
	for _, w := range []io.Writer{c.Out, c.Err} {
		if sw, ok := w.(*safeWriter); ok {
			sw.Flush()
		}
	}
}

// newFlags makes a flag set that prints its errors to the CLI's error
// stream, and its usage on the standard output when asked for with -h.
func (c *CLI) newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("techwalk "+name, flag.ContinueOnError)
	fs.SetOutput(c.Err)
	fs.Usage = func() {
		if c.helpAsked {
			fs.SetOutput(c.Out)
			defer fs.SetOutput(c.Err)
		}
		fmt.Fprintf(fs.Output(), "Usage: techwalk %s [FLAGS]\n", name)
		if sum := summaryOf(name); sum != "" {
			fmt.Fprintln(fs.Output(), sum)
		}
		fmt.Fprintln(fs.Output(), "Flags:")
		fs.PrintDefaults()
	}
	return fs
}

// summaryOf is a command's line of the top-level help.
func summaryOf(name string) string {
	first, _, _ := strings.Cut(name, " ")
	for _, cmd := range commands() {
		if cmd.name == first {
			return cmd.summary
		}
	}
	return ""
}
