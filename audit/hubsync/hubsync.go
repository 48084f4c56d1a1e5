// Package hubsync syncs a device's database with the district hub: push
// sends this device's own changes since its last push, pull brings the
// other devices' changes since its last pull and merges them by the
// domain's rules (the same change sets and merge as bundles). Each device
// keeps its two cursors, per hub, in its Settings.
package hubsync

import (
	"context"
	"fmt"
	"strconv"

	"techwalk/audit"
	"techwalk/audit/postgres"
	"techwalk/audit/sqlite"
)

// Setting names of the cursors, followed by the hub's id.
const (
	pushCursorKey = "hub_push_cursor:"
	pullCursorKey = "hub_pull_cursor:"
)

// PushCursor is the clock of this device's newest change the hub holds.
func PushCursor(ctx context.Context, s *sqlite.Store, hubID string) (audit.HLC, error) {
	text, err := s.Setting(ctx, pushCursorKey+hubID, "")
	if err != nil {
		return audit.HLC{}, err
	}
	return audit.ParseHLC(text)
}

// PullCursor is the hub's change number this device has pulled up to.
func PullCursor(ctx context.Context, s *sqlite.Store, hubID string) (int64, error) {
	text, err := s.Setting(ctx, pullCursorKey+hubID, "0")
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("setting %s%s is %q, not a change number", pullCursorKey, hubID, text)
	}
	return n, nil
}

// Push sends this device's own changes since its last push to the hub,
// its settlings of conflicts included, registering the device under the
// login first. The cursor moves only
// after the hub committed: a push cut off (killed, disconnected, the hub
// restarting) sends the same rows again next time, and the hub, which
// merges by clock, takes each once. A read-only account (a principal)
// sends nothing and gets audit.ErrHubReadOnly.
func Push(ctx context.Context, s *sqlite.Store, h *postgres.Hub, progress postgres.Progress) (postgres.PushReport, error) {
	a, err := h.Access(ctx)
	if err != nil {
		return postgres.PushReport{}, err
	}
	if !a.Write {
		return postgres.PushReport{}, h.ReadOnly(a)
	}
	return push(ctx, s, h, progress)
}

// push is Push once the login is known to write.
func push(ctx context.Context, s *sqlite.Store, h *postgres.Hub, progress postgres.Progress) (postgres.PushReport, error) {
	hubID, err := h.ID(ctx)
	if err != nil {
		return postgres.PushReport{}, err
	}
	after, err := PushCursor(ctx, s, hubID)
	if err != nil {
		return postgres.PushReport{}, err
	}
	if err := h.RegisterDevice(ctx, s.Device()); err != nil {
		return postgres.PushReport{}, err
	}
	cs, err := s.ExportChangeSet(ctx, audit.ExportScope{All: true, OwnDevice: s.Device(), After: after})
	if err != nil {
		return postgres.PushReport{}, err
	}
	rep, err := h.Push(ctx, s.Device(), after, cs, progress)
	if err != nil {
		return rep, err
	}
	if newest := cs.NewestOf(s.Device()); newest.After(after) { // the cursor never moves back
		err = s.SetSetting(ctx, pushCursorKey+hubID, newest.String())
	}
	return rep, err
}

// Pull brings the other devices' changes since the last pull and merges
// them into this device's database, postgres.VisitsPerBatch visits at a
// time (see PullVisits).
func Pull(ctx context.Context, s *sqlite.Store, h *postgres.Hub, progress postgres.Progress) (audit.ApplyReport, error) {
	return PullVisits(ctx, s, h, postgres.VisitsPerBatch, progress)
}

// PullVisits brings the other devices' changes since the last pull from
// one snapshot of the hub in batches of visits visits (Hub.PullBatches),
// merges each batch with ApplyChangeSet in its own transaction, and saves
// the cursor after the last one: a device never holds the whole district
// in memory. The store keeps one page cache across the batches and
// checkpoints its log less often meanwhile (Store.BeginBatches). A pull
// cut off between batches leaves every batch applied so far in place,
// each whole; the next pull brings the same rows again and applying them
// changes nothing, as the merge goes by clocks. The report adds up the
// batches'.
func PullVisits(ctx context.Context, s *sqlite.Store, h *postgres.Hub, visits int, progress postgres.Progress) (audit.ApplyReport, error) {
	total := audit.ApplyReport{Parts: map[string]*audit.PartCount{}}
	hubID, err := h.ID(ctx)
	if err != nil {
		return total, err
	}
	after, err := PullCursor(ctx, s, hubID)
	if err != nil {
		return total, err
	}
	end, err := s.BeginBatches(ctx)
	if err != nil {
		return total, err
	}
	p, err := h.PullBatches(ctx, s.Device(), after, visits, progress, func(b postgres.Batch) error {
		rep, err := s.ApplyChangeSet(ctx, b.ChangeSet, b.Origin(hubID), false)
		if err != nil {
			return fmt.Errorf("merge what the hub brought (batch %d): %w", b.N, err)
		}
		addReport(&total, rep)
		return nil
	})
	if ended := end(); err == nil { // before the cursor, whose commit then checkpoints the log
		err = ended
	}
	if err != nil || p.To == p.From {
		return total, err
	}
	total.BundleID = p.Origin(hubID).BundleID
	return total, s.SetSetting(ctx, pullCursorKey+hubID, strconv.FormatInt(p.To, 10))
}

// addReport adds what applying one batch did to the pull's report.
func addReport(total *audit.ApplyReport, rep audit.ApplyReport) {
	for part, c := range rep.Parts {
		t := total.Parts[part]
		if t == nil {
			t = &audit.PartCount{}
			total.Parts[part] = t
		}
		t.Added, t.Updated, t.Unchanged = t.Added+c.Added, t.Updated+c.Updated, t.Unchanged+c.Unchanged
	}
	total.Conflicts = append(total.Conflicts, rep.Conflicts...)
}

// Waiting is what waits each way: this device's changes not yet pushed,
// and the other devices' changes not yet pulled (rows).
type Waiting struct {
	ToSend, ToBring int
}

// Count counts what waits each way.
func Count(ctx context.Context, s *sqlite.Store, h *postgres.Hub) (Waiting, error) {
	var w Waiting
	hubID, err := h.ID(ctx)
	if err != nil {
		return w, err
	}
	after, err := PushCursor(ctx, s, hubID)
	if err != nil {
		return w, err
	}
	cs, err := s.ExportChangeSet(ctx, audit.ExportScope{All: true, OwnDevice: s.Device(), After: after})
	if err != nil {
		return w, err
	}
	for _, n := range cs.Rows() {
		w.ToSend += n
	}
	pulled, err := PullCursor(ctx, s, hubID)
	if err != nil {
		return w, err
	}
	w.ToBring, err = h.Waiting(ctx, s.Device(), pulled)
	return w, err
}
