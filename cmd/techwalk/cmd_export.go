package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"techwalk/audit"
	"techwalk/report"
)

// parseMixed parses flags that may come before or after the want
// positional arguments ("import schools FILE --partial").
func parseMixed(fs *flag.FlagSet, args []string, want int) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, errUsage
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(positional) != want {
		fmt.Fprintf(fs.Output(), "%s: expected %d argument(s), got %d\n", fs.Name(), want, len(positional))
		fs.Usage()
		return nil, errUsage
	}
	return positional, nil
}

// exportFlags are the flags of techwalk export.
type exportFlags struct {
	db, format, visit, school, severity, category, status, since, out, areaPath *string
	grouped, bom, all, keep                                                     *bool
}

func newExportFlags(fs *flag.FlagSet) exportFlags {
	return exportFlags{
		db:       dbFlag(fs),
		format:   fs.String("format", "csv", "jira, azure, github, servicenow, csv or json"),
		visit:    fs.String("visit", "", "only findings of this visit id"),
		school:   fs.String("school", "", "only findings of this school (name, code or id)"),
		severity: fs.String("severity", "", "only this severity: critical, high, medium or low"),
		category: fs.String("category", "", "only this checklist category"),
		status:   fs.String("status", "", "only this status: open, \"in backlog\" or resolved"),
		since:    fs.String("since", "", "only findings first seen on or after YYYY-MM-DD"),
		out:      fs.String("o", "", "write to this file (Azure exports over 1,000 rows become FILE-1.csv, FILE-2.csv...); default: standard output"),
		areaPath: fs.String("area-path", "", "Azure DevOps Area Path for every work item"),
		grouped:  fs.Bool("grouped", false, "one item per school and checklist item, listing the rooms"),
		bom:      fs.Bool("bom", false, "start CSV files with a UTF-8 byte-order mark (for Excel)"),
		all:      fs.Bool("all", false, "also what is already in a backlog, resolved or fixed (same ids, so trackers update instead of duplicating)"),
		keep:     fs.Bool("keep-status", false, "do not record the exported findings as in backlog"),
	}
}

func runExport(c *CLI, args []string) error {
	fs := c.newFlags("export")
	f := newExportFlags(fs)
	if _, err := parseMixed(fs, args, 0); err != nil {
		return err
	}
	format, err := report.ParseFormat(*f.format)
	if err != nil {
		return fmt.Errorf("--format: %w", err)
	}
	store, err := openStore(*f.db)
	if err != nil {
		return err
	}
	defer store.Close()
	ctx := context.Background()
	filter, err := f.filter(ctx, store)
	if err != nil {
		return err
	}
	opt := report.ExportOptions{Format: format, Grouped: *f.grouped, BOM: *f.bom, Filter: filter, AzureAreaPath: *f.areaPath,
		All: *f.all, MarkInBacklog: !*f.keep}
	if *f.out == "" {
		return report.Export(ctx, store, opt, c.Out)
	}
	paths, err := report.ExportFiles(ctx, store, opt, filepath.Dir(*f.out), filepath.Base(*f.out))
	for _, p := range paths {
		fmt.Fprintf(c.Out, "wrote %s\n", p)
	}
	return err
}

// filter turns the flags into a finding filter, naming the flag at fault.
func (f exportFlags) filter(ctx context.Context, store *audit.Store) (audit.FindingFilter, error) {
	filter := audit.FindingFilter{VisitID: *f.visit, Category: *f.category}
	if *f.school != "" {
		sc, err := store.FindSchool(ctx, *f.school)
		if err != nil {
			return filter, fmt.Errorf("--school: %w", err)
		}
		filter.SchoolID = sc.ID
	}
	if sev := audit.Severity(strings.ToLower(*f.severity)); sev != "" {
		if !sev.Valid() {
			return filter, fmt.Errorf("--severity: %q is unknown; use critical, high, medium or low", *f.severity)
		}
		filter.Severity = sev
	}
	if st := audit.Status(strings.ToLower(*f.status)); st != "" {
		if st != audit.StatusOpen && st != audit.StatusInBacklog && st != audit.StatusResolved {
			return filter, fmt.Errorf("--status: %q is unknown; use open, \"in backlog\" or resolved", *f.status)
		}
		filter.Status = st
	}
	if *f.since != "" {
		t, err := time.Parse("2006-01-02", *f.since)
		if err != nil {
			return filter, fmt.Errorf("--since: %q is not a date; write it as YYYY-MM-DD", *f.since)
		}
		filter.Since = t
	}
	return filter, nil
}

func runImport(c *CLI, args []string) error {
	if err := c.subcommand(args, "usage: techwalk import schools|tickets FILE [--partial] [--dry-run] [--db PATH]", "schools", "tickets"); err != nil {
		return err
	}
	fs := c.newFlags("import " + args[0])
	db := dbFlag(fs)
	partial := fs.Bool("partial", false, "import the good rows even when some rows are rejected")
	dryRun := fs.Bool("dry-run", false, "check the file and report what would change, saving nothing")
	files, err := parseMixed(fs, args[1:], 1)
	if err != nil {
		return err
	}
	data, err := readImportFile(files[0])
	if err != nil {
		return err
	}
	store, err := openStore(*db)
	if err != nil {
		return err
	}
	defer store.Close()
	opt := audit.ImportOptions{Partial: *partial, DryRun: *dryRun}
	rep, err := importData(context.Background(), store, args[0], files[0], data, opt)
	if rep != nil {
		rep.WriteText(c.Out)
	}
	return err
}

func importData(ctx context.Context, store *audit.Store, kind, name string, data []byte, opt audit.ImportOptions) (*audit.ImportReport, error) {
	if kind == "tickets" {
		return store.ImportTickets(ctx, name, data, opt)
	}
	f, err := audit.ReadCSV(name, data)
	if err != nil {
		return nil, err
	}
	m, err := audit.DetectMapping(f.Header)
	if err != nil {
		return nil, fmt.Errorf("%s: line 1: %w", name, err)
	}
	return store.ImportDirectory(ctx, f, m, opt)
}

func readImportFile(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := audit.CheckImportSize(path, info.Size()); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}
