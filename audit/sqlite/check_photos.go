package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"techwalk/audit"
	"time"
)

// PhotoProblem is one photo whose stored bytes do not match its SHA-256.
type PhotoProblem struct {
	PhotoID, Caption, ItemID string
	Room                     string // the room's label, e.g. "101" or "Library"
	VisitID, School          string
	Visited                  time.Time
}

// String names the photo, its room, visit and school for check's output.
func (p PhotoProblem) String() string {
	what := "photo " + p.PhotoID
	if p.ItemID != "" {
		what += " (item " + p.ItemID + ")"
	}
	return fmt.Sprintf("%s in room %s, visit %s to %s on %s: its data does not match its SHA-256",
		what, p.Room, p.VisitID, p.School, p.Visited.Format("2006-01-02"))
}

// photoMatches reports whether data is what the recorded SHA-256 says.
func photoMatches(data []byte, recorded string) bool {
	sum := sha256.Sum256(data)
	return len(data) > 0 && hex.EncodeToString(sum[:]) == recorded
}

// verifyPhotos compares every photo's bytes with its recorded SHA-256, one
// photo in memory at a time, and names each one that differs.
func verifyPhotos(ctx context.Context, db *sql.DB) ([]PhotoProblem, error) {
	rows, err := db.QueryContext(ctx, `SELECT p.id, p.item_id, p.caption, p.sha256, p.data,
		COALESCE(r.number, ''), COALESCE(r.name, ''), p.visit_id, COALESCE(s.name, ''), COALESCE(v.started_at, '')
		FROM photos p LEFT JOIN rooms r ON r.id = p.room_id LEFT JOIN visits v ON v.id = p.visit_id
		LEFT JOIN schools s ON s.id = v.school_id WHERE p.deleted = 0 ORDER BY v.started_at, p.created_at, p.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PhotoProblem
	for rows.Next() {
		var p PhotoProblem
		var sum, number, name, started string
		var data []byte
		if err := rows.Scan(&p.PhotoID, &p.ItemID, &p.Caption, &sum, &data, &number, &name, &p.VisitID, &p.School, &started); err != nil {
			return nil, err
		}
		if photoMatches(data, sum) {
			continue
		}
		p.Room = audit.Room{Number: number, Name: name}.Label()
		p.Visited = parseTime(started)
		out = append(out, p)
	}
	return out, rows.Err()
}
