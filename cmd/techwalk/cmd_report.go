package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"

	"techwalk/audit"
	"techwalk/audit/sqlite"
	"techwalk/report/pdf"
)

// progressThreshold is the number of report steps above which a progress bar is shown.
const progressThreshold = 30

func runReport(c *CLI, args []string) error {
	fs := c.newFlags("report")
	db := dbFlag(fs)
	visit := fs.String("visit", "latest", "visit id, or latest (the newest finished visit)")
	school := fs.String("school", "", "with --visit latest: the newest finished visit of this school (name, code or id)")
	out := fs.String("o", "", "PDF file to write (default: techwalk-report-SCHOOL-DATE.pdf in the current folder)")
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
	v, err := pickVisit(ctx, store, *visit, *school, false)
	if err != nil {
		return err
	}
	opt, err := pdf.OptionsFromStore(ctx, store)
	if err != nil {
		return err
	}
	if *paper != "" {
		opt.Paper = *paper
	}
	path, err := c.writeReport(ctx, store, v, opt, *out)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.Out, path)
	return nil
}

// pickVisit resolves --visit (an id, a unique prefix or "latest") and
// --school to one visit; "latest" is the newest finished visit, or with
// anyVisit the newest visit finished or not.
func pickVisit(ctx context.Context, store *sqlite.Store, visit, school string, anyVisit bool) (audit.Visit, error) {
	if visit != "latest" {
		v, err := findVisit(ctx, store, visit)
		if err != nil {
			return v, fmt.Errorf("--visit: %w", err)
		}
		return v, nil
	}
	filter := sqlite.VisitFilter{FinishedOnly: !anyVisit}
	if school != "" {
		sc, err := store.FindSchool(ctx, school)
		if err != nil {
			return audit.Visit{}, fmt.Errorf("--school: %w", err)
		}
		filter.SchoolID = sc.ID
	}
	visits, err := store.Visits(ctx, filter)
	if err != nil {
		return audit.Visit{}, err
	}
	switch {
	case len(visits) > 0:
		return visits[0], nil
	case anyVisit:
		return audit.Visit{}, errors.New("no visit yet; start one in the app (see 'techwalk visits')")
	}
	return audit.Visit{}, errors.New("no finished visit to report on; finish a visit or pass --visit ID (see 'techwalk visits')")
}

// writeReport writes the PDF of visit v to out (default: a name made from
// the school and the date) through writePDF.
func (c *CLI) writeReport(ctx context.Context, store *sqlite.Store, v audit.Visit, opt pdf.Options, out string) (string, error) {
	if out == "" {
		name, err := defaultReportName(ctx, store, v)
		if err != nil {
			return "", err
		}
		out = name
	}
	return out, c.writePDF(out, &opt, func(w io.Writer) error { return pdf.Write(ctx, w, store, v.ID, opt) })
}

// writePDF writes a PDF made by write to a temporary file beside out and
// renames it into place, so a failure or Ctrl-C leaves no half-written
// file; out may not be the database. It sets opt's progress bar and
// warnings to the CLI's error stream.
func (c *CLI) writePDF(out string, opt *pdf.Options, write func(io.Writer) error) error {
	if err := sqlite.CheckOutput(out); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".techwalk-report-*.pdf")
	if err != nil {
		return fmt.Errorf("create the report next to %s: %w", out, err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	bar := &progressBar{w: c.Err}
	opt.Progress = func(done, total int) {
		if total > progressThreshold {
			bar.update(float64(done), float64(total), "report")
		}
	}
	opt.Warn = func(msg string) { fmt.Fprintln(c.Err, "warning:", msg) }
	err = write(tmp)
	bar.finish()
	if err = errors.Join(err, tmp.Sync(), tmp.Close()); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fmt.Errorf("move the report into place at %s: %w", out, err)
	}
	return nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9]+`)

// defaultReportName is techwalk-report-SCHOOL-DATE.pdf.
func defaultReportName(ctx context.Context, store *sqlite.Store, v audit.Visit) (string, error) {
	sc, err := store.School(ctx, v.SchoolID)
	if err != nil {
		return "", err
	}
	slug := strings.Trim(unsafeName.ReplaceAllString(nonEmptyStr(sc.Code, sc.Name), "-"), "-")
	return fmt.Sprintf("techwalk-report-%s-%s.pdf", strings.ToLower(nonEmptyStr(slug, "school")), v.StartedAt.Format("2006-01-02")), nil
}

func nonEmptyStr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
