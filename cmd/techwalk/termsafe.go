package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// Stored text (school names, notes, file names in errors) can hold escape
// sequences that retitle or clear a terminal, or bidi controls that make
// it show something else than what is there. Everything the CLI prints
// goes through escapeTerminal: such characters are written as \xNN or
// \uNNNN, which is also how JSON spells them, so JSON output stays valid
// and means the same.

// escapeTerminal appends s to dst with every control character, DEL, C1
// control, bidi control and byte that is not UTF-8 escaped; keepLayout
// lets tab, line feed and carriage return through (whole lines and the
// progress bar), otherwise they are escaped too (one table cell).
func escapeTerminal(dst []byte, s string, keepLayout bool) []byte {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			dst = fmt.Appendf(dst, `\x%02x`, s[i])
		case keepLayout && (r == '\t' || r == '\n' || r == '\r'):
			dst = append(dst, byte(r))
		case r < 0x20 || r == 0x7f:
			dst = fmt.Appendf(dst, `\x%02x`, r)
		case (r >= 0x80 && r < 0xa0) || isBidiControl(r):
			dst = fmt.Appendf(dst, `\u%04x`, r)
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return dst
}

// isBidiControl reports whether r changes the direction text is shown in.
func isBidiControl(r rune) bool {
	return r == 0x061c || r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// cell makes stored text safe for one cell of a table: nothing in it can
// steer the terminal or break the table's columns and lines.
func cell(s string) string {
	return string(escapeTerminal(nil, s, false))
}

// safeWriter escapes what is written to a terminal stream (see
// escapeTerminal). A UTF-8 sequence split across writes is held back
// until its end arrives.
type safeWriter struct {
	w       io.Writer
	pending []byte
	buf     []byte
}

func newSafeWriter(w io.Writer) *safeWriter { return &safeWriter{w: w} }

func (s *safeWriter) Write(p []byte) (int, error) {
	data := append(s.pending, p...)
	cut := len(data)
	// Hold back a UTF-8 sequence that the next write may complete.
	for back := 1; back <= 3 && back <= len(data); back++ {
		c := data[len(data)-back]
		if c < 0x80 {
			break
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(data[len(data)-back:]) {
				cut = len(data) - back
			}
			break
		}
	}
	s.buf = escapeTerminal(s.buf[:0], string(data[:cut]), true)
	s.pending = append(s.pending[:0], data[cut:]...)
	if _, err := s.w.Write(s.buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes a sequence held back at the end of the output, escaped.
func (s *safeWriter) Flush() error {
	if len(s.pending) == 0 {
		return nil
	}
	_, err := s.w.Write(escapeTerminal(nil, string(s.pending), true))
	s.pending = s.pending[:0]
	return err
}

// joinCells is a tab-separated table line of escaped cells.
func joinCells(values ...string) string {
	for i, v := range values {
		values[i] = cell(v)
	}
	return strings.Join(values, "\t")
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
