package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"techwalk/audit"
	"techwalk/audit/importer"
)

// ImportDirectory imports a district CSV of schools or rooms (see
// DetectMapping) in one transaction. Schools match by code, else by
// case-insensitive name; rooms by school and room number, so importing
// again updates instead of duplicating, and empty cells keep stored values.
// Any rejected row means nothing is saved unless opt.Partial is set.
//
// The plan is made inside the same immediate write transaction that saves
// it, so two imports of one file at once (two windows, two processes) run
// one after the other and the second finds what the first added.
func (s *Store) ImportDirectory(ctx context.Context, f *importer.CSVFile, m importer.ColumnMapping, opt importer.ImportOptions) (*importer.ImportReport, error) {
	if err := m.Validate(f.Header); err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	if len(f.Rows) == 0 {
		return nil, fmt.Errorf("%s: %w", f.Name, importer.ErrNoRows)
	}
	rep := &importer.ImportReport{File: f.Name, Kind: string(m.Kind)}
	err := s.write(ctx, func(tx *sql.Tx) error {
		p, err := newDirectoryPlan(ctx, tx, f, m, rep)
		if err != nil {
			return err
		}
		if m.Kind == importer.DirectorySchools {
			p.planSchools()
		} else {
			p.planRooms()
		}
		return p.apply(s, opt)
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil && !errors.Is(err, importer.ErrRejectedRows) {
		rep.Applied = false
		err = fmt.Errorf("%s: nothing was imported: %w", f.Name, err)
	}
	return rep, err
}

// errDryRun rolls back the transaction of a dry run.
var errDryRun = errors.New("dry run")

// directoryPlan holds what an import will save, decided row by row.
type directoryPlan struct {
	ctx    context.Context
	tx     *sql.Tx
	m      importer.ColumnMapping
	file   *importer.CSVFile
	rep    *importer.ImportReport
	idx    schoolIndex
	rooms  map[string]map[string]audit.Room // school id -> room key -> stored room
	seen   map[string]int                   // match key -> line that used it
	save   []schoolSave
	saveRm []audit.Room
}

func newDirectoryPlan(ctx context.Context, tx *sql.Tx, f *importer.CSVFile, m importer.ColumnMapping, rep *importer.ImportReport) (*directoryPlan, error) {
	schools, err := txList(ctx, tx, scanSchool, "SELECT "+schoolColumns+" FROM schools WHERE deleted = 0 ORDER BY name COLLATE NOCASE, id")
	if err != nil {
		return nil, err
	}
	p := &directoryPlan{ctx: ctx, tx: tx, m: m, file: f, rep: rep, idx: newSchoolIndex(schools), seen: map[string]int{}}
	if m.Kind == importer.DirectoryRooms {
		if p.rooms, err = roomsBySchool(ctx, tx); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// apply saves the plan in the transaction; a dry run, or rejected rows
// without opt.Partial, roll it back.
func (p *directoryPlan) apply(s *Store, opt importer.ImportOptions) error {
	if p.rep.Count(importer.RowRejected) > 0 && !opt.Partial {
		return p.rep.RejectedError()
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
	audit.School
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

func (p *directoryPlan) saveRoom(s *Store, r *audit.Room) error {
	if err := r.Validate(); err != nil {
		return err
	}
	s.stamp(&r.Record)
	return insertRoom(p.ctx, p.tx, r)
}

// schoolIndex finds stored schools by lower-cased code and name.
type schoolIndex struct {
	byCode map[string][]audit.School
	byName map[string][]audit.School
}

func newSchoolIndex(schools []audit.School) schoolIndex {
	idx := schoolIndex{byCode: map[string][]audit.School{}, byName: map[string][]audit.School{}}
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
func ambiguous(what, value string, schools []audit.School) string {
	schools = slices.Clone(schools)
	slices.SortFunc(schools, func(a, b audit.School) int { return strings.Compare(a.Code, b.Code) })
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

func roomsBySchool(ctx context.Context, tx *sql.Tx) (map[string]map[string]audit.Room, error) {
	rooms, err := txList(ctx, tx, scanRoom, "SELECT "+roomColumns+" FROM rooms WHERE deleted = 0")
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]audit.Room{}
	for _, r := range rooms {
		if out[r.SchoolID] == nil {
			out[r.SchoolID] = map[string]audit.Room{}
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

func (p *directoryPlan) cell(row importer.CSVRow, f importer.Field) string {
	return row.Field(p.m.Column(f))
}

func (p *directoryPlan) planSchools() {
	for _, row := range p.file.Rows {
		if why := p.controlChars(row, importer.FieldName, importer.FieldCode, importer.FieldAddress, importer.FieldStreet, importer.FieldCity, importer.FieldState, importer.FieldZip, importer.FieldPrincipal); why != "" {
			p.rep.Add(row.Line, importer.RowRejected, "school "+quoteSubject(p.cell(row, importer.FieldName), p.cell(row, importer.FieldCode)), why)
			continue
		}
		in := audit.School{Name: p.cell(row, importer.FieldName), Code: p.cell(row, importer.FieldCode),
			Address: p.address(row), Principal: p.cell(row, importer.FieldPrincipal)}
		p.planSchool(row.Line, in)
	}
}

// controlChars explains the first control character in a mapped cell of
// the row, or returns "".
func (p *directoryPlan) controlChars(row importer.CSVRow, fields ...importer.Field) string {
	for _, f := range fields {
		if r, ok := audit.ControlRune(p.cell(row, f)); ok {
			return fmt.Sprintf("column %s: contains the control character %U; remove it and import again", p.header(f), r)
		}
	}
	return ""
}

func (p *directoryPlan) address(row importer.CSVRow) string {
	if a := p.cell(row, importer.FieldAddress); a != "" {
		return a
	}
	stateZip := strings.TrimSpace(p.cell(row, importer.FieldState) + " " + p.cell(row, importer.FieldZip))
	var parts []string
	for _, part := range []string{p.cell(row, importer.FieldStreet), p.cell(row, importer.FieldCity), stateZip} {
		if part != "" {
			parts = append(parts, part)
		}
	}
	return strings.Join(parts, ", ")
}

func (p *directoryPlan) planSchool(line int, in audit.School) {
	subject := "school " + quoteSubject(in.Name, in.Code)
	if in.Name == "" {
		p.rep.Add(line, importer.RowRejected, subject, fmt.Sprintf("column %s: the school name is empty", p.header(importer.FieldName)))
		return
	}
	if err := in.Validate(); err != nil {
		p.rep.Add(line, importer.RowRejected, subject, err.Error())
		return
	}
	key := "name:" + strings.ToLower(in.Name)
	if in.Code != "" {
		key = "code:" + strings.ToLower(in.Code)
	}
	if first, dup := p.seen[key]; dup {
		p.rep.Add(line, importer.RowRejected, subject, fmt.Sprintf("the same school as line %d", first))
		return
	}
	p.seen[key] = line
	stored, found, why := p.matchSchool(in)
	if why != "" {
		p.rep.Add(line, importer.RowRejected, subject, why)
		return
	}
	if !found {
		p.save = append(p.save, schoolSave{School: in})
		p.rep.Add(line, importer.RowAdded, subject, "")
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
		p.rep.Add(line, importer.RowUnchanged, subject, "")
		return
	}
	save()
	p.rep.Add(line, importer.RowUpdated, subject, "changed "+strings.Join(changed, ", "))
}

// matchSchool finds the stored school a row updates: by code, else by
// name. A code or name that several stored schools share is ambiguous.
func (p *directoryPlan) matchSchool(in audit.School) (audit.School, bool, string) {
	if in.Code != "" {
		switch byCode := p.idx.byCode[strings.ToLower(in.Code)]; len(byCode) {
		case 0:
		case 1:
			return byCode[0], true, ""
		default:
			return audit.School{}, false, ambiguous("code", in.Code, byCode)
		}
	}
	byName := p.idx.byName[strings.ToLower(in.Name)]
	if len(byName) > 1 {
		return audit.School{}, false, ambiguous("name", in.Name, byName)
	}
	if len(byName) == 0 {
		return audit.School{}, false, ""
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

func (p *directoryPlan) header(f importer.Field) string {
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

func (p *directoryPlan) planRoom(row importer.CSVRow) {
	in := audit.Room{Number: p.cell(row, importer.FieldRoom), Name: p.cell(row, importer.FieldRoomName), Teacher: p.cell(row, importer.FieldTeacher)}
	schoolKey := p.cell(row, importer.FieldSchool)
	subject := fmt.Sprintf("room %q of %q", in.Label(), schoolKey)
	if why := p.controlChars(row, importer.FieldSchool, importer.FieldRoom, importer.FieldRoomName, importer.FieldKind, importer.FieldTeacher); why != "" {
		p.rep.Add(row.Line, importer.RowRejected, subject, why)
		return
	}
	kind, kindErr := importer.ParseRoomKind(p.cell(row, importer.FieldKind))
	school, why := p.findSchool(schoolKey)
	switch {
	case schoolKey == "":
		p.rep.Add(row.Line, importer.RowRejected, subject, fmt.Sprintf("column %s: the school is empty", p.header(importer.FieldSchool)))
	case why != "":
		p.rep.Add(row.Line, importer.RowRejected, subject, fmt.Sprintf("column %s: %s", p.header(importer.FieldSchool), why))
	case kindErr != nil:
		p.rep.Add(row.Line, importer.RowRejected, subject, fmt.Sprintf("column %s: %v", p.header(importer.FieldKind), kindErr))
	default:
		in.SchoolID, in.Kind = school.ID, kind
		p.planRoomOf(row, school, in)
	}
}

func (p *directoryPlan) planRoomOf(row importer.CSVRow, school audit.School, in audit.Room) {
	subject := fmt.Sprintf("room %q of %s", in.Label(), quoteSubject(school.Name, school.Code))
	if err := in.Validate(); err != nil {
		p.rep.Add(row.Line, importer.RowRejected, subject, err.Error())
		return
	}
	key := school.ID + "\x00" + roomKey(in)
	if first, dup := p.seen[key]; dup {
		p.rep.Add(row.Line, importer.RowRejected, subject, fmt.Sprintf("the same room as line %d", first))
		return
	}
	p.seen[key] = row.Line
	stored, found := p.rooms[school.ID][roomKey(in)]
	if !found {
		p.saveRm = append(p.saveRm, in)
		p.rep.Add(row.Line, importer.RowAdded, subject, "")
		return
	}
	merged := stored
	var changed []string
	changed = mergeText(changed, "room number", &merged.Number, in.Number)
	changed = mergeText(changed, "room name", &merged.Name, in.Name)
	changed = mergeText(changed, "teacher", &merged.Teacher, in.Teacher)
	if p.cell(row, importer.FieldKind) != "" && merged.Kind != in.Kind {
		merged.Kind, changed = in.Kind, append(changed, "kind")
	}
	p.record(row.Line, subject, changed, func() { p.saveRm = append(p.saveRm, merged) })
}

// roomKey identifies a room within its school: its number, else its name.
func roomKey(r audit.Room) string {
	if r.Number != "" {
		return "n:" + strings.ToLower(r.Number)
	}
	return "l:" + strings.ToLower(r.Name)
}

// findSchool finds the stored school a rooms row names: by code, else by
// case-insensitive name; otherwise it says why not.
func (p *directoryPlan) findSchool(key string) (audit.School, string) {
	k := strings.ToLower(key)
	for _, found := range [][]audit.School{p.idx.byCode[k], p.idx.byName[k]} {
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
		return audit.School{}, ambiguous("school "+what, key, found)
	}
	return audit.School{}, fmt.Sprintf("school code %q not found; import the schools first", key)
}
