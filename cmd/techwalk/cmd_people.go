package main

import (
	"context"
	"flag"
	"fmt"

	"techwalk/audit/sqlite"
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
	v, err := pickVisit(ctx, store, *visit, *school, true)
	if err != nil {
		return err
	}
	if given["walked-by"] || given["present"] {
		p := sqlite.VisitPeople{WalkedBy: v.Auditor, Present: v.People}
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
