package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"techwalk/audit"
	"techwalk/audit/sqlite"
	"techwalk/report/pdf"
)

const districtUsage = "Usage: techwalk district report [-o FILE] [--paper a4|letter] [--db PATH]"

// runDistrict runs techwalk district SUBCOMMAND.
func runDistrict(c *CLI, args []string) error {
	if err := c.subcommand(args, districtUsage, "report"); err != nil {
		return err
	}
	return runDistrictReport(c, args[1:])
}

// runDistrictReport writes the district report of the local database: the
// merged district after bundle imports or a hub pull.
func runDistrictReport(c *CLI, args []string) error {
	fs := c.newFlags("district report")
	db := dbFlag(fs)
	out := fs.String("o", "district.pdf", "PDF file to write")
	paper := fs.String("paper", "", "paper size: a4 or letter (default: the district setting, else a4)")
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	store, err := openReader(*db)
	if err != nil {
		return err
	}
	defer store.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := c.writeDistrictReport(ctx, store, *paper, *out); err != nil {
		return err
	}
	fmt.Fprintln(c.Out, *out)
	return nil
}

// writeDistrictReport writes the district report of what store holds to
// out, with the district's report settings (paper unless given, privacy).
// A hub pull, when asked for, runs before it against the same store.
func (c *CLI) writeDistrictReport(ctx context.Context, store *sqlite.Store, paper, out string) error {
	opt, err := pdf.OptionsFromStore(ctx, store)
	if err != nil {
		return err
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
