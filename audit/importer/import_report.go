package importer

import (
	"errors"
	"fmt"
	"io"
)

// ImportOptions changes how an import applies a file.
type ImportOptions struct {
	// Partial imports the good rows of a file that has rejected rows; by
	// default any rejected row means nothing changes.
	Partial bool
	// DryRun checks the file and reports what would change without saving.
	DryRun bool
}

// RowOutcome says what an import did with one row.
type RowOutcome string

// The outcomes of an imported row.
const (
	RowAdded     RowOutcome = "added"
	RowUpdated   RowOutcome = "updated"
	RowUnchanged RowOutcome = "unchanged"
	RowMatched   RowOutcome = "matched"  // tickets: recorded on findings
	RowUnknown   RowOutcome = "unknown"  // tickets: not a TechWalk finding of this database
	RowRejected  RowOutcome = "rejected" // bad row; see Reason
)

// RowResult is the import report for one row of a file.
type RowResult struct {
	Line    int
	Outcome RowOutcome
	Subject string // the school, room or ticket the row is about
	Reason  string // why it was rejected or unknown; what changed
}

// ImportReport lists what an import did, row by row.
type ImportReport struct {
	File    string
	Kind    string // "schools", "rooms" or "tickets"
	Rows    []RowResult
	Applied bool // false when nothing was saved (dry run or rejected rows)
}

// ErrRejectedRows is returned when a file has rejected rows and the import
// was not partial: nothing was saved.
var ErrRejectedRows = errors.New("rows were rejected")

// Count returns how many rows had the outcome.
func (r *ImportReport) Count(o RowOutcome) int {
	n := 0
	for _, row := range r.Rows {
		if row.Outcome == o {
			n++
		}
	}
	return n
}

// Add records the outcome of one row.
func (r *ImportReport) Add(line int, o RowOutcome, subject, reason string) {
	r.Rows = append(r.Rows, RowResult{Line: line, Outcome: o, Subject: subject, Reason: reason})
}

// WriteText prints the report: one line per row, then a summary.
func (r *ImportReport) WriteText(w io.Writer) error {
	for _, row := range r.Rows {
		reason := ""
		if row.Reason != "" {
			reason = ": " + row.Reason
		}
		if _, err := fmt.Fprintf(w, "%s:%d: %s %s%s\n", r.File, row.Line, row.Outcome, row.Subject, reason); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(w, r.Summary())
	return err
}

// Summary is a one-line account of the import.
func (r *ImportReport) Summary() string {
	var s string
	if r.Kind == "tickets" {
		s = fmt.Sprintf("%s: %d matched, %d unchanged, %d unknown, %d rejected", r.File,
			r.Count(RowMatched), r.Count(RowUnchanged), r.Count(RowUnknown), r.Count(RowRejected))
	} else {
		s = fmt.Sprintf("%s: %s: %d added, %d updated, %d unchanged, %d rejected", r.File, r.Kind,
			r.Count(RowAdded), r.Count(RowUpdated), r.Count(RowUnchanged), r.Count(RowRejected))
	}
	if !r.Applied {
		s += "; nothing was saved"
	}
	return s
}

// RejectedError explains why nothing was saved.
func (r *ImportReport) RejectedError() error {
	for _, row := range r.Rows {
		if row.Outcome == RowRejected {
			return fmt.Errorf("%s: line %d: %s; %d row(s) rejected, nothing was imported (fix them, or import the good rows with --partial): %w",
				r.File, row.Line, row.Reason, r.Count(RowRejected), ErrRejectedRows)
		}
	}
	return nil
}
