// Package hubsync syncs a device's database with the district hub: push
// sends this device's own changes since its last push, pull brings the
// other devices' changes since its last pull and merges them by the
// domain's rules (the same change sets and merge as bundles). Each device
// keeps its two cursors, per hub, in its Settings.
package hubsync

import (
	"context"
	"fmt"
	"slices"
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
	pl := puller{ctx: ctx, s: s, total: audit.ApplyReport{Parts: map[string]*audit.PartCount{}}}
	var err error
	if pl.hubID, err = h.ID(ctx); err != nil {
		return pl.total, err
	}
	after, err := PullCursor(ctx, s, pl.hubID)
	if err != nil {
		return pl.total, err
	}
	opt := postgres.PullOptions{Visits: visits}
	if opt.Owed, err = owedOf(ctx, s, pl.hubID); err != nil {
		return pl.total, err
	}
	if opt.Given, err = givenOf(ctx, s, pl.hubID); err != nil {
		return pl.total, err
	}
	pl.owed = opt.Owed
	end, err := s.BeginBatches(ctx)
	if err != nil {
		return pl.total, err
	}
	p, err := h.PullBatches(ctx, s.Device(), after, opt, progress, pl.apply)
	if ended := end(); err == nil { // before the cursor, whose commit then checkpoints the log
		err = ended
	}
	if err != nil {
		return pl.total, err
	}
	if !slices.Equal(p.Given, opt.Given) {
		if err := saveGiven(ctx, s, pl.hubID, p.Given); err != nil {
			return pl.total, err
		}
	}
	if p.To == p.From {
		return pl.total, nil
	}
	pl.total.BundleID = p.Origin(pl.hubID).BundleID
	return pl.total, s.SetSetting(ctx, pullCursorKey+pl.hubID, strconv.FormatInt(p.To, 10))
}

// puller merges the batches of one pull into the device's database.
type puller struct {
	ctx   context.Context
	s     *sqlite.Store
	hubID string
	owed  audit.Owed
	total audit.ApplyReport
}

// apply merges one batch, setting aside the rows whose visit or finding
// the device lacks. What is set aside is kept before the batch is merged,
// and what the batch settles is let go after: a kill in between loses
// nothing. A batch that read anything whole is merged under an origin of
// its own: the same range may carry other rows of those visits next time.
func (pl *puller) apply(b postgres.Batch) error {
	setAside, n, err := setAside(pl.ctx, pl.s, b.ChangeSet)
	if err != nil {
		return err
	}
	pl.total.SetAside += n
	if !setAside.Empty() {
		if pl.owed, err = saveOwed(pl.ctx, pl.s, pl.hubID, pl.owed.Settle(audit.Owed{}, setAside)); err != nil {
			return err
		}
	}
	if rows(b.ChangeSet) > 0 {
		origin := b.Origin(pl.hubID)
		if !b.Whole.Empty() {
			origin.BundleID += ":whole:" + strconv.FormatInt(pl.s.Now().UnixNano(), 36)
		}
		rep, err := pl.s.ApplyChangeSet(pl.ctx, b.ChangeSet, origin, false)
		if err != nil {
			return fmt.Errorf("merge what the hub brought (batch %d): %w", b.N, err)
		}
		addReport(&pl.total, rep)
	}
	if b.Whole.Empty() {
		return nil
	}
	pl.owed, err = saveOwed(pl.ctx, pl.s, pl.hubID, pl.owed.Settle(b.Whole, setAside))
	return err
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
	// SetAside is what earlier pulls set aside for want of its visit or
	// finding (audit.Owed); the pulls after read it whole.
	SetAside audit.Owed `json:",omitzero"`
}

// unsent counts this device's changes the hub has not got.
func unsent(ctx context.Context, s *sqlite.Store, h *postgres.Hub) (int, error) {
	hubID, err := h.ID(ctx)
	if err != nil {
		return 0, err
	}
	after, err := PushCursor(ctx, s, hubID)
	if err != nil {
		return 0, err
	}
	cs, err := s.ExportChangeSet(ctx, audit.ExportScope{All: true, OwnDevice: s.Device(), After: after})
	if err != nil {
		return 0, err
	}
	return rows(cs), nil
}

// Count counts what waits each way.
func Count(ctx context.Context, s *sqlite.Store, h *postgres.Hub) (Waiting, error) {
	var w Waiting
	hubID, err := h.ID(ctx)
	if err != nil {
		return w, err
	}
	if w.ToSend, err = unsent(ctx, s, h); err != nil {
		return w, err
	}
	pulled, err := PullCursor(ctx, s, hubID)
	if err != nil {
		return w, err
	}
	if w.ToBring, err = h.Waiting(ctx, s.Device(), pulled); err != nil {
		return w, err
	}
	w.SetAside, err = owedOf(ctx, s, hubID)
	return w, err
}
