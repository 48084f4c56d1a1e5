package sqlite

import (
	"context"
	"fmt"
	"strings"
	"techwalk/audit"
)

// lookupError is a failed lookup whose message says it all; errors.Is
// finds its kind (ErrNotFound or ErrAmbiguous).
type lookupError struct {
	msg  string
	kind error
}

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
func (s *Store) FindVisit(ctx context.Context, key string) (audit.Visit, error) {
	key = strings.ToLower(strings.TrimSpace(key))
	if key == "" {
		return audit.Visit{}, fmt.Errorf("no visit id given: %w", audit.ErrNotFound)
	}
	visits, err := s.Visits(ctx, VisitFilter{})
	if err != nil {
		return audit.Visit{}, err
	}
	var found []audit.Visit
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
		return audit.Visit{}, lookupError{fmt.Sprintf("no visit has an id starting %q; 'techwalk visits' lists them", key), audit.ErrNotFound}
	}
	ids := make([]string, len(found))
	for i, v := range found {
		ids[i] = v.ID
	}
	return audit.Visit{}, lookupError{fmt.Sprintf("%q starts the ids of %d visits (%s); give more of the id",
		key, len(found), strings.Join(ids, ", ")), audit.ErrAmbiguous}
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

func (e lookupError) Error() string { return e.msg }

func (e lookupError) Unwrap() error { return e.kind }
