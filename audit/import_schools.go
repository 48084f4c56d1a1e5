package audit

import (
	"context"
	"fmt"
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

// ImportDirectory imports a district CSV of schools or rooms (see
// DetectMapping) in one transaction. Schools match by code, else by
// case-insensitive name; rooms by school and room number, so importing
// again updates instead of duplicating, and empty cells keep stored values.
// Any rejected row means nothing is saved unless opt.Partial is set.
func (s *Store) ImportDirectory(ctx context.Context, f *CSVFile, m ColumnMapping, opt ImportOptions) (*ImportReport, error) {
	if err := m.Validate(f.Header); err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	rep := &ImportReport{File: f.Name, Kind: string(m.Kind)}
	schools, err := s.Schools(ctx)
	if err != nil {
		return nil, err
	}
	p := &directoryPlan{store: s, ctx: ctx, m: m, file: f, rep: rep, schools: schools, seen: map[string]int{}, rooms: map[string][]Room{}}
	if m.Kind == DirectorySchools {
		err = p.planSchools()
	} else {
		err = p.planRooms()
	}
	if err != nil {
		return nil, err
	}
	return rep, p.apply(opt)
}

// directoryPlan holds what an import will save, decided row by row.
type directoryPlan struct {
	store   *Store
	ctx     context.Context
	m       ColumnMapping
	file    *CSVFile
	rep     *ImportReport
	schools []School
	rooms   map[string][]Room // school id -> stored rooms
	seen    map[string]int    // match key -> line that used it
	save    []School
	saveRm  []Room
}

func (p *directoryPlan) apply(opt ImportOptions) error {
	if p.rep.Count(RowRejected) > 0 && !opt.Partial {
		return p.rep.rejectedError()
	}
	if opt.DryRun || len(p.save)+len(p.saveRm) == 0 {
		p.rep.Applied = !opt.DryRun
		return nil
	}
	if err := p.store.SaveDirectory(p.ctx, p.save, p.saveRm); err != nil {
		return fmt.Errorf("%s: nothing was imported: %w", p.file.Name, err)
	}
	p.rep.Applied = true
	return nil
}

func (p *directoryPlan) cell(row CSVRow, f Field) string {
	return row.Field(p.m.Column(f))
}

func (p *directoryPlan) planSchools() error {
	for _, row := range p.file.Rows {
		in := School{Name: p.cell(row, FieldName), Code: p.cell(row, FieldCode),
			Address: p.address(row), Principal: p.cell(row, FieldPrincipal)}
		p.planSchool(row.Line, in)
	}
	return nil
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
		p.save = append(p.save, in)
		p.rep.add(line, RowAdded, subject, "")
		return
	}
	merged := stored
	var changed []string
	changed = mergeText(changed, "name", &merged.Name, in.Name)
	changed = mergeText(changed, "code", &merged.Code, in.Code)
	changed = mergeText(changed, "address", &merged.Address, in.Address)
	changed = mergeText(changed, "principal", &merged.Principal, in.Principal)
	p.record(line, subject, changed, func() { p.save = append(p.save, merged) })
}

func (p *directoryPlan) record(line int, subject string, changed []string, save func()) {
	if len(changed) == 0 {
		p.rep.add(line, RowUnchanged, subject, "")
		return
	}
	save()
	p.rep.add(line, RowUpdated, subject, "changed "+strings.Join(changed, ", "))
}

// matchSchool finds the stored school a row updates: by code, else by name.
func (p *directoryPlan) matchSchool(in School) (School, bool, string) {
	for _, sc := range p.schools {
		if in.Code != "" && strings.EqualFold(sc.Code, in.Code) {
			return sc, true, ""
		}
	}
	for _, sc := range p.schools {
		if !strings.EqualFold(sc.Name, in.Name) {
			continue
		}
		if in.Code != "" && sc.Code != "" {
			return sc, false, fmt.Sprintf("a school named %q already has code %q, not %q", sc.Name, sc.Code, in.Code)
		}
		return sc, true, ""
	}
	return School{}, false, ""
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

func (p *directoryPlan) planRooms() error {
	for _, row := range p.file.Rows {
		if err := p.planRoom(row); err != nil {
			return err
		}
	}
	return nil
}

func (p *directoryPlan) planRoom(row CSVRow) error {
	in := Room{Number: p.cell(row, FieldRoom), Name: p.cell(row, FieldRoomName), Teacher: p.cell(row, FieldTeacher)}
	schoolKey := p.cell(row, FieldSchool)
	subject := fmt.Sprintf("room %q of %q", in.Label(), schoolKey)
	kind, kindErr := ParseRoomKind(p.cell(row, FieldKind))
	school, ok := p.findSchool(schoolKey)
	switch {
	case schoolKey == "":
		p.rep.add(row.Line, RowRejected, subject, fmt.Sprintf("column %s: the school is empty", p.header(FieldSchool)))
	case !ok:
		p.rep.add(row.Line, RowRejected, subject, fmt.Sprintf("column %s: school code %q not found; import the schools first", p.header(FieldSchool), schoolKey))
	case kindErr != nil:
		p.rep.add(row.Line, RowRejected, subject, fmt.Sprintf("column %s: %v", p.header(FieldKind), kindErr))
	default:
		in.SchoolID, in.Kind = school.ID, kind
		return p.planRoomOf(row, school, in)
	}
	return nil
}

func (p *directoryPlan) planRoomOf(row CSVRow, school School, in Room) error {
	subject := fmt.Sprintf("room %q of %s", in.Label(), quoteSubject(school.Name, school.Code))
	if err := in.Validate(); err != nil {
		p.rep.add(row.Line, RowRejected, subject, err.Error())
		return nil
	}
	key := school.ID + "\x00" + roomKey(in)
	if first, dup := p.seen[key]; dup {
		p.rep.add(row.Line, RowRejected, subject, fmt.Sprintf("the same room as line %d", first))
		return nil
	}
	p.seen[key] = row.Line
	stored, found, err := p.matchRoom(school.ID, in)
	if err != nil {
		return err
	}
	if !found {
		p.saveRm = append(p.saveRm, in)
		p.rep.add(row.Line, RowAdded, subject, "")
		return nil
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
	return nil
}

// roomKey identifies a room within its school: its number, else its name.
func roomKey(r Room) string {
	if r.Number != "" {
		return "n:" + strings.ToLower(r.Number)
	}
	return "l:" + strings.ToLower(r.Name)
}

func (p *directoryPlan) matchRoom(schoolID string, in Room) (Room, bool, error) {
	rooms, ok := p.rooms[schoolID]
	if !ok {
		var err error
		if rooms, err = p.store.Rooms(p.ctx, schoolID); err != nil {
			return Room{}, false, err
		}
		p.rooms[schoolID] = rooms
	}
	for _, r := range rooms {
		if roomKey(r) == roomKey(in) {
			return r, true, nil
		}
	}
	return Room{}, false, nil
}

// findSchool finds a stored school by code, else by case-insensitive name.
func (p *directoryPlan) findSchool(key string) (School, bool) {
	for _, sc := range p.schools {
		if sc.Code != "" && strings.EqualFold(sc.Code, key) {
			return sc, true
		}
	}
	for _, sc := range p.schools {
		if strings.EqualFold(sc.Name, key) {
			return sc, true
		}
	}
	return School{}, false
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
