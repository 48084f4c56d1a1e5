package audit

import "time"

// TermStart is the first day of the school term that t falls in. Terms
// start on 1 August (autumn) and 1 January (spring), so "visited this term"
// means visited on or after TermStart(now).
func TermStart(t time.Time) time.Time {
	y, m, _ := t.Date()
	if m >= time.August {
		return time.Date(y, time.August, 1, 0, 0, 0, 0, t.Location())
	}
	return time.Date(y, time.January, 1, 0, 0, 0, 0, t.Location())
}
