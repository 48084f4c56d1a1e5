package report

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"techwalk/audit/sqlite"
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
	var line []byte
	err = produce(func(rec []string) error {
		line = appendRecord(line[:0], rec)
		_, err := bw.Write(line)
		return err
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// appendRecord appends a CSV line of SafeCell'd cells, byte for byte as
// encoding/csv writes it (comma separated, LF line ends), without the
// copies SafeCell and a csv.Writer make.
func appendRecord(dst []byte, rec []string) []byte {
	for i, cell := range rec {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendCell(dst, cell)
	}
	return append(dst, '\n')
}

// csvSpecial marks the bytes that make encoding/csv quote a cell.
var csvSpecial = [256]bool{',': true, '"': true, '\r': true, '\n': true}

// hasCSVSpecial reports whether s holds a comma, a quote or a line break.
func hasCSVSpecial(s string) bool {
	for i := 0; i < len(s); i++ {
		if csvSpecial[s[i]] {
			return true
		}
	}
	return false
}

// appendCell appends SafeCell(s), quoted when encoding/csv would quote it.
func appendCell(dst []byte, s string) []byte {
	formula := isFormulaStart(s)
	if !cellNeedsQuotes(s, formula) {
		if formula {
			dst = append(dst, '\'')
		}
		return append(dst, s...)
	}
	dst = append(dst, '"')
	if formula {
		dst = append(dst, '\'')
	}
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		dst = append(append(dst, s[:i+1]...), '"')
		s = s[i+1:]
	}
	return append(append(dst, s...), '"')
}

// cellNeedsQuotes follows encoding/csv: quote a cell holding a comma, a
// quote or a line break, the cell `\.`, or one starting with a space (a
// neutralised formula starts with its quote mark instead).
func cellNeedsQuotes(s string, formula bool) bool {
	if s == "" {
		return false
	}
	if s == `\.` || hasCSVSpecial(s) {
		return true
	}
	if formula {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// ExportFiles writes the export into dir and returns the paths written.
// The files are those of ExportParts; every one is written to a temporary
// file first and renamed, so none is ever half-written.
func ExportFiles(ctx context.Context, store *sqlite.Store, opt ExportOptions, dir, baseName string) ([]string, error) {
	parts, err := ExportParts(ctx, store, opt, baseName)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, part := range parts {
		path := filepath.Join(dir, part.Name)
		if err := WriteFileAtomic(path, part.Data); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, MarkExported(ctx, store, opt, parts)
}

// ExportPart is one file of an export: a plain file name and its bytes.
type ExportPart struct {
	Name string
	Data []byte
	// openIDs are the open findings the part carries, which MarkExported
	// records as in backlog once the part is written.
	openIDs []string
}

// ExportParts renders the export as the files it makes, for a folder on
// disk (ExportFiles) or one reached through the system's storage (a folder
// chosen on Android or iOS). baseName is reduced to a plain file name (no
// folders, no "..", no characters Windows refuses) so nothing lands outside
// the folder; the format's extension is added when missing. Azure DevOps
// exports of more than 1,000 rows are split into base-1.csv, base-2.csv, ...
func ExportParts(ctx context.Context, store *sqlite.Store, opt ExportOptions, baseName string) ([]ExportPart, error) {
	items, ex, err := prepare(ctx, store, opt)
	if err != nil {
		return nil, err
	}
	info, _ := opt.Format.Info()
	base := strings.TrimSuffix(SafeFileName(baseName), info.Extension)
	chunks := [][]backlogItem{items}
	if opt.Format == FormatAzure && len(items) > AzureMaxRows {
		chunks = split(items, AzureMaxRows)
	}
	parts := make([]ExportPart, len(chunks))
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

// SafeFileName reduces a user-chosen name to one plain file name: folders
// are dropped, characters that are unsafe on Windows, macOS or Linux are
// replaced, and an empty or dot-only name becomes "techwalk-export".
func SafeFileName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = name[strings.LastIndex(name, "/")+1:]
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`<>:"|?*`, r) {
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(strings.TrimSpace(name), ". ")
	if name == "" {
		return "techwalk-export"
	}
	return truncate(name, 150)
}

// WriteFileAtomic writes data to a temporary file next to path, syncs it
// and renames it over path, so readers see the old file or the new one,
// never a half-written one.
func WriteFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
