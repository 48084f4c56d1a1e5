package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Photo is the stored record of a photo; Data is loaded only by PhotoData.
type Photo struct {
	Record
	VisitID, RoomID, ItemID string
	Caption                 string
	Mime                    string
	Width, Height           int
	SHA256                  string
}

// PhotoInput is a photo to attach to a room (and optionally an item) of a visit.
type PhotoInput struct {
	VisitID, RoomID, ItemID string
	Caption                 string
	Name                    string // the original file's name, for messages
	Data                    []byte
}

// AddPhoto checks, downsizes and stores a photo in one transaction.
func (s *Store) AddPhoto(ctx context.Context, in PhotoInput) (Photo, error) {
	if in.VisitID == "" || in.RoomID == "" {
		return Photo{}, errors.New("photo: visit and room are required")
	}
	if err := checkText("caption", in.Caption, MaxNameLen); err != nil {
		return Photo{}, fmt.Errorf("photo %s: %w", in.Name, err)
	}
	pp, err := ProcessPhoto(in.Name, in.Data)
	if err != nil {
		return Photo{}, err
	}
	p := Photo{VisitID: in.VisitID, RoomID: in.RoomID, ItemID: in.ItemID, Caption: in.Caption,
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
func (s *Store) Photos(ctx context.Context, visitID string) ([]Photo, error) {
	return queryList(ctx, s, scanPhoto, `SELECT id, visit_id, room_id, item_id, caption, mime, width, height, sha256,
		created_at, updated_at, device FROM photos WHERE visit_id = ? AND deleted = 0 ORDER BY created_at, id`, visitID)
}

func scanPhoto(row scanner) (Photo, error) {
	var p Photo
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
		return nil, fmt.Errorf("photo %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, s.readError(err)
	}
	if !photoMatches(data, sum) {
		return nil, fmt.Errorf("%s: photo %s: %w; %s", s.path, id, ErrPhotoDamaged, backupHint(s.path))
	}
	return data, nil
}

// DeletePhoto marks a photo deleted.
func (s *Store) DeletePhoto(ctx context.Context, id string) error {
	return s.tombstone(ctx, "photos", id)
}
