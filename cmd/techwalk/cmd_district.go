package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"techwalk/audit"
	"techwalk/audit/hubsync"
	"techwalk/audit/postgres"
	"techwalk/audit/sqlite"
	"techwalk/report/pdf"
)

const districtUsage = "Usage: techwalk district report [-o FILE] [--paper a4|letter] [--hub URL] [--db PATH]"

// runDistrict runs techwalk district SUBCOMMAND.
func runDistrict(c *CLI, args []string) error {
	if err := c.subcommand(args, districtUsage, "report"); err != nil {
		return err
	}
	return runDistrictReport(c, args[1:])
}

// runDistrictReport writes the district report of the local database: the
// merged district after bundle imports or, with --hub, after pulling the
// district from the hub first.
func runDistrictReport(c *CLI, args []string) error {
	fs := c.newFlags("district report")
	db := dbFlag(fs)
	out := fs.String("o", "district.pdf", "PDF file to write")
	paper := fs.String("paper", "", "paper size: a4 or letter (default: the district setting, else a4)")
	hub := fs.String("hub", "", "pull the district from this hub first (a postgres:// URL, as for 'techwalk hub')")
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var store *sqlite.Store
	var err error
	if *hub != "" {
		store, err = c.pullForReport(ctx, *hub, *db)
	} else {
		store, err = openReader(*db)
	}
	if err != nil {
		return err
	}
	defer store.Close()
	readOnly, err := readOnlyCopy(ctx, store, *hub, *db)
	if err != nil {
		return err
	}
	if err := c.writeDistrictReport(ctx, store, *paper, *out, readOnly); err != nil {
		return err
	}
	fmt.Fprintln(c.Out, *out)
	return nil
}

// pullForReport pulls the district from the hub at url into the database
// at dbPath, made when missing, and returns the store, so the report shows
// every device's work. Nothing is written when the hub cannot be reached.
func (c *CLI) pullForReport(ctx context.Context, url, dbPath string) (*sqlite.Store, error) {
	pullCtx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	h, err := postgres.Open(pullCtx, url)
	if err != nil {
		return nil, hubError(err)
	}
	defer h.Close()
	store, err := openStore(dbPath) // a device joining the district has no database yet
	if err != nil {
		return nil, err
	}
	rep, err := hubsync.Bring(pullCtx, store, h, nil)
	if err != nil {
		store.Close()
		return nil, hubError(err)
	}
	fmt.Fprintf(c.Err, "Pulled from hub %s: %s.\n", h.Target(), rep.Summary())
	return store, nil
}

// readOnlyCopy reports whether the device's copy of the district came
// with a principal's read-only account from the hub the command uses
// (--hub, else TECHWALK_HUB or the one in Settings).
func readOnlyCopy(ctx context.Context, store *sqlite.Store, flagURL, dbPath string) (bool, error) {
	url, _, err := hubURL(flagURL, dbPath)
	if err != nil || url == "" {
		return false, nil // no hub: the device's own data
	}
	target, err := postgres.TargetOf(url)
	if err != nil {
		return false, nil
	}
	return hubsync.ReadOnly(ctx, store, target)
}

// writeDistrictReport writes the district report of what store holds to
// out, with the district's report settings (paper unless given, privacy).
func (c *CLI) writeDistrictReport(ctx context.Context, store *sqlite.Store, paper, out string, readOnly bool) error {
	opt, err := pdf.OptionsFromStore(ctx, store)
	if err != nil {
		return err
	}
	if readOnly {
		opt.Scope = pdf.ReadOnlyScope
	}
	if paper != "" {
		opt.Paper = paper
	}
	opt.Now = store.Now()
	in, err := store.DistrictInput(ctx, opt.Now)
	if err != nil {
		return fmt.Errorf("load the district: %w", err)
	}
	dist := audit.DistrictPicture(in)
	return c.writePDF(out, &opt, func(w io.Writer) error { return pdf.WriteDistrict(ctx, w, dist, opt) })
}
