package main

import (
	"context"
	"flag"
	"fmt"

	"techwalk/audit"
)

// runPeople shows or records who walked a visit and who was present.
func runPeople(c *CLI, args []string) error {
	fs := c.newFlags("people")
	db := dbFlag(fs)
	visit := fs.String("visit", "latest", "visit id, or latest (the newest visit, finished or not)")
	school := fs.String("school", "", "with --visit latest: the newest visit of this school (name, code or id)")
	walkedBy := fs.String("walked-by", "", "who walked the visit (replaces what is recorded)")
	present := fs.String("present", "", "who else was there (replaces what is recorded)")
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	store, err := openStore(*db)
	if err != nil {
		return err
	}
	defer store.Close()
	ctx := context.Background()
	v, err := newestVisit(ctx, store, *visit, *school)
	if err != nil {
		return err
	}
	if given["walked-by"] || given["present"] {
		p := audit.VisitPeople{WalkedBy: v.Auditor, Present: v.People}
		if given["walked-by"] {
			p.WalkedBy = *walkedBy
		}
		if given["present"] {
			p.Present = *present
		}
		if v, err = store.SetVisitPeople(ctx, v.ID, p); err != nil {
			return err
		}
	}
	fmt.Fprintf(c.Out, "Visit:        %s (%s)\nWalked by:    %s\nAlso present: %s\n", v.ID, v.StartedAt.Format("2 January 2006"),
		orDash(v.Auditor), orDash(v.People))
	return nil
}

// newestVisit resolves --visit and --school to one visit; latest is the
// newest visit, finished or not.
func newestVisit(ctx context.Context, store *audit.Store, visit, school string) (audit.Visit, error) {
	if visit != "latest" {
		return store.Visit(ctx, visit)
	}
	filter := audit.VisitFilter{}
	if school != "" {
		sc, err := store.FindSchool(ctx, school)
		if err != nil {
			return audit.Visit{}, fmt.Errorf("school %q: %w", school, err)
		}
		filter.SchoolID = sc.ID
	}
	visits, err := store.Visits(ctx, filter)
	if err != nil {
		return audit.Visit{}, err
	}
	if len(visits) == 0 {
		return audit.Visit{}, fmt.Errorf("no visit yet; start one in the app (see 'techwalk visits')")
	}
	return visits[0], nil
}
