package audit

import (
	"errors"
	"fmt"
)

// ErrBusy is returned when another TechWalk window or process held the
// database for longer than the busy timeout, so a change could not be saved.
var ErrBusy = errors.New("the database is busy in another TechWalk window; try again")

// ErrDiskFull is returned when a change could not be written because the
// disk is full or the file reached its size limit.
var ErrDiskFull = errors.New("the disk is full or the file is too large")

// ErrDamaged is returned when the database file cannot be read because it is
// damaged (corrupt pages, a truncated file or a broken header).
var ErrDamaged = errors.New("the database file is damaged")

// ErrNotAFile is returned when the database path names a folder, a device,
// a pipe or anything else that is not a regular file.
var ErrNotAFile = errors.New("not a database file")

// ErrReadOnly is returned when TechWalk must write the database but the
// file or its folder may not be written.
var ErrReadOnly = errors.New("the database is read-only")

// ErrNoDatabase is returned by the reading opens when no database file exists
// at the path; they never create one.
var ErrNoDatabase = errors.New("the database file does not exist")

// ErrInUse is returned when the database file cannot be replaced because a
// TechWalk window or command has it open.
var ErrInUse = errors.New("TechWalk has the database open")

// ErrPhotoDamaged is returned when a photo's stored bytes no longer match
// the SHA-256 recorded when it was taken. It is a kind of ErrDamaged.
var ErrPhotoDamaged = fmt.Errorf("the photo's data does not match its checksum: %w", ErrDamaged)

// ErrNewerSchema is returned when the file was written by a newer TechWalk.
var ErrNewerSchema = errors.New("database written by a newer TechWalk")

// ErrNotTechWalk is returned when the file is not a TechWalk database.
var ErrNotTechWalk = errors.New("not a TechWalk database")

// ErrNotFound is returned when a record does not exist (or was deleted).
var ErrNotFound = errors.New("not found")

// ErrVisitNotEmpty is returned when a visit to discard already holds an
// answer, a note, a photo, feedback or a room marked done.
var ErrVisitNotEmpty = errors.New("the visit already holds answers, photos or feedback; it can be finished, not discarded")

// ErrAmbiguous is returned when a key names more than one record.
var ErrAmbiguous = errors.New("ambiguous")
