package audit

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// FilterError is a part of a finding filter typed wrong. Field is
// "severity", "status" or "since", for the caller to name its own flag
// or field.
type FilterError struct {
	Field string
	Value string
	Msg   string
}

func (e *FilterError) Error() string { return fmt.Sprintf("%s: %q %s", e.Field, e.Value, e.Msg) }

// ParseFindingFilter reads the typed parts of a finding filter: a
// severity, a status and a "found since" date (YYYY-MM-DD); empty means
// any, and case does not matter. Since is midnight of that date in loc,
// the user's own zone (time.Local), so a date means the same day in the
// CLI and in the app. The error is a *FilterError.
func ParseFindingFilter(severity, status, since string, loc *time.Location) (FindingFilter, error) {
	var f FindingFilter
	if sev := Severity(strings.ToLower(strings.TrimSpace(severity))); sev != "" {
		if !sev.Valid() {
			return f, &FilterError{"severity", severity, "is unknown; use critical, high, medium or low"}
		}
		f.Severity = sev
	}
	if st := Status(strings.ToLower(strings.TrimSpace(status))); st != "" {
		if !slices.Contains(Statuses, st) {
			return f, &FilterError{"status", status, `is unknown; use open, "in backlog", resolved or "won't fix"`}
		}
		f.Status = st
	}
	if text := strings.TrimSpace(since); text != "" {
		t, err := time.ParseInLocation("2006-01-02", text, loc)
		if err != nil {
			return f, &FilterError{"since", since, "is not a date; write it as YYYY-MM-DD (2026-09-01)"}
		}
		f.Since = t
	}
	return f, nil
}
