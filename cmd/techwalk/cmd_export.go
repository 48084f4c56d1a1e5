package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"techwalk/audit"
	"techwalk/audit/importer"
	"techwalk/audit/sqlite"
	"techwalk/report/backlog"
)

// parseMixed parses flags that may come before or after the want
// positional arguments ("import schools FILE --partial").
func parseMixed(fs *flag.FlagSet, args []string, want int) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			return nil, err
		} else if err != nil {
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
		status:   fs.String("status", "", "only this status: open, \"in backlog\", resolved or \"won't fix\""),
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
	format, err := backlog.ParseFormat(*f.format)
	if err != nil {
		return fmt.Errorf("--format: %w", err)
	}
	open := openExisting // the export records its findings as in backlog
	if *f.keep {
		open = openReader
	}
	store, err := open(*f.db)
	if err != nil {
		return err
	}
	defer store.Close()
	ctx := context.Background()
	filter, err := f.filter(ctx, store)
	if err != nil {
		return err
	}
	names, err := store.TeacherNames(ctx)
	if err != nil {
		return err
	}
	opt := backlog.Options{Format: format, Grouped: *f.grouped, BOM: *f.bom, Filter: filter, AzureAreaPath: *f.areaPath,
		Anonymise: store.Anonymise(ctx), TeacherNames: names, RefuseEmpty: true, All: *f.all, MarkInBacklog: !*f.keep}
	err = c.writeExport(ctx, store, opt, *f.out)
	var done *backlog.AlreadyExportedError
	if errors.As(err, &done) {
		return fmt.Errorf("nothing new to export: %w; nothing was written", done)
	}
	if errors.Is(err, backlog.ErrNoFindings) {
		return fmt.Errorf("no findings matched %s; nothing was written", f.describe())
	}
	return err
}

// writeExport writes the export to the standard output, or to exactly the
// file out names; an Azure DevOps export of more than 1,000 rows becomes
// numbered files beside it. Findings are recorded as in backlog only once
// every file is written.
func (c *CLI) writeExport(ctx context.Context, store *sqlite.Store, opt backlog.Options, out string) error {
	if out == "" {
		return backlog.Export(ctx, store, opt, c.dataOut())
	}
	if err := sqlite.CheckOutput(out); err != nil {
		return err
	}
	parts, err := backlog.Parts(ctx, store, opt, filepath.Base(out))
	if err != nil {
		return err
	}
	if len(parts) == 1 {
		parts[0].Name = filepath.Base(out)
	}
	for _, p := range parts {
		path := filepath.Join(filepath.Dir(out), p.Name)
		if err := audit.WriteFileAtomic(path, p.Data); err != nil {
			return err
		}
		fmt.Fprintf(c.Out, "wrote %s\n", path)
	}
	return backlog.MarkExported(ctx, store, opt, parts)
}

// describe names the filters given, for a message: `--school "X" --severity critical`.
func (f exportFlags) describe() string {
	var parts []string
	for _, fl := range []struct {
		name string
		v    *string
	}{{"visit", f.visit}, {"school", f.school}, {"severity", f.severity}, {"category", f.category}, {"status", f.status}, {"since", f.since}} {
		if *fl.v != "" {
			parts = append(parts, fmt.Sprintf("--%s %q", fl.name, *fl.v))
		}
	}
	if len(parts) == 0 {
		return "(the database has no findings)"
	}
	return strings.Join(parts, " ")
}

// filter turns the flags into a finding filter, naming the flag at fault.
func (f exportFlags) filter(ctx context.Context, store *sqlite.Store) (audit.FindingFilter, error) {
	filter, err := audit.ParseFindingFilter(*f.severity, *f.status, *f.since, time.Local)
	var fe *audit.FilterError
	if errors.As(err, &fe) {
		return filter, fmt.Errorf("--%s: %q %s", fe.Field, fe.Value, fe.Msg)
	}
	if *f.visit != "" {
		v, err := findVisit(ctx, store, *f.visit)
		if err != nil {
			return filter, fmt.Errorf("--visit: %w", err)
		}
		filter.VisitID = v.ID
	}
	if *f.category != "" {
		cat, err := findCategory(ctx, store, *f.category)
		if err != nil {
			return filter, err
		}
		filter.Category = cat
	}
	if *f.school != "" {
		sc, err := store.FindSchool(ctx, *f.school)
		if err != nil {
			return filter, fmt.Errorf("--school: %w", err)
		}
		filter.SchoolID = sc.ID
	}
	return filter, nil
}

// findCategory checks --category against the categories of the stored
// checklists, ignoring case.
func findCategory(ctx context.Context, store *sqlite.Store, name string) (string, error) {
	cats, err := store.Categories(ctx)
	if err != nil {
		return "", err
	}
	for _, c := range cats {
		if strings.EqualFold(c, name) {
			return c, nil
		}
	}
	hint := ""
	if close := audit.Suggest(name, cats, 1); len(close) > 0 {
		hint = fmt.Sprintf(" (did you mean %q?)", close[0])
	}
	return "", fmt.Errorf("--category: %q is not a checklist category%s; use one of: %s", name, hint, strings.Join(cats, ", "))
}

// findVisit resolves a visit id or unique prefix; an unknown one is
// refused with the newest visits' ids.
func findVisit(ctx context.Context, store *sqlite.Store, key string) (audit.Visit, error) {
	v, err := store.FindVisit(ctx, key)
	if !errors.Is(err, audit.ErrNotFound) {
		return v, err
	}
	short, serr := shortVisitIDs(ctx, store)
	visits, verr := store.Visits(ctx, sqlite.VisitFilter{})
	if serr != nil || verr != nil || len(visits) == 0 {
		return v, err
	}
	var ids []string
	for _, v := range visits[:min(len(visits), 5)] {
		ids = append(ids, short[v.ID]+" ("+v.StartedAt.Local().Format("2006-01-02")+")")
	}
	return v, fmt.Errorf("%w; the newest are %s", err, strings.Join(ids, ", "))
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
	opt := importer.ImportOptions{Partial: *partial, DryRun: *dryRun}
	rep, err := importData(context.Background(), store, args[0], files[0], data, opt)
	if rep != nil {
		rep.WriteText(c.Out)
	}
	return err
}

func importData(ctx context.Context, store *sqlite.Store, kind, name string, data []byte, opt importer.ImportOptions) (*importer.ImportReport, error) {
	if kind == "tickets" {
		return store.ImportTickets(ctx, name, data, opt)
	}
	f, err := importer.ReadCSV(name, data)
	if err != nil {
		return nil, err
	}
	m, err := importer.DetectMapping(f.Header)
	if err != nil {
		return nil, fmt.Errorf("%s: line 1: %w", name, err)
	}
	return store.ImportDirectory(ctx, f, m, opt)
}

func readImportFile(path string) ([]byte, error) {
	return audit.ReadInputFile(path, importer.MaxImportBytes)
}
