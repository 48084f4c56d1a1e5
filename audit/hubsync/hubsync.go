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
// registering the device under the login first. The cursor moves only
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
// them into this device's database with ApplyChangeSet, then saves the
// cursor. When the cursor is not saved (a kill between the two), the next
// pull brings the same rows again and applying them changes nothing: the
// merge goes by clocks.
func Pull(ctx context.Context, s *sqlite.Store, h *postgres.Hub, progress postgres.Progress) (audit.ApplyReport, error) {
	hubID, err := h.ID(ctx)
	if err != nil {
		return audit.ApplyReport{}, err
	}
	after, err := PullCursor(ctx, s, hubID)
	if err != nil {
		return audit.ApplyReport{}, err
	}
	p, err := h.Pull(ctx, s.Device(), after, progress)
	if err != nil || p.To == p.From {
		return audit.ApplyReport{Parts: map[string]*audit.PartCount{}}, err
	}
	rep, err := s.ApplyChangeSet(ctx, p.ChangeSet, p.Origin(hubID), false)
	if err != nil {
		return rep, fmt.Errorf("merge what the hub brought: %w", err)
	}
	return rep, s.SetSetting(ctx, pullCursorKey+hubID, strconv.FormatInt(p.To, 10))
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
