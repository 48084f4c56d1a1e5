// Package outfile names the files the reports make: a
// user-chosen name reduced to one safe file name (audit.WriteFileAtomic
// writes them).
package outfile

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxName is the most characters SafeFileName keeps, an ellipsis included.
const maxName = 150

// SafeFileName reduces a user-chosen name to one plain file name: folders
// are dropped, characters that are unsafe on Windows, macOS or Linux are
// replaced, and an empty or dot-only name becomes "techwalk-export".
func SafeFileName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = name[strings.LastIndex(name, "/")+1:]
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`<>:"|?*`, r) {
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(strings.TrimSpace(name), ". ")
	if name == "" {
		return "techwalk-export"
	}
	if utf8.RuneCountInString(name) > maxName {
		name = string([]rune(name)[:maxName-1]) + "…"
	}
	return name
}
