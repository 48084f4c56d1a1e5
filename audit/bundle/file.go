package bundle

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"techwalk/audit"
)

// Source is a store a change set can be exported from.
type Source interface {
	ExportChangeSet(ctx context.Context, scope audit.ExportScope) (*audit.ChangeSet, error)
	Device() string
}

// Sink is a store a change set can be applied to.
type Sink interface {
	ApplyChangeSet(ctx context.Context, cs *audit.ChangeSet, from audit.Origin, dryRun bool) (audit.ApplyReport, error)
	// BundleImported reports whether the bundle id was applied before.
	BundleImported(ctx context.Context, bundleID string) (bool, error)
}

// Export writes the rows scope selects from src to a new bundle at path
// (replaced whole: written beside it, then renamed, mode 0600).
func Export(ctx context.Context, src Source, scope audit.ExportScope, district, describe string, schema int, path string) (Manifest, error) {
	data, m, err := ExportBytes(ctx, src, scope, district, describe, schema)
	if err != nil {
		return m, err
	}
	return m, audit.WriteFileAtomic(path, data)
}

// ExportBytes makes the bundle of the rows scope selects from src, with a
// new bundle id.
func ExportBytes(ctx context.Context, src Source, scope audit.ExportScope, district, describe string, schema int) ([]byte, Manifest, error) {
	cs, err := src.ExportChangeSet(ctx, scope)
	if err != nil {
		return nil, Manifest{}, err
	}
	m := Manifest{BundleID: audit.NewID(), District: district, Device: src.Device(), SchemaVersion: schema,
		CreatedAt: time.Now().UTC().Truncate(time.Second), Scope: describe}
	var buf bytes.Buffer
	if m, err = Write(&buf, m, cs); err != nil {
		return nil, m, err
	}
	return buf.Bytes(), m, nil
}

// ReadFile reads and checks the bundle at path (a regular file within lim.File).
func ReadFile(path string, schema int, lim Limits) (*Bundle, error) {
	data, err := audit.ReadInputFile(path, lim.File)
	if err != nil {
		return nil, err
	}
	b, err := Read(data, schema, lim)
	if err != nil {
		return nil, fmt.Errorf("%s: %w; nothing was imported", path, err)
	}
	return b, nil
}

// Import reads the bundle at path in full and applies it to dst in one
// transaction (or, with dryRun, reports what it would do).
// A bundle already imported is recognised from its sealed manifest alone,
// without decoding its rows.
func Import(ctx context.Context, dst Sink, path string, schema int, dryRun bool) (audit.ApplyReport, Manifest, error) {
	data, err := audit.ReadInputFile(path, DefaultLimits.File)
	if err != nil {
		return audit.ApplyReport{}, Manifest{}, err
	}
	return ImportBytes(ctx, dst, path, data, schema, dryRun)
}

// ImportBytes is Import of a bundle already read; name is used in errors.
func ImportBytes(ctx context.Context, dst Sink, path string, data []byte, schema int, dryRun bool) (audit.ApplyReport, Manifest, error) {
	ob, m, err := openBundle(data, schema, DefaultLimits)
	if err != nil {
		return audit.ApplyReport{}, m, fmt.Errorf("%s: %w; nothing was imported", path, err)
	}
	done, err := dst.BundleImported(ctx, m.BundleID)
	if err != nil || done {
		return audit.ApplyReport{BundleID: m.BundleID, AlreadyImported: done, DryRun: dryRun}, m, err
	}
	b, err := ob.read()
	if err != nil {
		return audit.ApplyReport{}, Manifest{}, fmt.Errorf("%s: %w; nothing was imported", path, err)
	}
	rep, err := dst.ApplyChangeSet(ctx, &b.ChangeSet, audit.Origin{BundleID: b.Manifest.BundleID, Device: b.Manifest.Device}, dryRun)
	if err != nil {
		return rep, b.Manifest, fmt.Errorf("%s: %w; nothing was imported", path, err)
	}
	return rep, b.Manifest, nil
}
