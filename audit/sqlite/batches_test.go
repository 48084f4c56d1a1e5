package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"techwalk/audit"
)

// TestKeptCacheOutlastsBigBatches: BeginBatches gives the writer the page
// cache of a pull in batches; a batch of more answers than bigChangeSet,
// which grows a cache of its own otherwise, merges under it and leaves it
// as it was, and restore puts the size from before back.
func TestKeptCacheOutlastsBigBatches(t *testing.T) {
	ctx := context.Background()
	day := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	a, b := openDevice(t, "a", day), openDevice(t, "b", day.Add(time.Hour))
	v, rooms := fixtureVisit(t, a)
	if err := a.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "display", Value: audit.CheckOK}); err != nil {
		t.Fatal(err)
	}
	cs, err := a.ExportChangeSet(ctx, audit.ExportScope{VisitIDs: []string{v.ID}})
	if err != nil {
		t.Fatal(err)
	}
	one := cs.Answers[0]
	cs.Answers = nil
	for i := 0; i <= bigChangeSet; i++ {
		w := one
		w.ID, w.ItemID = audit.NewID(), fmt.Sprintf("item-%05d", i)
		cs.Answers = append(cs.Answers, w)
	}
	before, pages := cacheSize(t, b), pragma(t, b, "wal_autocheckpoint")
	end, err := b.BeginBatches(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := cacheSize(t, b); got != -batchCacheKiB {
		t.Fatalf("kept cache %d, want %d", got, -batchCacheKiB)
	}
	if got := pragma(t, b, "wal_autocheckpoint"); got != batchCheckpointPages {
		t.Fatalf("checkpoint every %d pages during the batches, want %d", got, batchCheckpointPages)
	}
	rep, err := b.ApplyChangeSet(ctx, cs, audit.Origin{BundleID: "big", Device: a.Device()}, false)
	if err != nil {
		t.Fatal(err)
	}
	if n := rep.Parts["answers"].Added; n != bigChangeSet+1 {
		t.Fatalf("the batch added %d answers, want %d", n, bigChangeSet+1)
	}
	if got := cacheSize(t, b); got != -batchCacheKiB {
		t.Fatalf("after a big batch the cache is %d, want the kept %d", got, -batchCacheKiB)
	}
	if err := end(); err != nil {
		t.Fatal(err)
	}
	if got := cacheSize(t, b); got != before {
		t.Fatalf("cache %d after the batches, want %d as before", got, before)
	}
	if got := pragma(t, b, "wal_autocheckpoint"); got != pages {
		t.Fatalf("checkpoint every %d pages after the batches, want %d as before", got, pages)
	}
}

// cacheSize is the writer's PRAGMA cache_size.
func cacheSize(t *testing.T, s *Store) int {
	t.Helper()
	return pragma(t, s, "cache_size")
}

// pragma is the writer's value of a numeric pragma.
func pragma(t *testing.T, s *Store, name string) int {
	t.Helper()
	var n int
	if err := s.w.QueryRow("PRAGMA " + name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
