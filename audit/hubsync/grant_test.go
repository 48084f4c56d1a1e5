package hubsync

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"techwalk/audit"
)

// TestReaderGivenAnotherSchoolBringsItWhole: a principal's device pulled
// its school; then the district gives the login a second school, walked
// and pushed long before. The next pull brings that school whole: its
// rooms, visits and answers, though none of them changed since the last
// pull. Taking the school back leaves the device's copy as it is.
func TestReaderGivenAnotherSchoolBringsItWhole(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	a, _ := device(t, "a", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC))
	walk(t, a, "North", 3)
	walk(t, a, "East", 2)
	walk(t, a, "West", 1)
	alice := open(t, h.auditorURL(t, "alice"))
	mustPush(t, a, alice)
	readerURL, login := h.loginURL(t, "lincoln", "techwalk_reader")
	db := strings.TrimPrefix(mustURL(t, h.url).Path, "/")
	grant := func(school string) {
		t.Helper()
		if err := h.srv.Exec(db, "INSERT INTO techwalk.reader_schools(login, school_id) VALUES ($1, $2)", login, schoolOf(t, a, school)); err != nil {
			t.Fatal(err)
		}
	}
	grant("North")
	reader := open(t, readerURL)
	p, _ := device(t, "principal", time.Date(2026, 11, 5, 8, 0, 0, 0, time.UTC))
	if _, err := Bring(ctx, p, reader, nil); err != nil {
		t.Fatal(err)
	}
	grant("East")
	rep, err := Bring(ctx, p, reader, nil)
	if err != nil {
		t.Fatal(err)
	}
	schools, visits, answers := namesOf(t, p)
	if !slices.Equal(schools, []string{"East", "North"}) || !visits["East"] || !answers["East"] || visits["West"] {
		t.Fatalf("after East was given: schools %v, visits of %v, answers of %v (%s)", schools, visits, answers, rep.Summary())
	}
	if rep, err := Bring(ctx, p, reader, nil); err != nil || rep.Total().Added+rep.Total().Updated != 0 {
		t.Fatalf("pulling again: %s, %v; want nothing new", rep.Summary(), err)
	}

	// East taken back, edited meanwhile, given again: the edit comes.
	if err := h.srv.Exec(db, "DELETE FROM techwalk.reader_schools WHERE login = $1 AND school_id = $2", login, schoolOf(t, a, "East")); err != nil {
		t.Fatal(err)
	}
	if _, err := Bring(ctx, p, reader, nil); err != nil {
		t.Fatal(err)
	}
	east := exportAll(t, a).Schools
	i := slices.IndexFunc(east, func(sc audit.SchoolChange) bool { return sc.Name == "East" })
	sc := east[i].School
	sc.Principal = "Dr. Lee"
	if err := a.SaveSchool(ctx, &sc); err != nil {
		t.Fatal(err)
	}
	mustPush(t, a, alice)
	if _, err := Bring(ctx, p, reader, nil); err != nil {
		t.Fatal(err)
	}
	grant("East")
	if _, err := Bring(ctx, p, reader, nil); err != nil {
		t.Fatal(err)
	}
	got := exportAll(t, p).Schools
	if i := slices.IndexFunc(got, func(sc audit.SchoolChange) bool { return sc.Name == "East" }); i < 0 || got[i].Principal != "Dr. Lee" {
		t.Errorf("given East again, the device holds %+v", got)
	}
}
