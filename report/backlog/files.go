package backlog

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"techwalk/audit"
	"techwalk/report/outfile"
)

// utf8BOM lets Excel recognise a CSV file as UTF-8.
const utf8BOM = "\ufeff"

// SafeCell neutralises a spreadsheet formula: a cell starting with '=',
// '+', '-', '@', a tab or a carriage return gets a leading single quote,
// so Excel and LibreOffice show it as text instead of running it.
func SafeCell(s string) string {
	if isFormulaStart(s) {
		return "'" + s
	}
	return s
}

func isFormulaStart(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// newCSVWriter buffers w and starts it with the byte-order mark when asked.
func newCSVWriter(w io.Writer, bom bool) (*bufio.Writer, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	if bom {
		if _, err := bw.WriteString(utf8BOM); err != nil {
			return nil, err
		}
	}
	return bw, nil
}

// writeCSV writes the records produce emits, neutralising formulas.
func writeCSV(w io.Writer, bom bool, produce func(emit func([]string) error) error) error {
	bw, err := newCSVWriter(w, bom)
	if err != nil {
		return err
	}
	cw := newSafeWriter(bw)
	if err := produce(cw.Write); err != nil {
		return err
	}
	if err := cw.flush(); err != nil {
		return err
	}
	return bw.Flush()
}

// safeWriter is an encoding/csv writer (comma separated, LF line ends)
// that passes every cell through SafeCell.
type safeWriter struct {
	cw   *csv.Writer
	safe []string
}

func newSafeWriter(w io.Writer) *safeWriter { return &safeWriter{cw: csv.NewWriter(w)} }

// Write writes one record of SafeCell'd cells.
func (w *safeWriter) Write(rec []string) error {
	w.safe = w.safe[:0]
	for _, cell := range rec {
		w.safe = append(w.safe, SafeCell(cell))
	}
	return w.cw.Write(w.safe)
}

// flush writes what the csv.Writer holds and returns its error.
func (w *safeWriter) flush() error {
	w.cw.Flush()
	return w.cw.Error()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// WriteFiles writes the export into dir and returns the paths written.
// The files are those of Parts; every one is written to a temporary
// file first and renamed, so none is ever half-written.
func WriteFiles(ctx context.Context, store Findings, opt Options, dir, baseName string) ([]string, error) {
	parts, err := Parts(ctx, store, opt, baseName)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, part := range parts {
		path := filepath.Join(dir, part.Name)
		if err := audit.WriteFileAtomic(path, part.Data); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, MarkExported(ctx, store, opt, parts)
}

// Part is one file of an export: a plain file name and its bytes.
type Part struct {
	Name string
	Data []byte
	// openIDs are the open findings the part carries, which MarkExported
	// records as in backlog once the part is written.
	openIDs []string
}

// Parts renders the export as the files it makes, for a folder on
// disk (WriteFiles) or one reached through the system's storage (a folder
// chosen on Android or iOS). baseName is reduced to a plain file name (no
// folders, no "..", no characters Windows refuses) so nothing lands outside
// the folder; the format's extension is added when missing. Azure DevOps
// exports of more than 1,000 rows are split into base-1.csv, base-2.csv, ...
func Parts(ctx context.Context, store Findings, opt Options, baseName string) ([]Part, error) {
	items, ex, err := prepare(ctx, store, opt)
	if err != nil {
		return nil, err
	}
	info, _ := opt.Format.Info()
	base := strings.TrimSuffix(outfile.SafeFileName(baseName), info.Extension)
	chunks := [][]backlogItem{items}
	if opt.Format == FormatAzure && len(items) > AzureMaxRows {
		chunks = split(items, AzureMaxRows)
	}
	parts := make([]Part, len(chunks))
	for i, chunk := range chunks {
		parts[i].Name = base + info.Extension
		if len(chunks) > 1 {
			parts[i].Name = fmt.Sprintf("%s-%d%s", base, i+1, info.Extension)
		}
		if parts[i].Data, err = ex.render(chunk); err != nil {
			return nil, err
		}
		parts[i].openIDs = openFindingIDs(chunk)
	}
	return parts, nil
}

func split(items []backlogItem, size int) [][]backlogItem {
	var out [][]backlogItem
	for len(items) > size {
		out = append(out, items[:size])
		items = items[size:]
	}
	return append(out, items)
}
