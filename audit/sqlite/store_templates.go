package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"techwalk/assets"
	"techwalk/audit"
)

// TemplateInfo names a stored template version.
type TemplateInfo struct {
	ID, Version, Name string
}

// SaveTemplate stores a validated template version. A version already
// stored with different content is refused: visits depend on it never changing.
func (s *Store) SaveTemplate(ctx context.Context, t *audit.Template) error {
	if err := t.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(t)
	if err != nil {
		return err
	}
	now := formatTime(s.now())
	return s.write(ctx, func(tx *sql.Tx) error {
		var existing string
		err := tx.QueryRowContext(ctx, "SELECT body FROM templates WHERE id = ? AND version = ?", t.ID, t.Version).Scan(&existing)
		if err == nil {
			if existing == string(body) {
				return nil
			}
			return fmt.Errorf("template %s version %s is already stored with different content; give the changed template a new version", t.ID, t.Version)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO templates(id, version, name, body, created_at, updated_at, device) VALUES (?,?,?,?,?,?,?)",
			t.ID, t.Version, t.Name, string(body), now, now, s.device)
		return err
	})
}

// Template loads a stored template version.
func (s *Store) Template(ctx context.Context, id, version string) (*audit.Template, error) {
	key := id + "@" + version
	s.mu.Lock()
	cached := s.templates[key]
	s.mu.Unlock()
	if cached != nil {
		return cached, nil
	}
	var body string
	err := s.r.QueryRowContext(ctx, "SELECT body FROM templates WHERE id = ? AND version = ?", id, version).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("template %s version %s: %w", id, version, audit.ErrNotFound)
	}
	if err != nil {
		return nil, s.readError(err)
	}
	t, err := audit.ParseTemplate("stored template "+key, []byte(body))
	if err != nil {
		// Templates are checked before they are stored, so one that no
		// longer parses means the file was damaged.
		return nil, damagedError(s.path, err)
	}
	s.mu.Lock()
	s.templates[key] = t
	s.mu.Unlock()
	return t, nil
}

// Templates lists the stored template versions, newest first within an id.
func (s *Store) Templates(ctx context.Context) ([]TemplateInfo, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT id, version, name FROM templates ORDER BY id, created_at DESC, version DESC")
	if err != nil {
		return nil, s.readError(err)
	}
	defer rows.Close()
	var out []TemplateInfo
	for rows.Next() {
		var ti TemplateInfo
		if err := rows.Scan(&ti.ID, &ti.Version, &ti.Name); err != nil {
			return nil, s.readError(err)
		}
		out = append(out, ti)
	}
	return out, s.readError(rows.Err())
}

// LatestTemplate returns the most recently stored version of a template id;
// with an empty id, of the default template, which is stored on first use.
func (s *Store) LatestTemplate(ctx context.Context, id string) (*audit.Template, error) {
	if id == "" {
		def, err := DefaultTemplate()
		if err != nil {
			return nil, s.readError(err)
		}
		if err := s.SaveTemplate(ctx, def); err != nil {
			return nil, s.readError(err)
		}
		id = def.ID
	}
	var version string
	err := s.r.QueryRowContext(ctx, "SELECT version FROM templates WHERE id = ? ORDER BY created_at DESC, version DESC LIMIT 1", id).Scan(&version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("template %s: %w", id, audit.ErrNotFound)
	}
	if err != nil {
		return nil, s.readError(err)
	}
	return s.Template(ctx, id, version)
}

// DefaultTemplate parses the checklist embedded in the binary.
func DefaultTemplate() (*audit.Template, error) {
	return audit.ParseTemplate(assets.DefaultTemplateFile, assets.DefaultTemplateJSON)
}
