package importer

import (
	"testing"

	"techwalk/audit"
)

func TestMapTicketStatus(t *testing.T) {
	cases := map[string]audit.Status{"To Do": audit.StatusInBacklog, "In Progress": audit.StatusInBacklog, "Done": audit.StatusResolved,
		"Closed": audit.StatusResolved, "6": audit.StatusResolved, "8": audit.StatusWontFix, "Won't Do": audit.StatusWontFix, "": audit.StatusInBacklog,
		"not planned": audit.StatusWontFix, "open": audit.StatusInBacklog, "Removed": audit.StatusWontFix, "Duplicate": audit.StatusInBacklog}
	for in, want := range cases {
		if got := MapTicketStatus(in); got != want {
			t.Errorf("MapTicketStatus(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMapTicketOutcome: the reason a closed ticket was closed decides,
// in each tracker's own words; an open ticket is in backlog whatever its
// leftover resolution says.
func TestMapTicketOutcome(t *testing.T) {
	cases := []struct {
		tracker, status, resolution string
		want                        audit.Status
	}{
		{"jira", "Done", "Won't Do", audit.StatusWontFix},
		{"jira", "Done", "Won't Fix", audit.StatusWontFix},
		{"jira", "Done", "Duplicate", audit.StatusInBacklog},
		{"jira", "Done", "Done", audit.StatusResolved},
		{"jira", "Closed", "Cannot Reproduce", audit.StatusWontFix},
		{"jira", "To Do", "Won't Do", audit.StatusInBacklog},
		{"azure", "Closed", "Fixed", audit.StatusResolved},
		{"azure", "Closed", "Won't Fix", audit.StatusWontFix},
		{"azure", "Closed", "Obsolete", audit.StatusWontFix},
		{"azure", "Closed", "Duplicate", audit.StatusInBacklog},
		{"azure", "Removed", "Removed from the backlog", audit.StatusWontFix},
		{"azure", "Active", "Implementation started", audit.StatusInBacklog},
		{"servicenow", "7", "Solved (Permanently)", audit.StatusResolved},
		{"servicenow", "7", "Not Solved (Too Costly)", audit.StatusWontFix},
		{"servicenow", "8", "", audit.StatusWontFix},
		{"servicenow", "3", "", audit.StatusInBacklog},
		{"github", "closed", "completed", audit.StatusResolved},
		{"github", "closed", "not planned", audit.StatusWontFix},
		{"github", "closed", "duplicate", audit.StatusInBacklog},
		{"github", "open", "reopened", audit.StatusInBacklog},
	}
	for _, c := range cases {
		if got := MapTicketOutcome(c.status, c.resolution); got != c.want {
			t.Errorf("%s %q resolved as %q = %q, want %q", c.tracker, c.status, c.resolution, got, c.want)
		}
	}
}
