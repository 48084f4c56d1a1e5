// Package bundle reads and writes TechWalk bundle files (.twbundle): one
// zip file carrying a change set from one device to another on a USB
// stick, a shared drive or an e-mail. Inside are a manifest (bundle id,
// district, device, schema version, clock range, row counts, the SHA-256
// of every part), one NDJSON part per kind of row and the photos as JPEG
// files named by their SHA-256. The reader checks everything before it
// returns anything, within fixed limits of memory and time; it knows no
// database.
package bundle

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // decoder registration for DecodeConfig
	"io"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"techwalk/audit"
)

// Extension is the file name extension of bundles.
const Extension = ".twbundle"

// FormatName and FormatVersion identify the bundle layout this package writes and reads.
const (
	FormatName    = "techwalk-bundle"
	FormatVersion = 2 // 2: the district-wide settings part
	manifestName  = "manifest.json"
	photoDir      = "photos/"
)

// The reasons a bundle is refused. Each is wrapped with the part and detail.
var (
	ErrNotBundle        = errors.New("not a TechWalk bundle")
	ErrDamaged          = errors.New("the bundle is damaged or truncated")
	ErrChecksum         = errors.New("a part of the bundle does not match its SHA-256")
	ErrNewerFormat      = errors.New("the bundle was written by a newer TechWalk (bundle format)")
	ErrNewerSchema      = errors.New("the bundle was written by a newer TechWalk (schema)")
	ErrUnsafePath       = errors.New("the bundle holds a file name that could write outside it")
	ErrUnknownPart      = errors.New("the bundle holds a part TechWalk does not know")
	ErrTooLarge         = errors.New("a part of the bundle is over its size limit")
	ErrPhotoBomb        = errors.New("a photo of the bundle is too large to open safely")
	ErrCountMismatch    = errors.New("the bundle's row counts do not match its manifest")
	ErrManifestMismatch = errors.New("the bundle's contents do not match its manifest")
	ErrBadRow           = errors.New("a row of the bundle is not valid")
)

// Limits bound what reading a bundle may cost.
type Limits struct {
	File       int64 // the bundle file
	Part       int64 // one uncompressed part
	Total      int64 // all parts, uncompressed
	Line       int   // one NDJSON row
	Photo      int64 // one photo file
	PhotoPixel int64 // width x height of one photo
	Entries    int   // files in the zip
}

// DefaultLimits fit a whole district's bundle with room to spare.
var DefaultLimits = Limits{
	File: 2 << 30, Part: 1 << 30, Total: 3 << 30,
	Line:  audit.MaxSettingLen + 64<<10, // the longest row: the district's logo setting
	Photo: 16 << 20, PhotoPixel: 40_000_000, Entries: 200_000,
}

// Manifest describes a bundle.
type Manifest struct {
	Format        string         `json:"format"`
	FormatVersion int            `json:"format_version"`
	BundleID      string         `json:"bundle_id"`
	District      string         `json:"district"`
	Device        string         `json:"device"`
	SchemaVersion int            `json:"schema_version"`
	CreatedAt     time.Time      `json:"created_at"`
	Scope         string         `json:"scope"`
	ClockOldest   audit.HLC      `json:"clock_oldest"`
	ClockNewest   audit.HLC      `json:"clock_newest"`
	Rows          map[string]int `json:"rows"`
	Parts         []Part         `json:"parts"`
}

// Part is one file of the bundle with its size and SHA-256.
type Part struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Bundle is a bundle read and checked in full.
type Bundle struct {
	Manifest  Manifest
	ChangeSet audit.ChangeSet
}

// part is one NDJSON part: its name, the bundle format that brought it,
// and how its rows are written and read.
type part struct {
	name   string
	since  int // a bundle of an older format has no such part
	encode func() ([]byte, error)
	decode func(data []byte, maxLine int) (int, error)
}

// partOf makes the part that carries *rows, there since format 1.
func partOf[T any](name string, rows *[]T) part {
	return part{
		name:  name,
		since: 1,
		encode: func() ([]byte, error) {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			for i := range *rows {
				if err := enc.Encode(&(*rows)[i]); err != nil {
					return nil, err
				}
			}
			return buf.Bytes(), nil
		},
		decode: func(data []byte, maxLine int) (int, error) { return decodeLines(name, data, maxLine, rows, nil) },
	}
}

// parts lists the NDJSON parts in the order they are written.
func parts(cs *audit.ChangeSet) []part {
	return []part{
		partOf("schools", &cs.Schools), partOf("rooms", &cs.Rooms), partOf("templates", &cs.Templates),
		partOf("visits", &cs.Visits), partOf("visit_rooms", &cs.VisitRooms), answersPart(&cs.Answers),
		partOf("feedback", &cs.Feedback), partOf("photos", &cs.Photos), partOf("actions", &cs.Actions),
		partOf("status_history", &cs.StatusHistory), partOf("conflicts", &cs.Conflicts),
		since(2, partOf("settings", &cs.Settings)),
	}
}

// since marks a part that bundles carry from format version v on.
func since(v int, p part) part {
	p.since = v
	return p
}

// partsOf lists the parts a bundle of format version v carries.
func partsOf(v int, cs *audit.ChangeSet) []part {
	var out []part
	for _, p := range parts(cs) {
		if p.since <= v {
			out = append(out, p)
		}
	}
	return out
}

var photoName = regexp.MustCompile(`^photos/[0-9a-f]{64}\.jpg$`)

// Write writes cs as a bundle to w. m gives the bundle id, district,
// device, schema version, time and scope; Write fills in the format, the
// clock range, the row counts and the parts. The output depends only on
// m and cs, so the same change set always makes the same bytes.
func Write(w io.Writer, m Manifest, cs *audit.ChangeSet) (Manifest, error) {
	m.Format, m.FormatVersion = FormatName, FormatVersion
	m.ClockOldest, m.ClockNewest = cs.ClockRange()
	m.Rows = cs.Rows()
	m.Parts = nil
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	if err := zw.SetComment(strings.Repeat("0", sealLen)); err != nil {
		return m, err
	}
	for _, p := range parts(cs) {
		data, err := p.encode()
		if err != nil {
			return m, fmt.Errorf("bundle part %s: %w", p.name, err)
		}
		if err := m.addPart(zw, p.name+".ndjson", data, zip.Deflate); err != nil {
			return m, err
		}
	}
	seen := map[string]bool{}
	for _, ph := range cs.Photos {
		if seen[ph.SHA256] || ph.Data == nil {
			continue
		}
		seen[ph.SHA256] = true
		if err := m.addPart(zw, photoDir+ph.SHA256+".jpg", ph.Data, zip.Store); err != nil {
			return m, err
		}
	}
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, err
	}
	if err := m.writeEntry(zw, manifestName, body, zip.Deflate); err != nil {
		return m, err
	}
	if err := zw.Close(); err != nil {
		return m, err
	}
	data := buf.Bytes()
	copy(data[len(data)-sealLen:], seal(data))
	_, err = w.Write(data)
	return m, err
}

// sealLen is the length of the seal: the zip comment at the very end of a
// bundle holds the SHA-256 (in hex) of every byte before it, so a byte
// changed anywhere, in a part or in the zip's own headers, is caught.
const sealLen = 2 * sha256.Size

func seal(data []byte) string {
	s := sha256.Sum256(data[:len(data)-sealLen])
	return hex.EncodeToString(s[:])
}

func (m *Manifest) addPart(zw *zip.Writer, name string, data []byte, method uint16) error {
	sum := sha256.Sum256(data)
	m.Parts = append(m.Parts, Part{Name: name, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])})
	return m.writeEntry(zw, name, data, method)
}

func (m *Manifest) writeEntry(zw *zip.Writer, name string, data []byte, method uint16) error {
	f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: m.CreatedAt.UTC()})
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return err
}

// ReadManifest checks a bundle's seal, names and manifest and returns the
// manifest, without reading its rows: enough to tell a bundle already
// imported. Read checks everything else.
func ReadManifest(data []byte, maxSchema int, lim Limits) (Manifest, error) {
	_, m, err := openBundle(data, maxSchema, lim)
	return m, err
}

// opened is a bundle whose seal, names and manifest are checked and whose
// rows are not read yet.
type opened struct {
	r *reader
	m Manifest
}

// openBundle checks a bundle's seal, names and manifest, as ReadManifest
// does, and keeps it open so that read can finish without checking those again.
func openBundle(data []byte, maxSchema int, lim Limits) (*opened, Manifest, error) {
	r, err := open(data, lim)
	if err != nil {
		return nil, Manifest{}, err
	}
	m, err := r.manifest(r.files[manifestName], maxSchema)
	if err != nil {
		return nil, m, err
	}
	return &opened{r: r, m: m}, m, nil
}

// open checks the file's size, zip structure, seal and entry names.
func open(data []byte, lim Limits) (*reader, error) {
	if int64(len(data)) > lim.File {
		return nil, fmt.Errorf("%w: the file is %d bytes; the limit is %d", ErrTooLarge, len(data), lim.File)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrNotBundle, err)
	}
	if len(zr.Comment) != sealLen || !bytes.HasSuffix(data, []byte(zr.Comment)) {
		return nil, fmt.Errorf("%w: it does not end with its seal (a truncated or re-packed file?)", ErrDamaged)
	}
	if seal(data) != zr.Comment {
		return nil, fmt.Errorf("%w: the file's seal does not match its bytes", ErrChecksum)
	}
	files, err := indexEntries(zr, lim)
	if err != nil {
		return nil, err
	}
	if files[manifestName] == nil {
		return nil, fmt.Errorf("%w: it has no %s", ErrNotBundle, manifestName)
	}
	return &reader{files: files, lim: lim}, nil
}

// Read reads and checks a whole bundle held in data. maxSchema is the
// newest database schema this TechWalk knows; a bundle from a newer one is
// refused. Nothing is returned unless every check passed.
func Read(data []byte, maxSchema int, lim Limits) (*Bundle, error) {
	o, _, err := openBundle(data, maxSchema, lim)
	if err != nil {
		return nil, err
	}
	return o.read()
}

// read reads and checks the rest of an opened bundle: its parts against
// the manifest, every row and photo, the counts and the rows' own rules.
func (o *opened) read() (*Bundle, error) {
	r, m := o.r, o.m
	b := &Bundle{Manifest: m}
	if err := r.checkParts(m); err != nil {
		return nil, err
	}
	if err := r.rows(m, &b.ChangeSet); err != nil {
		return nil, err
	}
	if err := r.photos(&b.ChangeSet); err != nil {
		return nil, err
	}
	if err := checkSummary(m, &b.ChangeSet); err != nil {
		return nil, err
	}
	if err := b.ChangeSet.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadRow, err)
	}
	return b, nil
}

// indexEntries checks every name and declared size in the zip's directory
// before any part is read.
func indexEntries(zr *zip.Reader, lim Limits) (map[string]*zip.File, error) {
	if len(zr.File) > lim.Entries {
		return nil, fmt.Errorf("%w: %d files; the limit is %d", ErrTooLarge, len(zr.File), lim.Entries)
	}
	known := map[string]bool{manifestName: true}
	for _, p := range parts(&audit.ChangeSet{}) {
		known[p.name+".ndjson"] = true
	}
	files := make(map[string]*zip.File, len(zr.File))
	var total uint64
	for _, f := range zr.File {
		if err := checkName(f.Name); err != nil {
			return nil, err
		}
		if !known[f.Name] && !photoName.MatchString(f.Name) {
			return nil, fmt.Errorf("%w: %q", ErrUnknownPart, f.Name)
		}
		if files[f.Name] != nil {
			return nil, fmt.Errorf("%w: %q is in it twice", ErrManifestMismatch, f.Name)
		}
		if f.UncompressedSize64 > uint64(lim.Part) {
			return nil, fmt.Errorf("%w: %s is %d bytes; the limit is %d", ErrTooLarge, f.Name, f.UncompressedSize64, lim.Part)
		}
		total += f.UncompressedSize64
		files[f.Name] = f
	}
	if total > uint64(lim.Total) {
		return nil, fmt.Errorf("%w: %d bytes in all; the limit is %d", ErrTooLarge, total, lim.Total)
	}
	return files, nil
}

// checkName refuses names that could leave the folder a bundle is unpacked
// into, or that mean different files on different systems.
func checkName(name string) error {
	clean := path.Clean(name)
	switch {
	case name == "" || clean != name || path.IsAbs(name) || strings.HasPrefix(clean, "../") || clean == ".." ||
		strings.ContainsAny(name, "\\:\x00") || strings.Contains(name, "/../"):
		return fmt.Errorf("%w: %q", ErrUnsafePath, name)
	}
	return nil
}

type reader struct {
	files map[string]*zip.File
	lim   Limits
}

// read returns a part's bytes, reading at most its limit whatever its
// header said; damage (a bad CRC, broken compression, a short part) is ErrDamaged.
func (r *reader) read(f *zip.File, limit int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrDamaged, f.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrDamaged, f.Name, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: %s is over %d bytes", ErrTooLarge, f.Name, limit)
	}
	if uint64(len(data)) != f.UncompressedSize64 {
		return nil, fmt.Errorf("%w: %s is %d bytes, its header says %d", ErrDamaged, f.Name, len(data), f.UncompressedSize64)
	}
	return data, nil
}

func (r *reader) manifest(f *zip.File, maxSchema int) (Manifest, error) {
	var m Manifest
	data, err := r.read(f, 16<<20)
	if err != nil {
		return m, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, fmt.Errorf("%w: %s: %v", ErrNotBundle, manifestName, err)
	}
	switch {
	case m.Format != FormatName:
		return m, fmt.Errorf("%w: %s names format %q", ErrNotBundle, manifestName, m.Format)
	case m.FormatVersion > FormatVersion:
		return m, fmt.Errorf("%w: format %d; this TechWalk reads up to %d; update TechWalk to import it", ErrNewerFormat, m.FormatVersion, FormatVersion)
	case m.FormatVersion < 1:
		return m, fmt.Errorf("%w: format version %d", ErrNotBundle, m.FormatVersion)
	case m.SchemaVersion > maxSchema:
		return m, fmt.Errorf("%w: schema %d; this TechWalk knows up to %d; update TechWalk to import it", ErrNewerSchema, m.SchemaVersion, maxSchema)
	case m.BundleID == "" || m.Device == "":
		return m, fmt.Errorf("%w: %s has no bundle id or device", ErrNotBundle, manifestName)
	}
	return m, nil
}

// checkParts makes sure the manifest lists exactly the files of the zip
// and that each matches its size and SHA-256.
func (r *reader) checkParts(m Manifest) error {
	listed := map[string]bool{manifestName: true}
	for _, p := range m.Parts {
		if listed[p.Name] {
			return fmt.Errorf("%w: %s is listed twice", ErrManifestMismatch, p.Name)
		}
		listed[p.Name] = true
		f, ok := r.files[p.Name]
		if !ok {
			return fmt.Errorf("%w: %s is listed but missing (a truncated bundle?)", ErrDamaged, p.Name)
		}
		if uint64(p.Size) != f.UncompressedSize64 {
			return fmt.Errorf("%w: %s is %d bytes, the manifest says %d", ErrChecksum, p.Name, f.UncompressedSize64, p.Size)
		}
	}
	names := make([]string, 0, len(r.files))
	for name := range r.files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !listed[name] {
			return fmt.Errorf("%w: %s is not in the manifest", ErrManifestMismatch, name)
		}
	}
	return nil
}

// partData reads a part and checks it against the manifest's SHA-256.
func (r *reader) partData(m Manifest, name string, limit int64) ([]byte, error) {
	for _, p := range m.Parts {
		if p.Name != name {
			continue
		}
		data, err := r.read(r.files[name], limit)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != p.SHA256 {
			return nil, fmt.Errorf("%w: %s", ErrChecksum, name)
		}
		return data, nil
	}
	return nil, fmt.Errorf("%w: %s is missing", ErrDamaged, name)
}

// rows decodes every NDJSON part strictly, one row a line.
func (r *reader) rows(m Manifest, cs *audit.ChangeSet) error {
	want := partsOf(m.FormatVersion, cs)
	for _, p := range want {
		data, err := r.partData(m, p.name+".ndjson", r.lim.Part)
		if err != nil {
			return err
		}
		n, err := p.decode(data, r.lim.Line)
		if err != nil {
			return err
		}
		if want, ok := m.Rows[p.name]; !ok || want != n {
			return fmt.Errorf("%w: %s has %d rows, the manifest says %d", ErrCountMismatch, p.name, n, want)
		}
	}
	if len(m.Rows) != len(want) {
		return fmt.Errorf("%w: the manifest counts %d parts, the bundle has %d", ErrCountMismatch, len(m.Rows), len(want))
	}
	return nil
}

// decodeLines appends one row to *dst for each line of data, strictly:
// unknown fields, a blank line, a row over two lines or two on one, a line
// over maxLine bytes, or a last line without its line break are refused.
// fast, when not nil, reads a line in the exact form this package writes
// and reports false for any other, which the JSON decoder then reads.
func decodeLines[T any](part string, data []byte, maxLine int, dst *[]T, fast func(line []byte, row *T) bool) (int, error) {
	if len(data) > 0 && data[len(data)-1] != '\n' {
		return 0, fmt.Errorf("%w: %s does not end with a line break", ErrDamaged, part)
	}
	*dst = slices.Grow(*dst, bytes.Count(data, []byte{'\n'}))
	n := 0
	for start := 0; start < len(data); {
		n++
		end := start + bytes.IndexByte(data[start:], '\n')
		line := data[start:end]
		if len(line) > maxLine {
			return 0, fmt.Errorf("%w: %s line %d is over %d bytes", ErrBadRow, part, n, maxLine)
		}
		var row T
		if fast == nil || !fast(line, &row) {
			row = *new(T) // nothing a failed fast read set is kept
			if err := decodeLine(line, &row); err != nil {
				return 0, fmt.Errorf("%w: %s line %d%v", ErrBadRow, part, n, err)
			}
		}
		*dst = append(*dst, row)
		start = end + 1
	}
	return n, nil
}

// decodeLine reads the one JSON row of line into row, refusing unknown
// fields and anything after the row.
func decodeLine[T any](line []byte, row *T) error {
	if len(bytes.TrimSpace(line)) == 0 {
		return errors.New(" is blank")
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(row); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return errors.New(": its row runs over more than one line")
		}
		return fmt.Errorf(": %v", err)
	}
	if int(dec.InputOffset()) != len(line) {
		return errors.New(" holds more than one row")
	}
	return nil
}

// photos attaches each photo row's bytes, checking every file's size,
// SHA-256 and image header (dimensions) before anything decodes it.
func (r *reader) photos(cs *audit.ChangeSet) error {
	byName := map[string][]byte{}
	dims := map[string]image.Config{}
	for name, f := range r.files {
		if !photoName.MatchString(name) {
			continue
		}
		if f.UncompressedSize64 > uint64(r.lim.Photo) {
			return fmt.Errorf("%w: %s is %d bytes; the limit is %d", ErrPhotoBomb, name, f.UncompressedSize64, r.lim.Photo)
		}
		data, err := r.read(f, r.lim.Photo)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		if "photos/"+hex.EncodeToString(sum[:])+".jpg" != name {
			return fmt.Errorf("%w: %s", ErrChecksum, name)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || format != "jpeg" {
			return fmt.Errorf("%w: %s is not a JPEG photo", ErrBadRow, name)
		}
		if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > r.lim.PhotoPixel {
			return fmt.Errorf("%w: %s is %dx%d pixels; the limit is %d pixels", ErrPhotoBomb, name, cfg.Width, cfg.Height, r.lim.PhotoPixel)
		}
		byName[name], dims[name] = data, cfg
	}
	used := map[string]bool{}
	for i := range cs.Photos {
		p := &cs.Photos[i]
		name := photoDir + p.SHA256 + ".jpg"
		data, ok := byName[name]
		if !ok {
			return fmt.Errorf("%w: photos row %d names %s, which is not in the bundle", ErrManifestMismatch, i+1, name)
		}
		if cfg := dims[name]; cfg.Width != p.Width || cfg.Height != p.Height {
			return fmt.Errorf("%w: photos row %d says %dx%d, %s is %dx%d", ErrManifestMismatch, i+1, p.Width, p.Height, name, cfg.Width, cfg.Height)
		}
		p.Data, used[name] = data, true
	}
	if len(used) != len(byName) {
		return fmt.Errorf("%w: %d photo files but %d used by photo rows", ErrManifestMismatch, len(byName), len(used))
	}
	return nil
}

// checkSummary compares the manifest's clock range with the rows'.
func checkSummary(m Manifest, cs *audit.ChangeSet) error {
	oldest, newest := cs.ClockRange()
	if oldest != m.ClockOldest || newest != m.ClockNewest {
		return fmt.Errorf("%w: the rows' clocks run from %v to %v, the manifest says %v to %v", ErrManifestMismatch, oldest, newest, m.ClockOldest, m.ClockNewest)
	}
	return nil
}
