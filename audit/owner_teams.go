package audit

import "strings"

// SettingOwnerTeams holds the district's owner teams, one a line; findings
// are assigned to one of them.
const SettingOwnerTeams = "owner_teams"

// DefaultOwnerTeams are the teams offered until the district lists its own.
var DefaultOwnerTeams = []string{"Help desk", "Network", "Classroom technology", "Devices", "Facilities"}

// ParseOwnerTeams reads the setting's lines: trimmed, blank lines and
// repeats (ignoring case) dropped, each at most MaxNameLen characters.
// An empty setting gives DefaultOwnerTeams.
func ParseOwnerTeams(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		if r := []rune(t); len(r) > MaxNameLen {
			t = string(r[:MaxNameLen])
		}
		if t == "" || seen[strings.ToLower(t)] {
			continue
		}
		seen[strings.ToLower(t)] = true
		out = append(out, t)
	}
	if len(out) == 0 {
		return append([]string(nil), DefaultOwnerTeams...)
	}
	return out
}
