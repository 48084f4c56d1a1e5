package audit

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// ShortIDs returns, for each id, its shortest prefix of at least min
// characters that no other id in the list starts with.
func ShortIDs(ids []string, min int) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		n := min
		for n < len(id) && sharesPrefix(ids, i, id[:n]) {
			n++
		}
		out[i] = id[:n]
	}
	return out
}

func sharesPrefix(ids []string, self int, prefix string) bool {
	for j, other := range ids {
		if j != self && strings.HasPrefix(other, prefix) {
			return true
		}
	}
	return false
}

// Suggest returns up to max candidates close to key, best first: those
// equal ignoring case, then those starting with or containing it, then
// those within a small edit distance of it or of one of their words.
func Suggest(key string, candidates []string, max int) []string {
	k := strings.ToLower(strings.TrimSpace(key))
	if k == "" {
		return nil
	}
	type scored struct {
		name string
		rank int
	}
	var found []scored
	seen := map[string]bool{}
	for _, c := range candidates {
		if seen[c] {
			continue
		}
		seen[c] = true
		if rank, ok := closeness(k, strings.ToLower(c)); ok {
			found = append(found, scored{c, rank})
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].rank < found[j].rank })
	var out []string
	for _, f := range found {
		if len(out) == max {
			break
		}
		out = append(out, f.name)
	}
	return out
}

// closeness ranks how near a lower-cased candidate is to a lower-cased
// key; ok is false when it is not near at all.
func closeness(key, cand string) (rank int, ok bool) {
	switch {
	case cand == key:
		return 0, true
	case strings.HasPrefix(cand, key):
		return 1, true
	case strings.Contains(cand, key):
		return 2, true
	}
	limit := max(1, utf8.RuneCountInString(key)/4)
	best := editDistance(key, cand)
	for _, w := range strings.Fields(cand) {
		best = min(best, editDistance(key, w))
	}
	if best <= limit {
		return 3 + best, true
	}
	return 0, false
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
