package sqlite

import (
	"context"
	"errors"
	"techwalk/audit"
	"testing"
)

func TestRestoreRoomAfterDelete(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	_, rooms := fixtureVisit(t, s)
	if err := s.DeleteRoom(ctx, rooms[0].ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Rooms(ctx, rooms[0].SchoolID); len(got) != 1 {
		t.Fatalf("after delete: %d rooms, want 1", len(got))
	}
	if err := s.RestoreRoom(ctx, rooms[0].ID); err != nil {
		t.Fatal(err)
	}
	got, err := s.Rooms(ctx, rooms[0].SchoolID)
	if err != nil || len(got) != 2 {
		t.Fatalf("after restore: %d rooms (%v), want 2", len(got), err)
	}
	if err := s.RestoreRoom(ctx, "no-such-room"); !errors.Is(err, audit.ErrNotFound) {
		t.Fatalf("restore of an unknown room: %v, want ErrNotFound", err)
	}
}

func TestDiscardVisitOnlyWhenEmpty(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	v, rooms := fixtureVisit(t, s)
	// An answer typed and then cleared leaves an empty row: still empty.
	a := audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "display", Value: ""}
	if err := s.SaveAnswer(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if empty, err := s.VisitEmpty(ctx, v.ID); err != nil || !empty {
		t.Fatalf("VisitEmpty = %v, %v; want true", empty, err)
	}
	if err := s.DiscardVisit(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
	if vs, _ := s.Visits(ctx, VisitFilter{}); len(vs) != 0 {
		t.Fatalf("a discarded visit is still listed: %d visits", len(vs))
	}

	w := audit.Visit{SchoolID: v.SchoolID, TemplateID: v.TemplateID, TemplateVersion: v.TemplateVersion}
	if err := s.StartVisit(ctx, &w); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRoomDone(ctx, w.ID, rooms[1].ID, true); err != nil {
		t.Fatal(err)
	}
	if err := s.DiscardVisit(ctx, w.ID); !errors.Is(err, audit.ErrVisitNotEmpty) {
		t.Fatalf("discard of a visit with a room done: %v, want ErrVisitNotEmpty", err)
	}
	if vs, _ := s.Visits(ctx, VisitFilter{}); len(vs) != 1 {
		t.Fatalf("the visit with a room done is gone: %d visits", len(vs))
	}
}
