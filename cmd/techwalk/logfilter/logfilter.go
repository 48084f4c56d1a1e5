// Package logfilter keeps two harmless complaints of the Fyne toolkit out
// of techwalk's standard error, and lets every other log line through:
//
//   - "Error parsing user locale C": Fyne reads LANG when its packages
//     initialise and cannot parse C, C.UTF-8, POSIX or a locale with a
//     modifier (de_DE@euro); it then uses English, which is what we want.
//   - "Getting favorite locations" caused by a standard folder (Desktop,
//     Documents, Downloads, Music, Pictures, Videos) that the computer does
//     not define (xdg-user-dir answers the home folder) or that does not
//     exist: every file dialog asks, and the dialog simply leaves it out.
//
// Importing the package installs the filter on the standard logger. Its
// module path sorts before fyne.io, and Go initialises packages in import
// path order once their own imports are initialised, so the filter is in
// place before Fyne's init logs anything.
package logfilter

import (
	"bytes"
	"io"
	"log"
	"os"
	"sync"
)

func init() {
	log.SetOutput(New(os.Stderr))
}

// Filter is a writer for the standard logger that drops Fyne's harmless
// complaints (see the package comment) and passes everything else to W.
type Filter struct {
	mu    sync.Mutex
	w     io.Writer
	held  []byte // a "Getting favorite locations" line, until its cause says whether it matters
	state int
}

const (
	passing = iota
	dropping
	holding
)

// New returns a Filter writing to w.
func New(w io.Writer) *Filter { return &Filter{w: w} }

// Write takes one log line (the standard logger writes a line per call).
func (f *Filter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var err error
	switch {
	case bytes.Contains(p, []byte("Fyne error:  Error parsing user locale")):
		err = f.release(passing)
		f.state = dropping
	case bytes.Contains(p, []byte("Fyne error:  Getting favorite locations")):
		err = f.release(passing)
		f.held, f.state = append(f.held[:0], p...), holding
	case bytes.Contains(p, []byte("  Cause: ")) && f.state != passing:
		if f.state == holding && harmlessFavorite(p) {
			f.held, f.state = f.held[:0], dropping
		} else if f.state == holding {
			err = f.release(passing)
			err = writeAll(f.w, p, err)
		}
	case bytes.Contains(p, []byte("  At: ")) && f.state != passing:
		if f.state == dropping {
			f.state = passing
			break
		}
		err = writeAll(f.w, p, f.release(passing))
	default:
		err = writeAll(f.w, p, f.release(passing))
	}
	return len(p), err
}

// release writes a held line and moves to state next.
func (f *Filter) release(next int) error {
	var err error
	if len(f.held) > 0 {
		_, err = f.w.Write(f.held)
		f.held = f.held[:0]
	}
	f.state = next
	return err
}

func writeAll(w io.Writer, p []byte, prev error) error {
	if prev != nil {
		return prev
	}
	_, err := w.Write(p)
	return err
}

// harmlessFavorite reports whether a favourite folder's lookup failed only
// because the folder is not defined or does not exist.
func harmlessFavorite(cause []byte) bool {
	return bytes.Contains(cause, []byte("Cause: this computer does not define a ")) ||
		bytes.HasSuffix(bytes.TrimSpace(cause), []byte("Cause: uri is not listable"))
}
