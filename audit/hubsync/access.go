package hubsync

import (
	"context"
	"time"

	"techwalk/audit"
	"techwalk/audit/postgres"
	"techwalk/audit/sqlite"
)

// pulledAtKey names the setting holding when this device last pulled from
// a hub, followed by the hub's target (user@host:port/database): known
// offline too, when the hub's id cannot be read.
const pulledAtKey = "hub_pulled_at:"

// readOnlyKey names the setting saying, after the hub's target, that the
// login of the last pull was a principal's read-only account: "true", or
// empty for an auditor.
const readOnlyKey = "hub_read_only:"

// Bring pulls the district from the hub as Pull does, once the login is
// known to be an auditor or a reader (a login with neither role gets the
// error naming what to grant), and records when, for LastPull.
func Bring(ctx context.Context, s *sqlite.Store, h *postgres.Hub, progress postgres.Progress) (audit.ApplyReport, error) {
	a, err := h.Access(ctx)
	if err != nil {
		return audit.ApplyReport{}, err
	}
	return bring(ctx, s, h, a, progress)
}

func bring(ctx context.Context, s *sqlite.Store, h *postgres.Hub, a postgres.Access, progress postgres.Progress) (audit.ApplyReport, error) {
	rep, err := Pull(ctx, s, h, progress)
	if err != nil {
		return rep, err
	}
	readOnly := ""
	if !a.Write {
		readOnly = "true"
	}
	if err := s.SetSetting(ctx, readOnlyKey+h.Target(), readOnly); err != nil {
		return rep, err
	}
	return rep, s.SetSetting(ctx, pulledAtKey+h.Target(), s.Now().UTC().Format(time.RFC3339Nano))
}

// ReadOnly reports whether this device's last pull from the hub named
// target was with a principal's read-only account: its copy holds only
// the schools that login may read.
func ReadOnly(ctx context.Context, s *sqlite.Store, target string) (bool, error) {
	v, err := s.Setting(ctx, readOnlyKey+target, "")
	return v == "true", err
}

// LastPull is when this device last pulled from the hub named target
// (postgres.TargetOf); zero when it never did.
func LastPull(ctx context.Context, s *sqlite.Store, target string) (time.Time, error) {
	text, err := s.Setting(ctx, pulledAtKey+target, "")
	if err != nil || text == "" {
		return time.Time{}, err
	}
	return time.Parse(time.RFC3339Nano, text)
}

// Synced is what Sync did.
type Synced struct {
	Access postgres.Access
	Pulled audit.ApplyReport
	Pushed postgres.PushReport // nothing for a read-only account, which sends nothing
	// Unsent counts, for a read-only account, the changes made on this
	// device that the hub has not got: they stay on the device.
	Unsent int
}

// Brought is how many rows the pull added or updated.
func (r Synced) Brought() int {
	t := r.Pulled.Total()
	return t.Added + t.Updated
}

// Sync pulls the district, then pushes this device's changes when the
// login may write; a read-only account (a principal) only pulls the
// schools it may read, and Synced.Access says so.
func Sync(ctx context.Context, s *sqlite.Store, h *postgres.Hub, pullProgress, pushProgress postgres.Progress) (Synced, error) {
	var out Synced
	var err error
	if out.Access, err = h.Access(ctx); err != nil {
		return out, err
	}
	if out.Pulled, err = bring(ctx, s, h, out.Access, pullProgress); err != nil {
		return out, err
	}
	if !out.Access.Write {
		out.Unsent, err = unsent(ctx, s, h)
		return out, err
	}
	out.Pushed, err = push(ctx, s, h, pushProgress)
	return out, err
}
