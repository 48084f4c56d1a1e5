package importer

import (
	"errors"
	"fmt"
	"strings"
	"techwalk/audit"
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

// ErrNoRows refuses an import file that has a header but no data rows.
var ErrNoRows = errors.New("line 1: the file has a header but no rows under it; nothing to import")

// roomKindAliases maps the words districts use to the room kinds.
var roomKindAliases = map[string]audit.RoomKind{
	"class": audit.KindClassroom, "classroom": audit.KindClassroom, "room": audit.KindClassroom, "portable": audit.KindClassroom,
	"lab": audit.KindLab, "laboratory": audit.KindLab, "sciencelab": audit.KindLab, "computerlab": audit.KindLab, "stemlab": audit.KindLab, "makerspace": audit.KindLab,
	"library": audit.KindLibrary, "mediacenter": audit.KindLibrary, "media": audit.KindLibrary,
	"gym": audit.KindGym, "gymnasium": audit.KindGym, "pe": audit.KindGym,
	"office": audit.KindOffice, "frontoffice": audit.KindOffice, "mainoffice": audit.KindOffice, "admin": audit.KindOffice,
	"common": audit.KindCommon, "cafeteria": audit.KindCommon, "auditorium": audit.KindCommon, "hall": audit.KindCommon, "commons": audit.KindCommon,
}

// ParseRoomKind reads a room kind from a CSV cell: the kind names and a
// few common words ("gymnasium", "media center"). Empty means classroom.
func ParseRoomKind(s string) (audit.RoomKind, error) {
	if strings.TrimSpace(s) == "" {
		return audit.KindClassroom, nil
	}
	if k, ok := roomKindAliases[normalizeHeader(s)]; ok {
		return k, nil
	}
	return "", fmt.Errorf("room kind %q is unknown; use one of %s", s, audit.JoinKinds(audit.RoomKinds))
}
