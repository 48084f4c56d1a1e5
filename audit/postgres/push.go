package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"techwalk/audit"
)

// pushLock is the pg_advisory_xact_lock key a push holds while it writes
// the hub's tables, so change numbers (seq) are handed out in commit order
// and a pull never skips a row another push numbered earlier but
// committed later.
const pushLock int64 = 0x7465636877616c6c

// Progress hears how a push or pull goes: the part being sent or read,
// and rows done of total.
type Progress func(part string, done, total int)

// PushReport says what a push did.
type PushReport struct {
	ChangeSet     string         // the change set's id on the hub
	AlreadyPushed bool           // the hub had it already: nothing changed
	Sent          map[string]int // rows sent, by part
	Merged        map[string]int // rows the hub took (new, or newer than its own), by part
	PhotosKnown   int            // photos whose bytes the hub had, so they were not sent
}

// Parts lists the names of the parts a change set travels in, in the
// order push and pull take them: the keys of Sent and Merged.
func Parts() []string {
	names := make([]string, len(syncParts))
	for i, p := range syncParts {
		names[i] = p.name
	}
	return names
}

// Changed is how many rows the hub took in all.
func (r PushReport) Changed() int {
	n := 0
	for _, c := range r.Merged {
		n += c
	}
	return n
}

// ChangeSetID names the change set of device's own changes after cursor
// up to newest: the same rows give the same id, so a change set pushed
// once (its local cursor lost to a kill) is recognised when sent again.
// Every change after newest moves newest, so another set of rows never
// has this id.
func ChangeSetID(device string, after audit.HLC, cs *audit.ChangeSet) string {
	rows, _ := json.Marshal(cs.Rows())
	sum := sha256.Sum256([]byte(device + "\x00" + after.String() + "\x00" + cs.NewestOf(device).String() + "\x00" + string(rows)))
	return hex.EncodeToString(sum[:16])
}

// Push sends device's change set (its own changes since the cursor after)
// to the hub in one transaction: the rows go by COPY into staging tables,
// then into the hub's tables where they are new or newer than the hub's
// copy of the same device's row, and the change set's id is recorded. A
// change set the hub already holds changes nothing. A photo whose bytes
// the hub already holds (by SHA-256) is sent without them. Row-level
// security refuses rows of a device this login did not register
// (audit.ErrHubDenied). A change set carrying a setting that is not the
// district's (audit.IsDistrictSetting) is refused whole before anything
// is sent: the hub holds no device's own settings.
func (h *Hub) Push(ctx context.Context, device string, after audit.HLC, cs *audit.ChangeSet, progress Progress) (PushReport, error) {
	rep := PushReport{ChangeSet: ChangeSetID(device, after, cs), Sent: map[string]int{}, Merged: map[string]int{}}
	if err := checkSettings(cs); err != nil {
		return rep, fmt.Errorf("push to hub %s: %w; nothing was sent", h.target, err)
	}
	if progress == nil {
		progress = func(string, int, int) {}
	}
	total := 0
	for _, n := range cs.Rows() {
		total += n
	}
	if total == 0 {
		return rep, nil // nothing to send, nothing to record
	}
	tx, err := h.pool.Begin(ctx)
	if err != nil {
		return rep, h.wrap(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var known bool
	if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT FROM techwalk.change_sets WHERE device = $1 AND id = $2)", device, rep.ChangeSet).Scan(&known); err != nil {
		return rep, h.wrap(err)
	}
	if known {
		rep.AlreadyPushed = true
		return rep, nil
	}
	if err := h.stageAll(ctx, tx, device, cs, total, progress, &rep); err != nil {
		return rep, err
	}
	if err := h.mergeAll(ctx, tx, &rep); err != nil {
		return rep, err
	}
	counts, _ := json.Marshal(rep.Merged)
	if _, err := tx.Exec(ctx, "INSERT INTO techwalk.change_sets(id, device, counts) VALUES ($1, $2, $3)", rep.ChangeSet, device, counts); err != nil {
		return rep, h.wrap(err)
	}
	return rep, h.wrap(tx.Commit(ctx))
}

// checkSettings checks every setting of the change set is a district one
// that fits, naming the first that is not.
func checkSettings(cs *audit.ChangeSet) error {
	for _, s := range cs.Settings {
		if err := s.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// stageAll copies every part's rows into its staging table, photos the
// hub holds without their bytes.
func (h *Hub) stageAll(ctx context.Context, tx pgx.Tx, device string, cs *audit.ChangeSet, total int, progress Progress, rep *PushReport) error {
	have, err := h.knownPhotos(ctx, tx, cs)
	if err != nil {
		return err
	}
	done := 0
	for _, p := range syncParts {
		rows := p.rows(cs, device)
		if p.name == "photos" {
			rep.PhotosKnown = dropKnownBytes(rows, have)
		}
		if err := h.stage(ctx, tx, p, rows); err != nil {
			return err
		}
		rep.Sent[p.name] = len(rows)
		done += len(rows)
		progress(p.name, done, total)
	}
	return nil
}

// mergeAll takes the push lock and moves the staged rows into the hub's
// tables, counting what each part took.
func (h *Hub) mergeAll(ctx context.Context, tx pgx.Tx, rep *PushReport) error {
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", pushLock); err != nil {
		return h.wrap(err)
	}
	for _, p := range syncParts {
		if rep.Sent[p.name] == 0 {
			continue
		}
		tag, err := tx.Exec(ctx, mergeSQL(p))
		if err != nil {
			return fmt.Errorf("push %s: %w", p.name, h.wrap(err))
		}
		rep.Merged[p.name] = int(tag.RowsAffected())
	}
	return nil
}

// knownPhotos is the set of the change set's photo SHA-256s whose bytes
// the hub already holds.
func (h *Hub) knownPhotos(ctx context.Context, tx pgx.Tx, cs *audit.ChangeSet) (map[string]bool, error) {
	if len(cs.Photos) == 0 {
		return nil, nil
	}
	sums := make([]string, len(cs.Photos))
	for i, p := range cs.Photos {
		sums[i] = p.SHA256
	}
	rows, err := tx.Query(ctx, "SELECT DISTINCT sha256 FROM techwalk.photos WHERE sha256 = ANY($1)", sums)
	if err != nil {
		return nil, h.wrap(err)
	}
	known, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, h.wrap(err)
	}
	out := make(map[string]bool, len(known))
	for _, s := range known {
		out[s] = true
	}
	return out, nil
}

// photoData and photoSHA are the positions of a photo row's bytes and SHA-256.
const (
	photoData = 10
	photoSHA  = 9
)

// dropKnownBytes clears the bytes of the photo rows the hub holds and
// says how many.
func dropKnownBytes(rows [][]any, known map[string]bool) int {
	n := 0
	for _, r := range rows {
		if known[r[photoSHA].(string)] {
			r[photoData] = nil
			n++
		}
	}
	return n
}

// stage copies rows into a new temporary table for part, dropped at commit.
func (h *Hub) stage(ctx context.Context, tx pgx.Tx, p part, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	cols := strings.Join(p.columns, ", ")
	if _, err := tx.Exec(ctx, fmt.Sprintf("CREATE TEMP TABLE stage_%s ON COMMIT DROP AS SELECT %s FROM techwalk.%s WITH NO DATA",
		p.table, cols, p.table)); err != nil {
		return h.wrap(err)
	}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"stage_" + p.table}, p.columns, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("push %s: %w", p.name, h.wrap(err))
	}
	if int(n) != len(rows) {
		return fmt.Errorf("push %s: the hub took %d of %d rows", p.name, n, len(rows))
	}
	return nil
}

// mergeSQL moves part's staged rows into its table: new rows go in, a row
// the hub holds is replaced only by a newer clock.
func mergeSQL(p part) string {
	sel := make([]string, len(p.columns))
	for i, c := range p.columns {
		sel[i] = "s." + c
		if p.name == "photos" && i == photoData { // bytes the hub holds already, from its copy
			sel[i] = "coalesce(s.data, (SELECT k.data FROM techwalk.photos k WHERE k.sha256 = s.sha256 LIMIT 1))"
		}
	}
	q := fmt.Sprintf("INSERT INTO techwalk.%s AS t (%s) SELECT %s FROM stage_%s s ON CONFLICT (%s) DO ",
		p.table, strings.Join(p.columns, ", "), strings.Join(sel, ", "), p.table, strings.Join(p.key, ", "))
	if p.keep {
		return q + "NOTHING"
	}
	var set []string
	for _, c := range p.columns {
		if !contains(p.key, c) {
			set = append(set, c+" = excluded."+c)
		}
	}
	return q + "UPDATE SET " + strings.Join(set, ", ") + " WHERE excluded.hlc > t.hlc"
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ID is the hub's own id, made when its schema was set up: what this
// device keeps its push and pull cursors under.
func (h *Hub) ID(ctx context.Context) (string, error) {
	v, err := h.Version(ctx)
	if err != nil {
		return "", err
	}
	if v < Latest() {
		return "", fmt.Errorf("hub %s: %w (its schema is %d; 'techwalk hub init' brings it to %d)", h.target, audit.ErrHubNotSetUp, v, Latest())
	}
	var id string
	err = h.pool.QueryRow(ctx, "SELECT hub_id FROM techwalk.hub_schema").Scan(&id)
	return id, h.wrap(err)
}
