package app

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// schoolEditor adds or edits a school and its rooms; every change is saved at once.
type schoolEditor struct {
	store  *sqlite.Store
	u      *ui
	school audit.School
	rooms  []audit.Room

	name, code, principal, address *widget.Entry
	roomNumber, roomTeacher        *widget.Entry
	roomKind                       *widget.Select
	addRoomBtn                     *widget.Button
	roomList                       *fyne.Container
	saved                          *statusBar
	loading                        bool
}

func newSchoolEditor(u *ui, schoolID string) (*schoolEditor, error) {
	s := &schoolEditor{store: u.store, u: u}
	if schoolID == "" {
		return s, nil
	}
	var err error
	if s.school, err = u.store.School(u.ctx, schoolID); err != nil {
		return nil, err
	}
	s.rooms, err = u.store.Rooms(u.ctx, schoolID)
	return s, err
}

func (s *schoolEditor) buildUI() fyne.CanvasObject {
	s.saved = newStatusBar()
	s.name = s.field("School name", func(v string) { s.school.Name = v })
	s.code = s.field("Short code, e.g. LES", func(v string) { s.school.Code = v })
	s.principal = s.field("Principal", func(v string) { s.school.Principal = v })
	s.address = s.field("Address", func(v string) { s.school.Address = v })
	s.loading = true
	s.name.SetText(s.school.Name)
	s.code.SetText(s.school.Code)
	s.principal.SetText(s.school.Principal)
	s.address.SetText(s.school.Address)
	s.loading = false
	s.roomNumber = widget.NewEntry()
	s.roomNumber.SetPlaceHolder("Room number, e.g. 214")
	s.roomNumber.OnSubmitted = func(string) { s.onAddRoom() }
	s.roomTeacher = widget.NewEntry()
	s.roomTeacher.SetPlaceHolder("Teacher (optional)")
	s.roomTeacher.OnSubmitted = func(string) { s.onAddRoom() }
	s.roomKind = widget.NewSelect(kindNames(), nil)
	s.roomKind.SetSelected(string(audit.KindClassroom))
	s.addRoomBtn = widget.NewButtonWithIcon("Add room", theme.ContentAddIcon(), s.onAddRoom)
	s.addRoomBtn.Importance = widget.HighImportance
	s.roomList = container.NewVBox()
	s.showRooms()
	back := widget.NewButtonWithIcon("Done", theme.NavigateBackIcon(), s.onDone)
	add := container.NewVBox(heading("Add a room"),
		container.NewGridWithColumns(3, s.roomNumber, s.roomKind, s.roomTeacher), tallBox(s.addRoomBtn))
	form := container.NewVBox(heading("School"),
		container.NewGridWithColumns(2, labelled("Name", s.name), labelled("Code", s.code),
			labelled("Principal", s.principal), labelled("Address", s.address)),
		widget.NewSeparator(), add, widget.NewSeparator(), heading("Rooms"), s.roomList)
	bottom := container.NewVBox(widget.NewSeparator(), s.saved.box, tallBox(back))
	return container.NewBorder(nil, bottom, nil, nil, container.NewVScroll(container.NewPadded(form)))
}

func kindNames() []string {
	out := make([]string, len(audit.RoomKinds))
	for i, k := range audit.RoomKinds {
		out[i] = string(k)
	}
	return out
}

// field is an entry that saves the school on each change.
func (s *schoolEditor) field(placeholder string, set func(string)) *widget.Entry {
	e := widget.NewEntry()
	e.SetPlaceHolder(placeholder)
	e.OnChanged = func(v string) {
		if s.loading {
			return
		}
		set(v)
		s.onSaveSchool()
	}
	return e
}

// onSaveSchool saves the school (a new one gets its id on the first valid save).
func (s *schoolEditor) onSaveSchool() error {
	err := s.store.SaveSchool(s.u.ctx, &s.school)
	s.saved.saved(err)
	return err
}

// onAddRoom adds the room typed in the add row and readies the row for the next one.
func (s *schoolEditor) onAddRoom() {
	if s.school.ID == "" {
		if s.onSaveSchool() != nil {
			return
		}
	}
	r := audit.Room{SchoolID: s.school.ID, Number: s.roomNumber.Text, Kind: audit.RoomKind(s.roomKind.Selected),
		Teacher: s.roomTeacher.Text}
	if err := s.store.SaveRoom(s.u.ctx, &r); err != nil {
		s.saved.failed(err)
		return
	}
	s.rooms = append(s.rooms, r)
	s.saved.saved(nil)
	s.roomNumber.SetText("")
	s.roomTeacher.SetText("")
	s.showRooms()
	s.u.win.Canvas().Focus(s.roomNumber)
}

// showRooms lists the rooms, each editable in place.
func (s *schoolEditor) showRooms() {
	s.roomList.Objects = nil
	for i := range s.rooms {
		s.roomList.Add(s.roomRow(i))
	}
	if len(s.rooms) == 0 {
		s.roomList.Add(wrapLabel("No rooms yet."))
	}
	s.roomList.Refresh()
}

func (s *schoolEditor) roomRow(i int) fyne.CanvasObject {
	r := &s.rooms[i]
	number := widget.NewEntry()
	number.SetText(r.Number)
	if r.Number == "" {
		number.SetText(r.Name)
	}
	number.OnChanged = func(v string) {
		if r.Number == "" && r.Name != "" {
			r.Name = v
		} else {
			r.Number = v
		}
		s.onRoomChanged(r)
	}
	kind := widget.NewSelect(kindNames(), nil)
	kind.SetSelected(string(r.Kind))
	kind.OnChanged = func(v string) { r.Kind = audit.RoomKind(v); s.onRoomChanged(r) }
	teacher := widget.NewEntry()
	teacher.SetPlaceHolder("Teacher")
	teacher.SetText(r.Teacher)
	teacher.OnChanged = func(v string) { r.Teacher = v; s.onRoomChanged(r) }
	id := r.ID
	del := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { s.onDeleteRoom(id) })
	del.Importance = widget.LowImportance
	return container.NewBorder(nil, nil, nil, tallBox(del), container.NewGridWithColumns(3, number, kind, teacher))
}

func (s *schoolEditor) onRoomChanged(r *audit.Room) {
	s.saved.saved(s.store.SaveRoom(s.u.ctx, r))
}

// onDeleteRoom deletes a room at once and offers Undo in the status bar,
// which keeps its place, so the next room's button does not move under
// the finger.
func (s *schoolEditor) onDeleteRoom(id string) {
	i := slices.IndexFunc(s.rooms, func(r audit.Room) bool { return r.ID == id })
	if i < 0 {
		return
	}
	if err := s.store.DeleteRoom(s.u.ctx, id); err != nil {
		s.saved.failed(err)
		return
	}
	r := s.rooms[i]
	s.rooms = slices.Delete(s.rooms, i, i+1)
	s.showRooms()
	s.saved.offer("Room "+r.Label()+" deleted.", "Undo", func() { s.onUndoDelete(i, r) })
}

// onUndoDelete brings a deleted room back where it was in the list.
func (s *schoolEditor) onUndoDelete(at int, r audit.Room) {
	if err := s.store.RestoreRoom(s.u.ctx, r.ID); err != nil {
		s.saved.failed(err)
		return
	}
	s.rooms = slices.Insert(s.rooms, min(at, len(s.rooms)), r)
	s.showRooms()
	s.saved.info("Room " + r.Label() + " is back.")
}

// onDone returns to the visit of this school under way, or home.
func (s *schoolEditor) onDone() {
	if s.u.visitID != "" {
		if v, err := s.store.Visit(s.u.ctx, s.u.visitID); err == nil && v.SchoolID == s.school.ID && !v.Finished() {
			s.u.showVisit(v.ID)
			return
		}
	}
	s.u.showHome()
}
