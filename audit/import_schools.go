package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// DirectoryKind says whether a district CSV lists schools or rooms.
type DirectoryKind string

// The kinds of district CSV files.
const (
	DirectorySchools DirectoryKind = "schools"
	DirectoryRooms   DirectoryKind = "rooms"
)

// Field is a target field of a district CSV import.
type Field string

// The fields a schools file maps (Address, or Street/City/State/Zip which
// are combined into the address, as in the NCES CCD directory).
const (
	FieldName      Field = "name"
	FieldCode      Field = "code"
	FieldAddress   Field = "address"
	FieldStreet    Field = "street"
	FieldCity      Field = "city"
	FieldState     Field = "state"
	FieldZip       Field = "zip"
	FieldPrincipal Field = "principal"
)

// The fields a rooms file maps. School holds the school's code or name.
const (
	FieldSchool   Field = "school"
	FieldRoom     Field = "room"
	FieldRoomName Field = "room_name"
	FieldKind     Field = "kind"
	FieldTeacher  Field = "teacher"
)

// SchoolFields and RoomFields list the target fields in the order a mapping
// screen shows them.
var (
	SchoolFields = []Field{FieldName, FieldCode, FieldAddress, FieldStreet, FieldCity, FieldState, FieldZip, FieldPrincipal}
	RoomFields   = []Field{FieldSchool, FieldRoom, FieldRoomName, FieldKind, FieldTeacher}
)

// headerAliases lists, per kind and field, the header names recognised
// after normalisation (see normalizeHeader), most specific first.
var headerAliases = map[DirectoryKind]map[Field][]string{
	DirectorySchools: {
		FieldName:      {"school name", "name", "school", "site name", "site", "SCH_NAME"},
		FieldCode:      {"school code", "code", "school id", "site code", "site id", "school number", "NCESSCH", "id"},
		FieldAddress:   {"address", "school address", "street address", "full address"},
		FieldStreet:    {"street", "LSTREET1", "address 1", "address line 1", "street 1"},
		FieldCity:      {"city", "LCITY", "town"},
		FieldState:     {"state", "LSTATE", "st", "region"},
		FieldZip:       {"zip", "LZIP", "zip code", "postal code", "postcode"},
		FieldPrincipal: {"principal", "principal name", "head teacher", "headteacher", "head of school"},
	},
	DirectoryRooms: {
		FieldSchool:   {"school code", "school", "school name", "site code", "site", "school id", "NCESSCH"},
		FieldRoom:     {"room", "room number", "room no", "room num", "rm", "number"},
		FieldRoomName: {"room name", "name", "label", "description"},
		FieldKind:     {"kind", "room kind", "room type", "type", "use"},
		FieldTeacher:  {"teacher", "teacher name", "staff", "occupant", "assigned teacher"},
	},
}

// ColumnMapping tells an import which source column feeds each target
// field: Columns[field] is an index into the file's header. A mapping
// screen can show DetectMapping's guess and let the user change it.
type ColumnMapping struct {
	Kind    DirectoryKind
	Columns map[Field]int
}

// Column returns the source column of a field, or -1 when it is not mapped.
func (m ColumnMapping) Column(f Field) int {
	if i, ok := m.Columns[f]; ok {
		return i
	}
	return -1
}

// DetectMapping guesses whether a header is a rooms or a schools file and
// maps its columns by name, ignoring case, spaces and punctuation.
func DetectMapping(header []string) (ColumnMapping, error) {
	rooms := mapHeader(DirectoryRooms, header)
	if rooms.Column(FieldRoom) >= 0 && rooms.Column(FieldSchool) >= 0 {
		return rooms, nil
	}
	schools := mapHeader(DirectorySchools, header)
	if schools.Column(FieldName) >= 0 {
		return schools, nil
	}
	return ColumnMapping{}, fmt.Errorf("the header %q has neither a school name column (schools file) nor school and room columns (rooms file)",
		strings.Join(header, ", "))
}

// MapHeader maps a header's columns by name for a file of the given kind,
// for a mapping screen where the user says which kind the file is.
func MapHeader(kind DirectoryKind, header []string) ColumnMapping {
	return mapHeader(kind, header)
}

// FieldsOf lists the target fields of a kind, in screen order.
func FieldsOf(kind DirectoryKind) []Field {
	if kind == DirectoryRooms {
		return RoomFields
	}
	return SchoolFields
}

func mapHeader(kind DirectoryKind, header []string) ColumnMapping {
	m := ColumnMapping{Kind: kind, Columns: map[Field]int{}}
	used := map[int]bool{}
	for _, f := range FieldsOf(kind) {
		for _, alias := range headerAliases[kind][f] {
			if i := findColumn(header, alias); i >= 0 && !used[i] {
				m.Columns[f], used[i] = i, true
				break
			}
		}
	}
	return m
}

// Validate checks the mapping fits a header of n columns and maps the
// fields its kind needs.
func (m ColumnMapping) Validate(header []string) error {
	for f, i := range m.Columns {
		if i >= len(header) || i < -1 {
			return fmt.Errorf("field %s is mapped to column %d, but the file has %d columns", f, i+1, len(header))
		}
	}
	if err := m.checkDuplicateColumns(header); err != nil {
		return err
	}
	switch m.Kind {
	case DirectorySchools:
		if m.Column(FieldName) < 0 {
			return fmt.Errorf("map a column to the school name")
		}
	case DirectoryRooms:
		if m.Column(FieldSchool) < 0 || (m.Column(FieldRoom) < 0 && m.Column(FieldRoomName) < 0) {
			return fmt.Errorf("map a column to the school (code or name) and one to the room number or name")
		}
	default:
		return fmt.Errorf("mapping kind %q is unknown; use schools or rooms", m.Kind)
	}
	return nil
}

// checkDuplicateColumns refuses a header where another column has the same
// name as a mapped one ("Name" and "name"): which one feeds the field
// would be a guess.
func (m ColumnMapping) checkDuplicateColumns(header []string) error {
	for _, f := range FieldsOf(m.Kind) {
		i := m.Column(f)
		if i < 0 {
			continue
		}
		want := normalizeHeader(header[i])
		for j, h := range header {
			if j != i && want != "" && normalizeHeader(h) == want {
				a, b := min(i, j), max(i, j)
				return fmt.Errorf("line 1: columns %d %q and %d %q both give the %s; remove or rename one", a+1, header[a], b+1, header[b], strings.ReplaceAll(string(f), "_", " "))
			}
		}
	}
	return nil
}

// ImportDirectory imports a district CSV of schools or rooms (see
// DetectMapping) in one transaction. Schools match by code, else by
// case-insensitive name; rooms by school and room number, so importing
// again updates instead of duplicating, and empty cells keep stored values.
// Any rejected row means nothing is saved unless opt.Partial is set.
//
// The plan is made inside the same immediate write transaction that saves
// it, so two imports of one file at once (two windows, two processes) run
// one after the other and the second finds what the first added.
func (s *Store) ImportDirectory(ctx context.Context, f *CSVFile, m ColumnMapping, opt ImportOptions) (*ImportReport, error) {
	if err := m.Validate(f.Header); err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	if len(f.Rows) == 0 {
		return nil, fmt.Errorf("%s: %w", f.Name, ErrNoRows)
	}
	rep := &ImportReport{File: f.Name, Kind: string(m.Kind)}
	err := s.write(ctx, func(tx *sql.Tx) error {
		p, err := newDirectoryPlan(ctx, tx, f, m, rep)
		if err != nil {
			return err
		}
		if m.Kind == DirectorySchools {
			p.planSchools()
		} else {
			p.planRooms()
		}
		return p.apply(s, opt)
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil && !errors.Is(err, ErrRejectedRows) {
		rep.Applied = false
		err = fmt.Errorf("%s: nothing was imported: %w", f.Name, err)
	}
	return rep, err
}

// ErrNoRows refuses an import file that has a header but no data rows.
var ErrNoRows = errors.New("line 1: the file has a header but no rows under it; nothing to import")

// errDryRun rolls back the transaction of a dry run.
var errDryRun = errors.New("dry run")

// directoryPlan holds what an import will save, decided row by row.
type directoryPlan struct {
	ctx    context.Context
	tx     *sql.Tx
	m      ColumnMapping
	file   *CSVFile
	rep    *ImportReport
	idx    schoolIndex
	rooms  map[string]map[string]Room // school id -> room key -> stored room
	seen   map[string]int             // match key -> line that used it
	save   []schoolSave
	saveRm []Room
}

func newDirectoryPlan(ctx context.Context, tx *sql.Tx, f *CSVFile, m ColumnMapping, rep *ImportReport) (*directoryPlan, error) {
	schools, err := txList(ctx, tx, scanSchool, "SELECT "+schoolColumns+" FROM schools WHERE deleted = 0 ORDER BY name COLLATE NOCASE, id")
	if err != nil {
		return nil, err
	}
	p := &directoryPlan{ctx: ctx, tx: tx, m: m, file: f, rep: rep, idx: newSchoolIndex(schools), seen: map[string]int{}}
	if m.Kind == DirectoryRooms {
		if p.rooms, err = roomsBySchool(ctx, tx); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// apply saves the plan in the transaction; a dry run, or rejected rows
// without opt.Partial, roll it back.
func (p *directoryPlan) apply(s *Store, opt ImportOptions) error {
	if p.rep.Count(RowRejected) > 0 && !opt.Partial {
		return p.rep.rejectedError()
	}
	if opt.DryRun {
		return errDryRun
	}
	stmts := schoolStatements{tx: p.tx, byCols: map[string]*sql.Stmt{}}
	defer stmts.close()
	for i := range p.save {
		if err := p.saveSchool(s, &stmts, &p.save[i]); err != nil {
			return fmt.Errorf("school %q: %w", p.save[i].Name, err)
		}
	}
	for i := range p.saveRm {
		if err := p.saveRoom(s, &p.saveRm[i]); err != nil {
			return err
		}
	}
	p.rep.Applied = true
	return nil
}

// schoolSave is a school an import saves: new (changed is nil), or a
// stored one with the columns the file changed.
type schoolSave struct {
	School
	changed []string
}

func (p *directoryPlan) saveSchool(s *Store, stmts *schoolStatements, sv *schoolSave) error {
	if err := sv.Validate(); err != nil {
		return err
	}
	s.stamp(&sv.Record)
	if sv.changed == nil {
		return insertSchool(p.ctx, p.tx, &sv.School)
	}
	return stmts.update(p.ctx, sv)
}

// schoolStatements prepares, once per import, the update of each set of
// changed columns: an update sets only those (an unchanged name leaves the
// name index alone), so re-importing a district costs what importing it did.
type schoolStatements struct {
	tx     *sql.Tx
	byCols map[string]*sql.Stmt
}

func (st *schoolStatements) update(ctx context.Context, sv *schoolSave) error {
	key := strings.Join(sv.changed, ",")
	stmt, ok := st.byCols[key]
	if !ok {
		set := make([]string, 0, len(sv.changed)+2)
		for _, c := range sv.changed {
			set = append(set, c+" = ?")
		}
		set = append(set, "updated_at = ?", "device = ?")
		var err error
		if stmt, err = st.tx.PrepareContext(ctx, "UPDATE schools SET "+strings.Join(set, ", ")+" WHERE id = ?"); err != nil {
			return err
		}
		st.byCols[key] = stmt
	}
	values := map[string]any{"name": sv.Name, "code": sv.Code, "address": sv.Address, "principal": sv.Principal}
	args := make([]any, 0, len(sv.changed)+3)
	for _, c := range sv.changed {
		args = append(args, values[c])
	}
	_, err := stmt.ExecContext(ctx, append(args, formatTime(sv.UpdatedAt), sv.Device, sv.ID)...)
	return err
}

func (st *schoolStatements) close() {
	for _, stmt := range st.byCols {
		stmt.Close()
	}
}

func (p *directoryPlan) saveRoom(s *Store, r *Room) error {
	if err := r.Validate(); err != nil {
		return err
	}
	s.stamp(&r.Record)
	return insertRoom(p.ctx, p.tx, r)
}

// schoolIndex finds stored schools by lower-cased code and name.
type schoolIndex struct {
	byCode map[string][]School
	byName map[string][]School
}

func newSchoolIndex(schools []School) schoolIndex {
	idx := schoolIndex{byCode: map[string][]School{}, byName: map[string][]School{}}
	for _, sc := range schools {
		if sc.Code != "" {
			k := strings.ToLower(sc.Code)
			idx.byCode[k] = append(idx.byCode[k], sc)
		}
		k := strings.ToLower(sc.Name)
		idx.byName[k] = append(idx.byName[k], sc)
	}
	return idx
}

// ambiguous explains that several stored schools share a code or name.
func ambiguous(what, value string, schools []School) string {
	schools = slices.Clone(schools)
	slices.SortFunc(schools, func(a, b School) int { return strings.Compare(a.Code, b.Code) })
	names := make([]string, len(schools))
	for i, sc := range schools {
		names[i] = quoteSubject(sc.Name, orNoCode(sc.Code))
	}
	return fmt.Sprintf("%s %q is ambiguous: it is shared by schools %s; give the school code", what, value, strings.Join(names, " and "))
}

func orNoCode(code string) string {
	if code == "" {
		return "no code"
	}
	return code
}

func roomsBySchool(ctx context.Context, tx *sql.Tx) (map[string]map[string]Room, error) {
	rooms, err := txList(ctx, tx, scanRoom, "SELECT "+roomColumns+" FROM rooms WHERE deleted = 0")
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]Room{}
	for _, r := range rooms {
		if out[r.SchoolID] == nil {
			out[r.SchoolID] = map[string]Room{}
		}
		if _, dup := out[r.SchoolID][roomKey(r)]; !dup {
			out[r.SchoolID][roomKey(r)] = r
		}
	}
	return out, nil
}

// txList runs a query in tx and scans every row with scan.
func txList[T any](ctx context.Context, tx *sql.Tx, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (p *directoryPlan) cell(row CSVRow, f Field) string {
	return row.Field(p.m.Column(f))
}

func (p *directoryPlan) planSchools() {
	for _, row := range p.file.Rows {
		if why := p.controlChars(row, FieldName, FieldCode, FieldAddress, FieldStreet, FieldCity, FieldState, FieldZip, FieldPrincipal); why != "" {
			p.rep.add(row.Line, RowRejected, "school "+quoteSubject(p.cell(row, FieldName), p.cell(row, FieldCode)), why)
			continue
		}
		in := School{Name: p.cell(row, FieldName), Code: p.cell(row, FieldCode),
			Address: p.address(row), Principal: p.cell(row, FieldPrincipal)}
		p.planSchool(row.Line, in)
	}
}

// controlChars explains the first control character in a mapped cell of
// the row, or returns "".
func (p *directoryPlan) controlChars(row CSVRow, fields ...Field) string {
	for _, f := range fields {
		if r, ok := controlRune(p.cell(row, f)); ok {
			return fmt.Sprintf("column %s: contains the control character %U; remove it and import again", p.header(f), r)
		}
	}
	return ""
}

func (p *directoryPlan) address(row CSVRow) string {
	if a := p.cell(row, FieldAddress); a != "" {
		return a
	}
	stateZip := strings.TrimSpace(p.cell(row, FieldState) + " " + p.cell(row, FieldZip))
	var parts []string
	for _, part := range []string{p.cell(row, FieldStreet), p.cell(row, FieldCity), stateZip} {
		if part != "" {
			parts = append(parts, part)
		}
	}
	return strings.Join(parts, ", ")
}

func (p *directoryPlan) planSchool(line int, in School) {
	subject := "school " + quoteSubject(in.Name, in.Code)
	if in.Name == "" {
		p.rep.add(line, RowRejected, subject, fmt.Sprintf("column %s: the school name is empty", p.header(FieldName)))
		return
	}
	if err := in.Validate(); err != nil {
		p.rep.add(line, RowRejected, subject, err.Error())
		return
	}
	key := "name:" + strings.ToLower(in.Name)
	if in.Code != "" {
		key = "code:" + strings.ToLower(in.Code)
	}
	if first, dup := p.seen[key]; dup {
		p.rep.add(line, RowRejected, subject, fmt.Sprintf("the same school as line %d", first))
		return
	}
	p.seen[key] = line
	stored, found, why := p.matchSchool(in)
	if why != "" {
		p.rep.add(line, RowRejected, subject, why)
		return
	}
	if !found {
		p.save = append(p.save, schoolSave{School: in})
		p.rep.add(line, RowAdded, subject, "")
		return
	}
	merged := stored
	var changed []string
	changed = mergeText(changed, "name", &merged.Name, in.Name)
	changed = mergeText(changed, "code", &merged.Code, in.Code)
	changed = mergeText(changed, "address", &merged.Address, in.Address)
	changed = mergeText(changed, "principal", &merged.Principal, in.Principal)
	p.record(line, subject, changed, func() { p.save = append(p.save, schoolSave{School: merged, changed: changed}) })
}

func (p *directoryPlan) record(line int, subject string, changed []string, save func()) {
	if len(changed) == 0 {
		p.rep.add(line, RowUnchanged, subject, "")
		return
	}
	save()
	p.rep.add(line, RowUpdated, subject, "changed "+strings.Join(changed, ", "))
}

// matchSchool finds the stored school a row updates: by code, else by
// name. A code or name that several stored schools share is ambiguous.
func (p *directoryPlan) matchSchool(in School) (School, bool, string) {
	if in.Code != "" {
		switch byCode := p.idx.byCode[strings.ToLower(in.Code)]; len(byCode) {
		case 0:
		case 1:
			return byCode[0], true, ""
		default:
			return School{}, false, ambiguous("code", in.Code, byCode)
		}
	}
	byName := p.idx.byName[strings.ToLower(in.Name)]
	if len(byName) > 1 {
		return School{}, false, ambiguous("name", in.Name, byName)
	}
	if len(byName) == 0 {
		return School{}, false, ""
	}
	sc := byName[0]
	if in.Code != "" && sc.Code != "" {
		return sc, false, fmt.Sprintf("a school named %q already has code %q, not %q", sc.Name, sc.Code, in.Code)
	}
	return sc, true, ""
}

// mergeText sets *dst to src when src is non-empty and different, and
// then appends the field's name to changed.
func mergeText(changed []string, field string, dst *string, src string) []string {
	if src == "" || *dst == src {
		return changed
	}
	*dst = src
	return append(changed, field)
}

func (p *directoryPlan) header(f Field) string {
	i := p.m.Column(f)
	if i < 0 || i >= len(p.file.Header) {
		return string(f)
	}
	return fmt.Sprintf("%q", p.file.Header[i])
}

func quoteSubject(name, code string) string {
	if code == "" {
		return fmt.Sprintf("%q", name)
	}
	return fmt.Sprintf("%q (%s)", name, code)
}

func (p *directoryPlan) planRooms() {
	for _, row := range p.file.Rows {
		p.planRoom(row)
	}
}

func (p *directoryPlan) planRoom(row CSVRow) {
	in := Room{Number: p.cell(row, FieldRoom), Name: p.cell(row, FieldRoomName), Teacher: p.cell(row, FieldTeacher)}
	schoolKey := p.cell(row, FieldSchool)
	subject := fmt.Sprintf("room %q of %q", in.Label(), schoolKey)
	if why := p.controlChars(row, FieldSchool, FieldRoom, FieldRoomName, FieldKind, FieldTeacher); why != "" {
		p.rep.add(row.Line, RowRejected, subject, why)
		return
	}
	kind, kindErr := ParseRoomKind(p.cell(row, FieldKind))
	school, why := p.findSchool(schoolKey)
	switch {
	case schoolKey == "":
		p.rep.add(row.Line, RowRejected, subject, fmt.Sprintf("column %s: the school is empty", p.header(FieldSchool)))
	case why != "":
		p.rep.add(row.Line, RowRejected, subject, fmt.Sprintf("column %s: %s", p.header(FieldSchool), why))
	case kindErr != nil:
		p.rep.add(row.Line, RowRejected, subject, fmt.Sprintf("column %s: %v", p.header(FieldKind), kindErr))
	default:
		in.SchoolID, in.Kind = school.ID, kind
		p.planRoomOf(row, school, in)
	}
}

func (p *directoryPlan) planRoomOf(row CSVRow, school School, in Room) {
	subject := fmt.Sprintf("room %q of %s", in.Label(), quoteSubject(school.Name, school.Code))
	if err := in.Validate(); err != nil {
		p.rep.add(row.Line, RowRejected, subject, err.Error())
		return
	}
	key := school.ID + "\x00" + roomKey(in)
	if first, dup := p.seen[key]; dup {
		p.rep.add(row.Line, RowRejected, subject, fmt.Sprintf("the same room as line %d", first))
		return
	}
	p.seen[key] = row.Line
	stored, found := p.rooms[school.ID][roomKey(in)]
	if !found {
		p.saveRm = append(p.saveRm, in)
		p.rep.add(row.Line, RowAdded, subject, "")
		return
	}
	merged := stored
	var changed []string
	changed = mergeText(changed, "room number", &merged.Number, in.Number)
	changed = mergeText(changed, "room name", &merged.Name, in.Name)
	changed = mergeText(changed, "teacher", &merged.Teacher, in.Teacher)
	if p.cell(row, FieldKind) != "" && merged.Kind != in.Kind {
		merged.Kind, changed = in.Kind, append(changed, "kind")
	}
	p.record(row.Line, subject, changed, func() { p.saveRm = append(p.saveRm, merged) })
}

// roomKey identifies a room within its school: its number, else its name.
func roomKey(r Room) string {
	if r.Number != "" {
		return "n:" + strings.ToLower(r.Number)
	}
	return "l:" + strings.ToLower(r.Name)
}

// findSchool finds the stored school a rooms row names: by code, else by
// case-insensitive name; otherwise it says why not.
func (p *directoryPlan) findSchool(key string) (School, string) {
	k := strings.ToLower(key)
	for _, found := range [][]School{p.idx.byCode[k], p.idx.byName[k]} {
		switch len(found) {
		case 0:
			continue
		case 1:
			return found[0], ""
		}
		what := "code"
		if len(p.idx.byCode[k]) == 0 {
			what = "name"
		}
		return School{}, ambiguous("school "+what, key, found)
	}
	return School{}, fmt.Sprintf("school code %q not found; import the schools first", key)
}

// roomKindAliases maps the words districts use to the room kinds.
var roomKindAliases = map[string]RoomKind{
	"class": KindClassroom, "classroom": KindClassroom, "room": KindClassroom, "portable": KindClassroom,
	"lab": KindLab, "laboratory": KindLab, "sciencelab": KindLab, "computerlab": KindLab, "stemlab": KindLab, "makerspace": KindLab,
	"library": KindLibrary, "mediacenter": KindLibrary, "media": KindLibrary,
	"gym": KindGym, "gymnasium": KindGym, "pe": KindGym,
	"office": KindOffice, "frontoffice": KindOffice, "mainoffice": KindOffice, "admin": KindOffice,
	"common": KindCommon, "cafeteria": KindCommon, "auditorium": KindCommon, "hall": KindCommon, "commons": KindCommon,
}

// ParseRoomKind reads a room kind from a CSV cell: the kind names and a
// few common words ("gymnasium", "media center"). Empty means classroom.
func ParseRoomKind(s string) (RoomKind, error) {
	if strings.TrimSpace(s) == "" {
		return KindClassroom, nil
	}
	if k, ok := roomKindAliases[normalizeHeader(s)]; ok {
		return k, nil
	}
	return "", fmt.Errorf("room kind %q is unknown; use one of %s", s, joinKinds(RoomKinds))
}
