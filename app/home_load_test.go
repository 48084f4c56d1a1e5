package app

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestHomeLoadLeavesTheScreenToFyne reads a district in the background
// while the screen filters its list, as typing in the search does: load
// only reads the store and returns what it read (the race detector fails
// this test if load writes the screen's fields), and the screen shows the
// same schools once the result is applied.
func TestHomeLoadLeavesTheScreenToFyne(t *testing.T) {
	u, s, _ := newTestUI(t)
	if _, err := s.CreateDemo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	h := loadedHome(u)
	type result struct {
		d   homeData
		err error
	}
	done := make(chan result)
	go func() {
		d, err := h.load()
		done <- result{d, err}
	}()
	for i := 0; i < 8; i++ { // the screen reads its schools, names and date meanwhile
		test.Type(h.search, fmt.Sprint(i%3))
		h.notThisTerm.SetChecked(i%2 == 0)
		h.showTab(i%2 == 0)
		test.LaidOutObjects(u.win.Content())
	}
	h.search.SetText("")
	h.notThisTerm.SetChecked(false)
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if len(r.d.schools) != len(h.schools) || len(r.d.schools) == 0 || len(r.d.visits) != len(h.visits) {
		t.Fatalf("the background load read %d schools and %d visits; the screen shows %d and %d",
			len(r.d.schools), len(r.d.visits), len(h.schools), len(h.visits))
	}
	for i, sum := range r.d.schools {
		if sum.school.ID != h.schools[i].school.ID || r.d.names[sum.school.ID] != h.names[sum.school.ID] || sum.score != h.schools[i].score {
			t.Errorf("school %d: loaded %q (score %.0f), shown %q (score %.0f)", i, sum.school.Name, sum.score, h.schools[i].school.Name, h.schools[i].score)
		}
	}
	h.showLoaded(r.d, nil)
	if len(h.shown) != len(r.d.schools) {
		t.Errorf("after applying the load the list shows %d of %d schools", len(h.shown), len(r.d.schools))
	}
}
