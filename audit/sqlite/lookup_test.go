package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"techwalk/audit"
	"testing"
)

func TestSuggest(t *testing.T) {
	schools := []string{"Lincoln Elementary School", "Roosevelt High School", "Washington Middle School", "Lincoln Middle School"}
	cases := []struct {
		key  string
		want []string
	}{
		{"lincoln", []string{"Lincoln Elementary School", "Lincoln Middle School"}},
		{"LINCOLN ELEMENTARY", []string{"Lincoln Elementary School"}},
		{"middle", []string{"Washington Middle School", "Lincoln Middle School"}},
		{"Rosevelt", []string{"Roosevelt High School"}},
		{"washingtn middle school", []string{"Washington Middle School"}},
		{"Jefferson", nil},
		{"", nil},
	}
	for _, c := range cases {
		if got := audit.Suggest(c.key, schools, 3); !slices.Equal(got, c.want) {
			t.Errorf("Suggest(%q) = %q, want %q", c.key, got, c.want)
		}
	}
}

func TestShortIDs(t *testing.T) {
	got := audit.ShortIDs([]string{"abcdef0011", "abcdef0099", "12345678aa"}, 8)
	want := []string{"abcdef001", "abcdef009", "12345678"}
	if !slices.Equal(got, want) {
		t.Errorf("ShortIDs = %q, want %q", got, want)
	}
}

func TestFindVisitByPrefixAndSchoolSuggestions(t *testing.T) {
	ctx := context.Background()
	store, err := Open(filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.CreateDemo(ctx, 2026); err != nil {
		t.Fatal(err)
	}
	visits, err := store.Visits(ctx, VisitFilter{})
	if err != nil || len(visits) < 2 {
		t.Fatalf("%d visits, %v", len(visits), err)
	}
	id := visits[0].ID
	if v, err := store.FindVisit(ctx, strings.ToUpper(id[:8])); err != nil || v.ID != id {
		t.Errorf("FindVisit(prefix) = %s, %v; want %s", v.ID, err, id)
	}
	if _, err := store.FindVisit(ctx, ""); !errors.Is(err, audit.ErrNotFound) {
		t.Errorf("FindVisit(\"\") = %v, want not found", err)
	}
	if _, err := store.FindVisit(ctx, "nope"); !errors.Is(err, audit.ErrNotFound) || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("FindVisit(nope) = %v", err)
	}
	// A second visit whose id shares the first eight characters.
	twin := visits[0]
	twin.ID = id[:8] + "-0000-4000-8000-000000000000"
	if err := store.StartVisit(ctx, &twin); err != nil {
		t.Fatal(err)
	}
	_, err = store.FindVisit(ctx, id[:8])
	if !errors.Is(err, audit.ErrAmbiguous) || !strings.Contains(err.Error(), id) || !strings.Contains(err.Error(), twin.ID) {
		t.Errorf("FindVisit(%q) = %v; want ambiguous naming %s and %s", id[:8], err, id, twin.ID)
	}
	if v, err := store.FindVisit(ctx, twin.ID); err != nil || v.ID != twin.ID {
		t.Errorf("FindVisit(full id) = %s, %v", v.ID, err)
	}
	_, err = store.FindSchool(ctx, "lincoln")
	if !errors.Is(err, audit.ErrNotFound) || !strings.Contains(err.Error(), `did you mean "Lincoln Elementary School"?`) {
		t.Errorf("FindSchool(lincoln) = %v", err)
	}
	names, err := store.TeacherNames(ctx)
	if err != nil || len(names) == 0 {
		t.Errorf("TeacherNames = %q, %v", names, err)
	}
}
