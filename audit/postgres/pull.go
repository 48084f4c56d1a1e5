package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"techwalk/audit"
)

// Pulled is what a pull brought: the other devices' rows changed after
// the cursor, as a change set, and the change number to pull after next.
type Pulled struct {
	ChangeSet *audit.ChangeSet
	From, To  int64 // change numbers after From up to To; To == From when nothing changed
}

// Origin names the pull for audit.Store's ApplyChangeSet: a stable id of
// the range of change numbers, so applying the same pull twice is
// recognised, and the hub as the sending device.
func (p Pulled) Origin(hubID string) audit.Origin {
	return audit.Origin{BundleID: fmt.Sprintf("hub:%s:%d-%d", hubID, p.From, p.To), Device: "hub:" + hubID}
}

// Pull reads every row of the devices other than device whose change
// number is after the cursor, from one snapshot: the district's schools
// and rooms, templates, findings' actions and status history, and the
// visits with their answers, feedback, photos, rooms done and settled
// conflicts.
func (h *Hub) Pull(ctx context.Context, device string, after int64, progress Progress) (Pulled, error) {
	out := Pulled{ChangeSet: &audit.ChangeSet{}, From: after, To: after}
	if progress == nil {
		progress = func(string, int, int) {}
	}
	tx, err := h.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return out, h.wrap(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	for _, p := range syncParts {
		n, top, err := h.pullPart(ctx, tx, p, device, after, out.ChangeSet)
		if err != nil {
			return out, err
		}
		out.To = max(out.To, top)
		progress(p.name, n, n)
	}
	return out, nil
}

func (h *Hub) pullPart(ctx context.Context, tx pgx.Tx, p part, device string, after int64, cs *audit.ChangeSet) (int, int64, error) {
	rows, err := tx.Query(ctx, fmt.Sprintf("SELECT %s, seq FROM techwalk.%s WHERE device <> $1 AND seq > $2 ORDER BY seq",
		strings.Join(p.columns, ", "), p.table), device, after)
	if err != nil {
		return 0, 0, h.wrap(err)
	}
	defer rows.Close()
	var top int64
	n := 0
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return n, top, h.wrap(err)
		}
		if err := p.scan(cs, vals); err != nil {
			return n, top, fmt.Errorf("hub %s: %s row: %w", h.target, p.name, err)
		}
		top = max(top, vals[len(vals)-1].(int64))
		n++
	}
	return n, top, h.wrap(rows.Err())
}

// Waiting counts the rows of other devices changed after the cursor: what
// the next pull brings.
func (h *Hub) Waiting(ctx context.Context, device string, after int64) (int, error) {
	var parts []string
	for _, p := range syncParts {
		parts = append(parts, fmt.Sprintf("(SELECT count(*) FROM techwalk.%s WHERE device <> $1 AND seq > $2)", p.table))
	}
	var n int64
	err := h.pool.QueryRow(ctx, "SELECT "+strings.Join(parts, " + "), device, after).Scan(&n)
	return int(n), h.wrap(err)
}
