package benchdb

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
)

// generator writes one school at a time, each in one transaction.
type generator struct {
	size   Size
	device string
	rng    *rand.Rand
	photo  []byte
	now    time.Time
}

func (g *generator) stamp() string {
	g.now = g.now.Add(time.Millisecond)
	return g.now.Format(time.RFC3339Nano)
}

func (g *generator) school(db *sql.DB, n int) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	schoolID := uuid.NewString()
	ts := g.stamp()
	if _, err := tx.Exec(`INSERT INTO schools(id, name, code, created_at, updated_at, device) VALUES (?,?,?,?,?,?)`,
		schoolID, fmt.Sprintf("School %03d", n), fmt.Sprintf("S%03d", n), ts, ts, g.device); err != nil {
		return err
	}
	rooms := make([]string, g.size.RoomsPerSchool)
	for i := range rooms {
		rooms[i] = uuid.NewString()
		if _, err := tx.Exec(`INSERT INTO rooms(id, school_id, number, kind, teacher, created_at, updated_at, device) VALUES (?,?,?,?,?,?,?,?)`,
			rooms[i], schoolID, fmt.Sprint(100+i), "classroom", fmt.Sprintf("Teacher %d-%d", n, i), ts, ts, g.device); err != nil {
			return err
		}
	}
	for v := 0; v < g.size.VisitsPerSchool; v++ {
		if err := g.visit(tx, schoolID, rooms, v); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (g *generator) visit(tx *sql.Tx, schoolID string, rooms []string, n int) error {
	visitID := uuid.NewString()
	start := time.Date(2024+n, 3, 1+g.rng.IntN(20), 8, 0, 0, 0, time.UTC)
	ts := g.stamp()
	if _, err := tx.Exec(`INSERT INTO visits(id, school_id, template_id, template_version, auditor, started_at, finished_at, created_at, updated_at, device)
		VALUES (?,?,?,?,?,?,?,?,?,?)`, visitID, schoolID, TemplateID, "1", "Bench Auditor",
		start.Format(time.RFC3339Nano), start.Add(2*time.Hour).Format(time.RFC3339Nano), ts, ts, g.device); err != nil {
		return err
	}
	ins, err := tx.Prepare(`INSERT INTO answers(id, visit_id, room_id, item_id, value, note, created_at, updated_at, device) VALUES (?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	values := []string{"ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "missing", "broken"}
	for _, room := range rooms {
		for i := 0; i < g.size.Items; i++ {
			value, note := values[g.rng.IntN(len(values))], ""
			if value != "ok" {
				note = "Found during the benchmark walkthrough"
			}
			if _, err := ins.Exec(uuid.NewString(), visitID, room, fmt.Sprintf("i%02d", i), value, note, ts, ts, g.device); err != nil {
				return err
			}
		}
		if g.rng.Float64() < g.size.PhotoShare {
			if err := g.addPhoto(tx, visitID, room, ts); err != nil {
				return err
			}
		}
	}
	return nil
}

func (g *generator) addPhoto(tx *sql.Tx, visitID, room, ts string) error {
	sum := sha256.Sum256(g.photo)
	_, err := tx.Exec(`INSERT INTO photos(id, visit_id, room_id, item_id, mime, width, height, sha256, data, created_at, updated_at, device)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`, uuid.NewString(), visitID, room, "i01", "image/jpeg", 640, 480,
		hex.EncodeToString(sum[:]), g.photo, ts, ts, g.device)
	return err
}
