package report

// Backlog exports: Jira, Azure DevOps, GitHub and ServiceNow imports, and
// plain CSV and JSON with every field.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// Format names an export format.
type Format string

// The export formats.
const (
	FormatJira       Format = "jira"
	FormatAzure      Format = "azure"
	FormatGitHub     Format = "github"
	FormatServiceNow Format = "servicenow"
	FormatCSV        Format = "csv"
	FormatJSON       Format = "json"
)

// FormatInfo describes a format for an export dialog.
type FormatInfo struct {
	Format    Format
	Name      string // shown to people
	Extension string // ".csv" or ".json"
	Help      string // how to import the file
}

// Formats lists the export formats in the order a dialog shows them.
var Formats = []FormatInfo{
	{FormatJira, "Jira (CSV)", ".csv", "Jira: Settings > System > External system import > CSV. Map Labels to Labels, Due Date with date format yyyy-MM-dd, External ID to a custom field."},
	{FormatAzure, "Azure DevOps (CSV)", ".csv", "Azure Boards: Work items > Import work items; at most 1,000 per file, so larger exports are split into numbered files."},
	{FormatGitHub, "GitHub issues (JSON)", ".json", "Each element is the body of POST /repos/{owner}/{repo}/issues."},
	{FormatServiceNow, "ServiceNow import set (CSV)", ".csv", "Load into an import set; coalesce the transform map on correlation_id."},
	{FormatCSV, "Plain CSV (every field)", ".csv", "Every field of every finding, for spreadsheets."},
	{FormatJSON, "Plain JSON (every field)", ".json", "Every field of every finding, for scripts."},
}

// Info returns the description of a format.
func (f Format) Info() (FormatInfo, bool) {
	for _, info := range Formats {
		if info.Format == f {
			return info, true
		}
	}
	return FormatInfo{}, false
}

// ParseFormat checks a format name.
func ParseFormat(s string) (Format, error) {
	if _, ok := Format(s).Info(); ok {
		return Format(s), nil
	}
	return "", fmt.Errorf("export format %q is unknown; use jira, azure, github, servicenow, csv or json", s)
}

// AzureMaxRows is the most work items Azure DevOps imports from one CSV file.
const AzureMaxRows = 1000

// ExportOptions says what to export and how.
type ExportOptions struct {
	Format  Format
	Grouped bool // one item per school and checklist item, across rooms
	BOM     bool // start CSV files with a UTF-8 byte-order mark (for Excel)
	Filter  audit.FindingFilter
	// AzureWorkItemType is the Azure DevOps work item type; default "Task",
	// which every process template has.
	AzureWorkItemType string
	// AzureAreaPath is written to every Azure row's Area Path; empty lets
	// Azure use the project's default area.
	AzureAreaPath string
	// RefuseEmpty makes an export that no finding matches fail with
	// ErrNoFindings, writing nothing.
	RefuseEmpty bool
	// TeacherNames are every teacher name in the database: when the
	// district anonymises, each is scrubbed from every finding's free
	// text, whichever school or filter it is from (the exported findings'
	// own teachers are always added).
	TeacherNames []string
	// All exports every fault, also those already in a backlog, resolved or
	// verified fixed; by default (and unless Filter.Status asks for a
	// status) only what is not yet in a backlog is exported. Either way a
	// fault seen on several visits is one item with its first finding's id.
	All bool
	// MarkInBacklog records the exported open findings as "in backlog"
	// once the export is written, so the next default export leaves them out.
	MarkInBacklog bool
}

// ErrNoFindings is returned, with RefuseEmpty, when no finding matches the filter.
var ErrNoFindings = errors.New("no findings matched")

// AlreadyExportedError is ErrNoFindings when findings match the filter but
// every one is already in a backlog, resolved or fixed.
type AlreadyExportedError struct {
	Matched int // findings that match the filter
}

func (e *AlreadyExportedError) Error() string {
	return fmt.Sprintf("the %d findings that match are already in a backlog, resolved or fixed (--all exports them again, with the same ids)", e.Matched)
}

// Unwrap makes errors.Is(err, ErrNoFindings) hold.
func (e *AlreadyExportedError) Unwrap() error { return ErrNoFindings }

// ErrTooManyRows is returned when an Azure export to one stream has more
// rows than Azure imports from a file; use ExportFiles to split it.
var ErrTooManyRows = errors.New("too many rows for one Azure DevOps import file")

// Export writes the findings matching opt.Filter in opt.Format to w. The
// same findings always give the same bytes: items are in a fixed order,
// ids are stable and nothing depends on the current time.
func Export(ctx context.Context, store *sqlite.Store, opt ExportOptions, w io.Writer) error {
	items, ex, err := prepare(ctx, store, opt)
	if err != nil {
		return err
	}
	if opt.Format == FormatAzure && len(items) > AzureMaxRows {
		return fmt.Errorf("%d work items: Azure DevOps imports at most %d per file; export to a folder to split them: %w",
			len(items), AzureMaxRows, ErrTooManyRows)
	}
	if err := ex.write(w, items); err != nil {
		return err
	}
	return markIDs(ctx, store, opt, openFindingIDs(items))
}

// MarkExported records the open findings of written parts as "in backlog"
// when opt.MarkInBacklog is set, so the next default export leaves them out.
// Call it once the parts are written.
func MarkExported(ctx context.Context, store *sqlite.Store, opt ExportOptions, parts []ExportPart) error {
	if !opt.MarkInBacklog {
		return nil
	}
	var ids []string
	for _, p := range parts {
		ids = append(ids, p.openIDs...)
	}
	return markIDs(ctx, store, opt, ids)
}

func markIDs(ctx context.Context, store *sqlite.Store, opt ExportOptions, ids []string) error {
	if !opt.MarkInBacklog {
		return nil
	}
	if _, err := store.MarkInBacklog(ctx, ids); err != nil {
		return fmt.Errorf("the export is written, but recording its findings as in backlog failed: %w", err)
	}
	return nil
}

// openFindingIDs lists the open findings of the items.
func openFindingIDs(items []backlogItem) []string {
	var ids []string
	for _, is := range items {
		for i := range is.Findings {
			if is.Findings[i].Action.Status == audit.StatusOpen {
				ids = append(ids, is.Findings[i].ID)
			}
		}
	}
	return ids
}

// Preview returns what the export dialog shows: the header and the first
// n rows as the format will write them (for JSON formats, a table of the
// main fields).
func Preview(ctx context.Context, store *sqlite.Store, opt ExportOptions, n int) ([][]string, error) {
	items, ex, err := prepare(ctx, store, opt)
	if err != nil {
		return nil, err
	}
	if n >= 0 && n < len(items) {
		items = items[:n]
	}
	return ex.table(items), nil
}

// exporter writes one format.
type exporter struct {
	opt       ExportOptions
	anonymise bool
}

func prepare(ctx context.Context, store *sqlite.Store, opt ExportOptions) ([]backlogItem, *exporter, error) {
	if _, err := ParseFormat(string(opt.Format)); err != nil {
		return nil, nil, err
	}
	anonymise := store.Anonymise(ctx)
	chunks, err := store.FindingChunks(ctx, opt.Filter)
	if err != nil {
		return nil, nil, err
	}
	matched := countFindings(chunks)
	chunks = audit.CurrentFaults(chunks, opt.All || opt.Filter.Status != "")
	if anonymise {
		names := append(slices.Clone(opt.TeacherNames), takeTeachers(chunks)...)
		scrubFindings(chunks, audit.NewNameScrubber(names))
	}
	ex := &exporter{opt: opt, anonymise: anonymise}
	items := buildIssues(chunks, opt.Grouped)
	if opt.RefuseEmpty && len(items) == 0 {
		if matched > 0 {
			return nil, nil, &AlreadyExportedError{Matched: matched}
		}
		return nil, nil, ErrNoFindings
	}
	return items, ex, nil
}

func countFindings(chunks [][]audit.Finding) int {
	n := 0
	for _, c := range chunks {
		n += len(c)
	}
	return n
}

func (ex *exporter) write(w io.Writer, items []backlogItem) error {
	switch ex.opt.Format {
	case FormatGitHub:
		return writeJSON(w, ex.githubIssues(items))
	case FormatJSON:
		return writeJSON(w, ex.plainJSON(items))
	}
	if ex.opt.Format == FormatCSV && !ex.opt.Grouped {
		return writePlainCSV(w, ex.opt.BOM, items)
	}
	return writeCSV(w, ex.opt.BOM, func(emit func([]string) error) error { return ex.rows(items, emit) })
}

// rows emits the header and rows of a CSV format; JSON formats emit a
// summary table for previews.
func (ex *exporter) rows(items []backlogItem, emit func([]string) error) error {
	switch ex.opt.Format {
	case FormatJira:
		return ex.jiraRows(items, emit)
	case FormatAzure:
		return ex.azureRows(items, emit)
	case FormatServiceNow:
		return ex.serviceNowRows(items, emit)
	case FormatGitHub:
		return ex.githubRows(items, emit)
	}
	return ex.plainRows(items, emit)
}

// table collects the rows for a preview.
func (ex *exporter) table(items []backlogItem) [][]string {
	var table [][]string
	_ = ex.rows(items, func(rec []string) error {
		table = append(table, rec)
		return nil
	})
	return table
}

// render returns the bytes of an export of items, for the file writer.
func (ex *exporter) render(items []backlogItem) ([]byte, error) {
	var buf bytes.Buffer
	err := ex.write(&buf, items)
	return buf.Bytes(), err
}

// takeTeachers blanks the teacher of every finding (no format names
// teachers unless the district turned anonymising off) and returns the
// teachers it blanked.
func takeTeachers(chunks [][]audit.Finding) []string {
	seen := map[string]bool{}
	var names []string
	for _, chunk := range chunks {
		for i := range chunk {
			f := &chunk[i]
			if f.Teacher == "" {
				continue
			}
			if !seen[f.Teacher] {
				seen[f.Teacher] = true
				names = append(names, f.Teacher)
			}
			f.Teacher = ""
		}
	}
	return names
}

// scrubFindings removes teacher names from every finding's free text
// (note, answer and reason), on every core.
func scrubFindings(chunks [][]audit.Finding, s *audit.NameScrubber) {
	eachChunk(chunks, func(chunk []audit.Finding) {
		for i := range chunk {
			f := &chunk[i]
			f.Note, f.Value, f.Reason = s.Scrub(f.Note), s.Scrub(f.Value), s.Scrub(f.Reason)
		}
	})
}

// eachChunk calls fn for every chunk, on as many goroutines as there are
// cores, and returns when all calls have.
func eachChunk(chunks [][]audit.Finding, fn func([]audit.Finding)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(chunks)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(chunks); i = int(next.Add(1)) - 1 {
				fn(chunks[i])
			}
		})
	}
	wg.Wait()
}
