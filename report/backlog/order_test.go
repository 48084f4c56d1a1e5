package backlog

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/report/internal/reporttest"
)

// ordered is what sortFindings makes of the findings, as ids.
func ordered(chunks ...[]audit.Finding) []string {
	var ids []string
	for _, r := range sortFindings(chunks) {
		ids = append(ids, r.get().ID)
	}
	return ids
}

// ids lists the findings' ids in order.
func ids(fs []audit.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

// TestTwoVisitsOfOneFaultSortNewestFirst: two findings that differ only by
// visit come newest visit first, in the export as in audit.SortFindings,
// whichever id is smaller.
func TestTwoVisitsOfOneFaultSortNewestFirst(t *testing.T) {
	older := audit.Finding{ID: "0001", Severity: audit.High, SchoolName: "Lincoln", RoomLabel: "101", ItemID: "hdmi",
		VisitStarted: time.Date(2026, 4, 6, 8, 0, 0, 0, time.UTC)}
	newer := older
	newer.ID, newer.VisitStarted = "0002", older.VisitStarted.AddDate(0, 6, 0)
	want := []string{newer.ID, older.ID}
	fs := []audit.Finding{older, newer}
	audit.SortFindings(fs)
	if got := ids(fs); !slices.Equal(got, want) {
		t.Errorf("audit.SortFindings: %v, want the newest visit first %v", got, want)
	}
	if got := ordered([]audit.Finding{older}, []audit.Finding{newer}); !slices.Equal(got, want) {
		t.Errorf("export order: %v, want the newest visit first %v", got, want)
	}
}

// TestExportOrderIsAuditOrder: the export orders every finding of the
// sample district, shuffled and in uneven chunks, as audit.SortFindings does.
func TestExportOrderIsAuditOrder(t *testing.T) {
	s := reporttest.Demo(t)
	fs, err := s.Findings(context.Background(), audit.FindingFilter{})
	reporttest.NoErr(t, err)
	rng := rand.New(rand.NewPCG(3, 4))
	rng.Shuffle(len(fs), func(i, j int) { fs[i], fs[j] = fs[j], fs[i] })
	chunks := [][]audit.Finding{fs[:7], fs[7 : len(fs)/2], fs[len(fs)/2:]}
	got := ordered(chunks...)
	want := slices.Clone(fs)
	audit.SortFindings(want)
	if !slices.Equal(got, ids(want)) {
		t.Errorf("the export orders %d findings differently from audit.SortFindings", len(fs))
	}
}
