package audit

import (
	"slices"
	"strings"
	"testing"
)

func TestParseOwnerTeams(t *testing.T) {
	got := ParseOwnerTeams(" Network \n\nnetwork\nHelp desk\r\n" + strings.Repeat("x", MaxNameLen+5))
	if len(got) != 3 || got[0] != "Network" || got[1] != "Help desk" || len([]rune(got[2])) != MaxNameLen {
		t.Fatalf("ParseOwnerTeams = %q", got)
	}
	if !slices.Equal(ParseOwnerTeams("  \n"), DefaultOwnerTeams) {
		t.Fatal("an empty setting does not give the default teams")
	}
}
