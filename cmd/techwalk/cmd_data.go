package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// dbFlag adds --db to a flag set.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "", "database file (default: $"+sqlite.EnvDB+" or the user's data folder)")
}

// openStore opens the database named by --db, TECHWALK_DB or the default location.
func openStore(dbPath string) (*sqlite.Store, error) {
	path, err := sqlite.ResolvePath(dbPath)
	if err != nil {
		return nil, fmt.Errorf("find the data folder: %w", err)
	}
	return sqlite.Open(path)
}

// openReader opens the database named like openStore for a command that
// only reads: it never creates a missing file, and works on a read-only
// file or folder.
func openReader(dbPath string) (*sqlite.Store, error) {
	path, err := sqlite.ResolvePath(dbPath)
	if err != nil {
		return nil, fmt.Errorf("find the data folder: %w", err)
	}
	return sqlite.OpenReadOnly(path)
}

// openExisting opens the database named like openStore for a command that
// changes an existing database: it never creates a missing file.
func openExisting(dbPath string) (*sqlite.Store, error) {
	path, err := sqlite.ResolvePath(dbPath)
	if err != nil {
		return nil, fmt.Errorf("find the data folder: %w", err)
	}
	return sqlite.OpenExisting(path)
}

// parseFlags parses args, allowing flags before and after positional
// arguments, and refuses a count of positional arguments other than want.
// The positional arguments are left in fs.Args().
func parseFlags(fs *flag.FlagSet, args []string, want int) error {
	positional, err := parseMixed(fs, args, want)
	if err != nil {
		return err
	}
	return fs.Parse(positional)
}

func (c *CLI) printJSON(v any) error {
	enc := json.NewEncoder(c.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func runDemo(c *CLI, args []string) error {
	fs := c.newFlags("demo")
	db := dbFlag(fs)
	seed := fs.Uint64("seed", 2026, "random seed (the same seed makes the same district)")
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	store, err := openStore(*db)
	if err != nil {
		return err
	}
	defer store.Close()
	existing, err := store.Schools(context.Background())
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		return fmt.Errorf("%s already holds %d schools; run demo on a new file (--db demo.db)", store.Path(), len(existing))
	}
	res, err := store.CreateDemo(context.Background(), *seed)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.Out, "%s: %d schools, %d rooms, %d visits, %d answers, %d photos, %d teacher feedback forms\n",
		store.Path(), res.Schools, res.Rooms, res.Visits, res.Answers, res.Photos, res.Feedback)
	return nil
}

// schoolRow is one line of `techwalk schools`.
type schoolRow struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Code      string   `json:"code,omitempty"`
	Principal string   `json:"principal,omitempty"`
	Rooms     int      `json:"rooms"`
	LastVisit string   `json:"last_visit,omitempty"`
	Score     *float64 `json:"score,omitempty"`
	// Coverage is the percentage of the last visit's scored checks answered;
	// below the coverage threshold the visit is a partial walk.
	Coverage    *int `json:"coverage_percent,omitempty"`
	PartialWalk bool `json:"partial_walk,omitempty"`
}

func runSchools(c *CLI, args []string) error {
	fs := c.newFlags("schools")
	db := dbFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	return printList(c, *db, *asJSON, schoolRows, "SCHOOL\tCODE\tROOMS\tLAST VISIT\tSCORE\tCOVERAGE", func(r schoolRow) string {
		cov := "-"
		if r.Coverage != nil {
			cov = coverageText(*r.Coverage, r.PartialWalk)
		}
		return joinCells(r.Name, r.Code, strconv.Itoa(r.Rooms), orDash(r.LastVisit), scoreText(r.Score), cov)
	})
}

// printList opens the store, loads rows and prints them as JSON or as a
// table with the given tab-separated header and one line per row.
func printList[T any](c *CLI, db string, asJSON bool, load func(context.Context, *sqlite.Store) ([]T, error),
	header string, line func(T) string) error {
	store, err := openReader(db)
	if err != nil {
		return err
	}
	defer store.Close()
	rows, err := load(context.Background(), store)
	if err != nil {
		return err
	}
	if asJSON {
		return c.printJSON(rows)
	}
	tw := tabwriter.NewWriter(c.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, r := range rows {
		fmt.Fprintln(tw, line(r))
	}
	return tw.Flush()
}

func schoolRows(ctx context.Context, store *sqlite.Store) ([]schoolRow, error) {
	schools, err := store.Schools(ctx)
	if err != nil {
		return nil, err
	}
	out := []schoolRow{}
	for _, sc := range schools {
		rooms, err := store.Rooms(ctx, sc.ID)
		if err != nil {
			return nil, err
		}
		row := schoolRow{ID: sc.ID, Name: sc.Name, Code: sc.Code, Principal: sc.Principal, Rooms: len(rooms)}
		if v, err := store.LatestVisit(ctx, sc.ID, true); err == nil {
			vs, err := store.ScoreOf(ctx, v.ID)
			if err != nil {
				return nil, err
			}
			row.LastVisit = v.StartedAt.Format("2006-01-02")
			cov := vs.Coverage.Percent()
			row.Score, row.Coverage, row.PartialWalk = &vs.Score, &cov, vs.Partial
		} else if !errors.Is(err, audit.ErrNotFound) {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

// visitRow is one line of `techwalk visits`.
type visitRow struct {
	ID       string  `json:"id"`
	School   string  `json:"school"`
	Started  string  `json:"started"`
	Finished string  `json:"finished,omitempty"`
	Auditor  string  `json:"auditor,omitempty"`
	Present  string  `json:"present,omitempty"`
	Template string  `json:"template"`
	Rooms    int     `json:"rooms_visited"`
	Findings int     `json:"findings"`
	Score    float64 `json:"score"`
	// Coverage is the percentage of the visit's scored checks answered.
	Coverage    int  `json:"coverage_percent"`
	PartialWalk bool `json:"partial_walk"`
	RoomsReady  int  `json:"rooms_ready"`
	RoomsPartly int  `json:"rooms_partly_walked"`
	// short is the shortest unique prefix of ID, which --visit accepts.
	short             string
	started, finished time.Time
}

// localTime is a time for people, in the computer's time zone; "-" for none.
func localTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}

func runVisits(c *CLI, args []string) error {
	fs := c.newFlags("visits")
	db := dbFlag(fs)
	school := fs.String("school", "", "only visits of this school (name, code or id)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	load := func(ctx context.Context, store *sqlite.Store) ([]visitRow, error) {
		return visitRows(ctx, store, *school)
	}
	return printList(c, *db, *asJSON, load, "VISIT\tSCHOOL\tSTARTED\tFINISHED\tROOMS\tREADY\tFINDINGS\tSCORE\tCOVERAGE", func(r visitRow) string {
		return joinCells(r.short, r.School, localTime(r.started), localTime(r.finished),
			strconv.Itoa(r.Rooms), strconv.Itoa(r.RoomsReady), strconv.Itoa(r.Findings), fmt.Sprintf("%.0f", r.Score),
			coverageText(r.Coverage, r.PartialWalk))
	})
}

func visitRows(ctx context.Context, store *sqlite.Store, schoolKey string) ([]visitRow, error) {
	filter := sqlite.VisitFilter{}
	if schoolKey != "" {
		sc, err := store.FindSchool(ctx, schoolKey)
		if err != nil {
			return nil, err
		}
		filter.SchoolID = sc.ID
	}
	visits, err := store.Visits(ctx, filter)
	if err != nil {
		return nil, err
	}
	short, err := shortVisitIDs(ctx, store)
	if err != nil {
		return nil, err
	}
	out := []visitRow{}
	for _, v := range visits {
		vs, err := store.ScoreOf(ctx, v.ID)
		if err != nil {
			return nil, err
		}
		sc, err := store.School(ctx, v.SchoolID)
		if err != nil {
			return nil, err
		}
		row := visitRow{ID: v.ID, School: sc.Name, Started: v.StartedAt.Local().Format(time.RFC3339), Auditor: v.Auditor, Present: v.People,
			Template: v.TemplateID + " " + v.TemplateVersion, Rooms: vs.RoomsVisited, Findings: vs.Failures, Score: vs.Score,
			Coverage: vs.Coverage.Percent(), PartialWalk: vs.Partial, RoomsReady: vs.RoomsReady, RoomsPartly: vs.RoomsPartly,
			short: short[v.ID], started: v.StartedAt}
		if v.Finished() {
			row.Finished = v.FinishedAt.Local().Format(time.RFC3339)
			row.finished = v.FinishedAt
		}
		out = append(out, row)
	}
	return out, nil
}

// shortVisitIDs maps every visit id to its shortest unique prefix (eight
// characters at least) among all the database's visits.
func shortVisitIDs(ctx context.Context, store *sqlite.Store) (map[string]string, error) {
	all, err := store.Visits(ctx, sqlite.VisitFilter{})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(all))
	for i, v := range all {
		ids[i] = v.ID
	}
	out := make(map[string]string, len(ids))
	for i, p := range audit.ShortIDs(ids, 8) {
		out[ids[i]] = p
	}
	return out, nil
}

func runTemplate(c *CLI, args []string) error {
	if err := c.subcommand(args, "usage: techwalk template validate FILE | techwalk template import FILE [--db PATH]", "validate", "import"); err != nil {
		return err
	}
	fs := c.newFlags("template " + args[0])
	db := dbFlag(fs)
	if err := parseFlags(fs, args[1:], 1); err != nil {
		return err
	}
	file := fs.Arg(0)
	data, err := audit.ReadInputFile(file, audit.MaxTemplateSize)
	if err != nil {
		return err
	}
	t, err := audit.ParseTemplate(file, data)
	if err != nil {
		return err
	}
	items := 0
	for _, s := range t.Sections {
		items += len(s.Items)
	}
	if args[0] == "validate" {
		fmt.Fprintf(c.Out, "%s: template %q (%s) version %s is valid: %d sections, %d items\n", file, t.Name, t.ID, t.Version, len(t.Sections), items)
		return nil
	}
	store, err := openStore(*db)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.SaveTemplate(context.Background(), t); err != nil {
		return err
	}
	fmt.Fprintf(c.Out, "imported template %q (%s) version %s into %s\n", t.Name, t.ID, t.Version, store.Path())
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// coverageText is "92%", or "25% partial walk" below the threshold.
func coverageText(percent int, partial bool) string {
	if partial {
		return fmt.Sprintf("%d%% partial walk", percent)
	}
	return fmt.Sprintf("%d%%", percent)
}

func scoreText(score *float64) string {
	if score == nil {
		return "-"
	}
	return fmt.Sprintf("%.0f", *score)
}
