package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"techwalk/report/backlog"
)

// exportThroughStorage writes the export's files into a folder that is not
// on the file system (Android's and iOS's folder pickers give those), through
// Fyne's storage; a file that fails is removed.
func (s *exportScreen) exportThroughStorage(opt backlog.Options, dir fyne.ListableURI, base string) (string, error) {
	parts, err := backlog.Parts(s.u.ctx, s.store, opt, base)
	if err != nil {
		return "", err
	}
	names := make([]string, 0, len(parts))
	for _, part := range parts {
		uri, err := storage.Child(dir, part.Name)
		if err == nil {
			err = writeURI(uri, part.Data)
		}
		if err != nil {
			return "", fmt.Errorf("%s in %s: %w", part.Name, dir.Name(), err)
		}
		names = append(names, part.Name)
	}
	if err := backlog.MarkExported(s.u.ctx, s.store, opt, parts); err != nil {
		return "", err
	}
	return fmt.Sprintf("Exported %d file(s) to %s: %s.", len(names), dir.Name(), strings.Join(names, ", ")), nil
}

// writeURI writes data to uri, removing what it wrote when it fails.
func writeURI(uri fyne.URI, data []byte) error {
	w, err := storage.Writer(uri)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		storage.Delete(uri)
	}
	return err
}
