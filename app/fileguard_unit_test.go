package app

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/storage"

	"techwalk/audit/sqlite"
)

func TestDialogsCannotOpenTheDatabaseFiles(t *testing.T) {
	_, _, path := newTestUI(t)
	for _, name := range sqlite.DatabaseFiles(path) {
		uri := storage.NewFileURI(name)
		if _, err := storage.Reader(uri); !errors.Is(err, errDatabaseFile) {
			t.Errorf("reading %s through Fyne: err = %v, want errDatabaseFile", filepath.Base(name), err)
		}
		if _, err := storage.Writer(uri); !errors.Is(err, errDatabaseFile) {
			t.Errorf("writing %s through Fyne: err = %v, want errDatabaseFile", filepath.Base(name), err)
		}
		if ok, _ := storage.CanRead(uri); ok {
			t.Errorf("Fyne may read %s", filepath.Base(name))
		}
	}
	other := filepath.Join(filepath.Dir(path), "other.csv")
	if err := os.WriteFile(other, []byte("a,b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rc, err := storage.Reader(storage.NewFileURI(other))
	if err != nil {
		t.Fatalf("an ordinary file in the same folder: %v", err)
	}
	rc.Close()
}
