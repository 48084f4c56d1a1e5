package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// MaxImportBytes caps the size of a file read by the CSV and ticket imports.
const MaxImportBytes = 64 << 20

// maxImportRows caps the data rows of an imported CSV file.
const maxImportRows = 200000

// CheckImportSize refuses a file of size bytes larger than MaxImportBytes,
// naming it. A caller may pass a size it stopped reading at, one byte over.
func CheckImportSize(name string, size int64) error {
	if size > MaxImportBytes {
		return fmt.Errorf("%s: the file is larger than the %d MB limit", name, MaxImportBytes>>20)
	}
	return nil
}

// LooksLikeJSON reports whether data, after a byte-order mark and spaces,
// starts a JSON array or object (a GitHub issues export) rather than CSV.
func LooksLikeJSON(data []byte) bool {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\ufeff")), " \t\r\n")
	return len(trimmed) > 0 && (trimmed[0] == '[' || trimmed[0] == '{')
}

// CSVFile is a parsed CSV file: its header and data rows, each with the
// line it starts on, ready for a column mapping.
type CSVFile struct {
	Name      string
	Delimiter rune
	Header    []string
	Rows      []CSVRow
}

// CSVRow is one data row of a CSV file.
type CSVRow struct {
	Line   int // 1-based line the row starts on (a quoted cell may span lines)
	Fields []string
}

// Field returns the row's cell in column i, trimmed; empty when i is out of range.
func (r CSVRow) Field(i int) string {
	if i < 0 || i >= len(r.Fields) {
		return ""
	}
	return strings.TrimSpace(r.Fields[i])
}

// ReadCSV parses a CSV file exported by a spreadsheet or a tracker. It
// skips a UTF-8 byte-order mark, detects ',', ';' or tab as the delimiter
// from the header line, accepts quoted multi-line cells and skips blank
// rows. A file whose lines end in carriage returns only (old Mac Excel) is
// read line by line too. Errors name the file and line.
func ReadCSV(name string, data []byte) (*CSVFile, error) {
	if err := CheckImportSize(name, int64(len(data))); err != nil {
		return nil, err
	}
	data = oldMacLines(bytes.TrimPrefix(data, []byte("\ufeff")))
	if err := checkUTF8(name, data); err != nil {
		return nil, err
	}
	f := &CSVFile{Name: name, Delimiter: detectDelimiter(data)}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = f.Delimiter
	r.FieldsPerRecord = -1
	if err := f.readHeader(r); err != nil {
		return nil, err
	}
	return f, f.readRows(r)
}

// oldMacLines turns the lone carriage returns of a file with no line feed
// at all (old Mac Excel's "CSV") into line feeds, so its rows are read
// rather than taken for one long header line.
func oldMacLines(data []byte) []byte {
	if bytes.IndexByte(data, '\n') >= 0 || bytes.IndexByte(data, '\r') < 0 {
		return data
	}
	return bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
}

func (f *CSVFile) readHeader(r *csv.Reader) error {
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: the file is empty; it needs a header line and rows", f.Name)
	}
	if err != nil {
		return csvError(f.Name, err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	f.Header = header
	return nil
}

func (f *CSVFile) readRows(r *csv.Reader) error {
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return csvError(f.Name, err)
		}
		line, _ := r.FieldPos(0)
		if blankRecord(rec) {
			continue
		}
		if len(f.Rows) == maxImportRows {
			return fmt.Errorf("%s: line %d: more than %d rows; split the file", f.Name, line, maxImportRows)
		}
		f.Rows = append(f.Rows, CSVRow{Line: line, Fields: rec})
	}
}

// Column returns the index of the first header equal to name after
// normalising case, spaces and punctuation, or -1.
func (f *CSVFile) Column(names ...string) int {
	return findColumn(f.Header, names...)
}

func findColumn(header []string, names ...string) int {
	for _, name := range names {
		want := normalizeHeader(name)
		for i, h := range header {
			if normalizeHeader(h) == want {
				return i
			}
		}
	}
	return -1
}

// normalizeHeader keeps only letters and digits, lower-cased: "School Name",
// "school_name" and "SCHOOL-NAME" all become "schoolname".
func normalizeHeader(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > utf8.RuneSelf {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func blankRecord(rec []string) bool {
	for _, cell := range rec {
		if strings.TrimSpace(cell) != "" {
			return false
		}
	}
	return true
}

// detectDelimiter counts ',', ';' and tabs outside quotes on the first line.
func detectDelimiter(data []byte) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range string(data) {
		if r == '"' {
			quoted = !quoted
			continue
		}
		if !quoted && (r == '\n' || r == '\r') {
			break
		}
		if !quoted && (r == ',' || r == ';' || r == '\t') {
			counts[r]++
		}
	}
	best := ','
	for _, d := range []rune{';', '\t'} {
		if counts[d] > counts[best] {
			best = d
		}
	}
	return best
}

func checkUTF8(name string, data []byte) error {
	if utf8.Valid(data) {
		return nil
	}
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return fmt.Errorf("%s: line %d: the text is not UTF-8; save the file as \"CSV UTF-8\" and try again", name, line)
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return nil
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: line %d, column %d: %v; check the quotes on that line", name, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("%s: %w", name, err)
}
