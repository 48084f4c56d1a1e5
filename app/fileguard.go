package app

import (
	"errors"
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage/repository"

	"techwalk/audit/sqlite"
)

// errDatabaseFile is returned when a dialog or screen tries to open one of
// the files of a database this process has open.
var errDatabaseFile = errors.New("this is TechWalk's own database file")

// fileRepository is everything Fyne's file:// repository does.
type fileRepository interface {
	repository.Repository
	repository.WritableRepository
	repository.AppendableRepository
	repository.ListableRepository
	repository.HierarchicalRepository
	repository.DeleteAllRepository
	repository.CopyableRepository
	repository.MovableRepository
}

// guardedFiles is Fyne's file:// repository with the database's files
// fenced off. Every file the app touches outside SQLite goes through it:
// file dialogs listing a folder (which read each unknown file to guess its
// type), thumbnails, and the files the user picks to import, attach or save
// over. Opening and closing any of the database's files in this process
// would drop SQLite's POSIX locks on it (the -shm file's always, the
// database's own where OFD locks are not available), so another TechWalk
// process could then checkpoint and delete the WAL under the app.
type guardedFiles struct{ fileRepository }

// guardDatabaseFiles wraps the file:// repository the Fyne driver
// registered, once per driver.
func guardDatabaseFiles() {
	current, err := repository.ForScheme("file")
	if err != nil {
		return
	}
	if _, done := current.(guardedFiles); done {
		return
	}
	if inner, ok := current.(fileRepository); ok {
		repository.Register("file", guardedFiles{inner})
	}
}

// refuse returns errDatabaseFile when u is one of the open database's files.
func refuse(u fyne.URI) error {
	if u == nil || u.Scheme() != "file" || !sqlite.IsDatabaseFile(u.Path()) {
		return nil
	}
	return fmt.Errorf("%s: %w; choose another file (to copy the database, use 'techwalk backup')", filepath.Base(u.Path()), errDatabaseFile)
}

// Destroy leaves the wrapped repository in place when Register replaces it.
func (g guardedFiles) Destroy(string) {}

func (g guardedFiles) Reader(u fyne.URI) (fyne.URIReadCloser, error) {
	if err := refuse(u); err != nil {
		return nil, err
	}
	return g.fileRepository.Reader(u)
}

func (g guardedFiles) CanRead(u fyne.URI) (bool, error) {
	if refuse(u) != nil {
		return false, nil
	}
	return g.fileRepository.CanRead(u)
}

func (g guardedFiles) Writer(u fyne.URI) (fyne.URIWriteCloser, error) {
	if err := refuse(u); err != nil {
		return nil, err
	}
	return g.fileRepository.Writer(u)
}

func (g guardedFiles) Appender(u fyne.URI) (fyne.URIWriteCloser, error) {
	if err := refuse(u); err != nil {
		return nil, err
	}
	return g.fileRepository.Appender(u)
}

func (g guardedFiles) CanWrite(u fyne.URI) (bool, error) {
	if refuse(u) != nil {
		return false, nil
	}
	return g.fileRepository.CanWrite(u)
}

func (g guardedFiles) Delete(u fyne.URI) error {
	if err := refuse(u); err != nil {
		return err
	}
	return g.fileRepository.Delete(u)
}

func (g guardedFiles) Copy(src, dst fyne.URI) error {
	if err := errors.Join(refuse(src), refuse(dst)); err != nil {
		return err
	}
	return g.fileRepository.Copy(src, dst)
}

func (g guardedFiles) Move(src, dst fyne.URI) error {
	if err := errors.Join(refuse(src), refuse(dst)); err != nil {
		return err
	}
	return g.fileRepository.Move(src, dst)
}
