package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"techwalk/audit"
)

// AddPhoto checks, downsizes and stores a photo in one transaction.
func (s *Store) AddPhoto(ctx context.Context, in audit.PhotoInput) (audit.Photo, error) {
	if in.VisitID == "" || in.RoomID == "" {
		return audit.Photo{}, errors.New("photo: visit and room are required")
	}
	if err := audit.CheckText("caption", in.Caption, audit.MaxNameLen); err != nil {
		return audit.Photo{}, fmt.Errorf("photo %s: %w", in.Name, err)
	}
	pp, err := audit.ProcessPhoto(in.Name, in.Data)
	if err != nil {
		return audit.Photo{}, err
	}
	p := audit.Photo{VisitID: in.VisitID, RoomID: in.RoomID, ItemID: in.ItemID, Caption: in.Caption,
		Mime: pp.Mime, Width: pp.Width, Height: pp.Height, SHA256: pp.SHA256}
	s.stamp(&p.Record)
	err = s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO photos(id, visit_id, room_id, item_id, caption, mime, width, height, sha256, data,
			created_at, updated_at, device, deleted) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,0)`,
			p.ID, p.VisitID, p.RoomID, p.ItemID, p.Caption, p.Mime, p.Width, p.Height, p.SHA256, pp.Data,
			formatTime(p.CreatedAt), formatTime(p.UpdatedAt), p.Device)
		if err != nil && strings.Contains(err.Error(), "FOREIGN KEY") {
			return errors.New("photo: its visit or room does not exist")
		}
		return err
	})
	return p, err
}

// Photos lists a visit's photos (without their bytes), oldest first.
func (s *Store) Photos(ctx context.Context, visitID string) ([]audit.Photo, error) {
	return queryList(ctx, s, scanPhoto, `SELECT id, visit_id, room_id, item_id, caption, mime, width, height, sha256,
		created_at, updated_at, device FROM photos WHERE visit_id = ? AND deleted = 0 ORDER BY created_at, id`, visitID)
}

func scanPhoto(row scanner) (audit.Photo, error) {
	var p audit.Photo
	var created, updated string
	err := row.Scan(&p.ID, &p.VisitID, &p.RoomID, &p.ItemID, &p.Caption, &p.Mime, &p.Width, &p.Height, &p.SHA256,
		&created, &updated, &p.Device)
	p.CreatedAt, p.UpdatedAt = parseTime(created), parseTime(updated)
	return p, err
}

// PhotoData loads a photo's JPEG bytes, checked against their SHA-256:
// bytes that do not match come back with an error wrapping ErrPhotoDamaged.
func (s *Store) PhotoData(ctx context.Context, id string) ([]byte, error) {
	var data []byte
	var sum string
	err := s.r.QueryRowContext(ctx, "SELECT data, sha256 FROM photos WHERE id = ? AND deleted = 0", id).Scan(&data, &sum)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("photo %s: %w", id, audit.ErrNotFound)
	}
	if err != nil {
		return nil, s.readError(err)
	}
	if !photoMatches(data, sum) {
		return nil, fmt.Errorf("%s: photo %s: %w; %s", s.path, id, audit.ErrPhotoDamaged, backupHint(s.path))
	}
	return data, nil
}

// DeletePhoto marks a photo deleted.
func (s *Store) DeletePhoto(ctx context.Context, id string) error {
	return s.tombstone(ctx, "photos", id)
}
