package audit

import (
	"cmp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SortRooms orders rooms the way people walk them: "2" before "10", "101A" after "101".
func SortRooms(rooms []Room) {
	sort.SliceStable(rooms, func(i, j int) bool {
		return NaturalLess(rooms[i].Label(), rooms[j].Label())
	})
}

// CompareFindings is the one order of findings: by severity, school, room
// (in natural order), item, then the newest visit first; the id breaks any
// remaining tie, so the order never depends on how the answers were
// scanned. It returns -1, 0 or +1 as a sorts before, with or after b.
func CompareFindings(a, b *Finding) int {
	if c := cmp.Compare(a.Severity.Rank(), b.Severity.Rank()); c != 0 {
		return c
	}
	if c := strings.Compare(a.SchoolName, b.SchoolName); c != 0 {
		return c
	}
	if c := CompareRoomLabels(a.RoomLabel, b.RoomLabel); c != 0 {
		return c
	}
	if c := strings.Compare(a.ItemID, b.ItemID); c != 0 {
		return c
	}
	if c := b.VisitStarted.Compare(a.VisitStarted); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// CompareRoomLabels orders room labels as SortRooms orders rooms: runs of
// digits by value ("2" before "10"), letters ignoring case.
func CompareRoomLabels(a, b string) int {
	for a != "" && b != "" {
		da, restA := splitDigits(a)
		db, restB := splitDigits(b)
		if da != "" && db != "" {
			na, nb := strings.TrimLeft(da, "0"), strings.TrimLeft(db, "0")
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = restA, restB
			continue
		}
		ra, sa := utf8.DecodeRuneInString(a)
		rb, sb := utf8.DecodeRuneInString(b)
		if c := cmp.Compare(unicode.ToLower(ra), unicode.ToLower(rb)); c != 0 {
			return c
		}
		a, b = a[sa:], b[sb:]
	}
	return cmp.Compare(len(a), len(b))
}

// NaturalLess compares strings with runs of digits compared by value.
func NaturalLess(a, b string) bool { return CompareRoomLabels(a, b) < 0 }

func splitDigits(s string) (digits, rest string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i], s[i:]
}
