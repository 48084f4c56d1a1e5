package audit

import (
	"sort"
	"strings"
	"unicode"
)

// SortRooms orders rooms the way people walk them: "2" before "10", "101A" after "101".
func SortRooms(rooms []Room) {
	sort.SliceStable(rooms, func(i, j int) bool {
		return NaturalLess(rooms[i].Label(), rooms[j].Label())
	})
}

// NaturalLess compares strings with runs of digits compared by value.
func NaturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, restA := splitDigits(a)
		db, restB := splitDigits(b)
		if da != "" && db != "" {
			na, nb := strings.TrimLeft(da, "0"), strings.TrimLeft(db, "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			a, b = restA, restB
			continue
		}
		ra, rb := []rune(a)[0], []rune(b)[0]
		la, lb := unicode.ToLower(ra), unicode.ToLower(rb)
		if la != lb {
			return la < lb
		}
		a, b = a[len(string(ra)):], b[len(string(rb)):]
	}
	return len(a) < len(b)
}

func splitDigits(s string) (digits, rest string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i], s[i:]
}
