package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strings"
	"time"

	"techwalk/audit"
	"techwalk/audit/bundle"
	"techwalk/audit/sqlite"
)

const bundleUsage = "usage: techwalk bundle export -o FILE" + bundle.Extension + " [--visit ID|latest] [--school NAME] [--since YYYY-MM-DD] [--all]\n" +
	"       techwalk bundle import FILE" + bundle.Extension + " [--dry-run]"

func runBundle(c *CLI, args []string) error {
	if err := c.subcommand(args, bundleUsage, "export", "import"); err != nil {
		return err
	}
	if args[0] == "export" {
		return runBundleExport(c, args[1:])
	}
	return runBundleImport(c, args[1:])
}

func runBundleExport(c *CLI, args []string) error {
	fs := c.newFlags("bundle export")
	db := dbFlag(fs)
	out := fs.String("o", "", "bundle file to write, exactly this path (required)")
	visit := fs.String("visit", "", "visit id, or latest (the newest visit); the default without --school or --all")
	school := fs.String("school", "", "every visit of this school (name, code or id); with --visit latest, its newest visit")
	since := fs.String("since", "", "only answers, photos, feedback and actions changed on or after this date (YYYY-MM-DD)")
	all := fs.Bool("all", false, "everything in the database")
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("-o FILE is required: the bundle file to write")
	}
	store, err := openReader(*db)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := sqlite.CheckOutput(*out); err != nil { // once the store is open, so its own files are known
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	scope, describe, err := bundleScope(ctx, store, *visit, *school, *all)
	if err != nil {
		return err
	}
	if *since != "" {
		day, err := time.Parse("2006-01-02", *since)
		if err != nil {
			return fmt.Errorf("--since %q is not a date; write it as YYYY-MM-DD", *since)
		}
		scope.Since, describe = day, describe+" since "+*since
	}
	district, err := store.Setting(ctx, sqlite.SettingDistrict, "")
	if err != nil {
		return err
	}
	schema, err := sqlite.SchemaVersion()
	if err != nil {
		return err
	}
	m, err := bundle.Export(ctx, store, scope, district, describe, schema, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.Out, "wrote %s (%s): %s\n", *out, describe, rowCounts(m.Rows))
	return nil
}

// bundleScope turns --visit, --school and --all into what to export and
// words for it.
func bundleScope(ctx context.Context, store *sqlite.Store, visit, school string, all bool) (audit.ExportScope, string, error) {
	switch {
	case all:
		if visit != "" || school != "" {
			return audit.ExportScope{}, "", errors.New("--all exports everything; leave out --visit and --school")
		}
		return audit.ExportScope{All: true}, "everything", nil
	case school != "" && visit == "":
		sc, err := store.FindSchool(ctx, school)
		if err != nil {
			return audit.ExportScope{}, "", fmt.Errorf("--school: %w", err)
		}
		return audit.ExportScope{SchoolID: sc.ID}, "every visit of " + sc.Name, nil
	}
	if visit == "" {
		visit = "latest"
	}
	v, err := pickVisit(ctx, store, visit, school, true)
	if err != nil {
		return audit.ExportScope{}, "", err
	}
	return audit.ExportScope{VisitIDs: []string{v.ID}}, "visit " + v.ID, nil
}

func rowCounts(rows map[string]int) string {
	names := make([]string, 0, len(rows))
	for name, n := range rows {
		if n > 0 {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, name := range names {
		label := strings.ReplaceAll(name, "_", " ") // part names are plural: "visit_rooms"
		if rows[name] == 1 {
			label = strings.TrimSuffix(label, "s")
		}
		parts[i] = fmt.Sprintf("%d %s", rows[name], label)
	}
	if len(parts) == 0 {
		return "no rows"
	}
	return strings.Join(parts, ", ")
}

func runBundleImport(c *CLI, args []string) error {
	fs := c.newFlags("bundle import")
	db := dbFlag(fs)
	dryRun := fs.Bool("dry-run", false, "check the bundle and report what would change, saving nothing")
	files, err := parseMixed(fs, args, 1)
	if err != nil {
		return err
	}
	store, err := openStore(*db)
	if err != nil {
		return err
	}
	defer store.Close()
	if sqlite.IsDatabaseFile(files[0]) {
		return fmt.Errorf("%s is the database (or one of its working files), not a bundle; nothing was imported", files[0])
	}
	schema, err := sqlite.SchemaVersion()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, m, err := bundle.Import(ctx, store, files[0], schema, *dryRun)
	if err != nil {
		return err
	}
	c.printApplyReport(files[0], m, rep, func(cf audit.Conflict) string { return conflictPlace(ctx, store, cf) })
	return nil
}

// conflictPlace names where a conflict is for people: the school, the
// visit's day and the room's number, falling back to ids for what this
// database does not hold (a dry run saves nothing).
func conflictPlace(ctx context.Context, store *sqlite.Store, cf audit.Conflict) string {
	visit := "visit " + cf.VisitID
	if v, err := store.Visit(ctx, cf.VisitID); err == nil {
		visit = "the visit of " + v.StartedAt.Format("2 January 2006")
		if sc, err := store.School(ctx, v.SchoolID); err == nil {
			visit = sc.Name + ", " + visit
		}
	}
	room := "room " + cf.RoomID
	if r, err := store.Room(ctx, cf.RoomID); err == nil {
		room = "room " + r.Number
	}
	return visit + ", " + room
}

func (c *CLI) printApplyReport(name string, m bundle.Manifest, rep audit.ApplyReport, place func(audit.Conflict) string) {
	if rep.AlreadyImported {
		fmt.Fprintf(c.Out, "%s: bundle %s was imported before; nothing changed\n", name, m.BundleID)
		return
	}
	verb := "imported"
	if rep.DryRun {
		verb = "would import (dry run, nothing saved)"
	}
	t := rep.Total()
	fmt.Fprintf(c.Out, "%s %s from device %s: added %d, updated %d, unchanged %d, conflicts %d\n",
		verb, name, m.Device, t.Added, t.Updated, t.Unchanged, len(rep.Conflicts))
	parts := make([]string, 0, len(rep.Parts))
	for part := range rep.Parts {
		parts = append(parts, part)
	}
	sort.Strings(parts)
	for _, part := range parts {
		p := rep.Parts[part]
		fmt.Fprintf(c.Out, "  %-15s added %d, updated %d, unchanged %d\n", strings.ReplaceAll(part, "_", " "), p.Added, p.Updated, p.Unchanged)
	}
	for _, cf := range rep.Conflicts {
		fmt.Fprintf(c.Out, "  conflict: %s, %s %s: kept the newer answer; the other (%q, note %q, from device %s) is kept to resolve in the app (2 answers differ)\n",
			place(cf), cf.Kind, cf.ItemID, cf.Value, cf.Note, cf.Device)
	}
}
