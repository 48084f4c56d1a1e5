package audit

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// ErrAmbiguous is returned when a key names more than one record.
var ErrAmbiguous = errors.New("ambiguous")

// lookupError is a failed lookup whose message says it all; errors.Is
// finds its kind (ErrNotFound or ErrAmbiguous).
type lookupError struct {
	msg  string
	kind error
}

func (e lookupError) Error() string { return e.msg }
func (e lookupError) Unwrap() error { return e.kind }

// TeacherNames lists every teacher name the database has ever held, in
// rooms and in teacher feedback, deleted rows included: a name written
// into a note stays there after its room is gone. Anonymised outputs
// scrub all of them, whatever part of the district they cover.
func (s *Store) TeacherNames(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT teacher FROM rooms WHERE teacher != ''
		UNION SELECT teacher_name FROM feedback WHERE teacher_name != ''`)
	if err != nil {
		return nil, s.readError(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, s.readError(err)
		}
		names = append(names, n)
	}
	return names, s.readError(rows.Err())
}

// FindVisit finds a visit by its id or a unique prefix of it. A prefix
// several visits share is refused with ErrAmbiguous, naming them.
func (s *Store) FindVisit(ctx context.Context, key string) (Visit, error) {
	key = strings.ToLower(strings.TrimSpace(key))
	if key == "" {
		return Visit{}, fmt.Errorf("no visit id given: %w", ErrNotFound)
	}
	visits, err := s.Visits(ctx, VisitFilter{})
	if err != nil {
		return Visit{}, err
	}
	var found []Visit
	for _, v := range visits {
		if v.ID == key {
			return v, nil
		}
		if strings.HasPrefix(v.ID, key) {
			found = append(found, v)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return Visit{}, lookupError{fmt.Sprintf("no visit has an id starting %q; 'techwalk visits' lists them", key), ErrNotFound}
	}
	ids := make([]string, len(found))
	for i, v := range found {
		ids[i] = v.ID
	}
	return Visit{}, lookupError{fmt.Sprintf("%q starts the ids of %d visits (%s); give more of the id",
		key, len(found), strings.Join(ids, ", ")), ErrAmbiguous}
}

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

// Categories lists the checklist categories of every stored template, in
// the order they first appear.
func (s *Store) Categories(ctx context.Context) ([]string, error) {
	infos, err := s.Templates(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	for _, ti := range infos {
		t, err := s.Template(ctx, ti.ID, ti.Version)
		if err != nil {
			return nil, err
		}
		for _, sec := range t.Sections {
			for _, it := range sec.Items {
				if c := strings.ToLower(it.Category); c != "" && !seen[c] {
					seen[c] = true
					out = append(out, it.Category)
				}
			}
		}
	}
	return out, nil
}

// quoteList writes names as "a", "b" or "c".
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
