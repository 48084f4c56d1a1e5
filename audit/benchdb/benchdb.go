// Package benchdb builds district-sized TechWalk databases for benchmarks,
// fast: the schema comes from sqlite.Open, the rows from bulk inserts in a
// few large transactions. Databases are cached under os.TempDir by size.
package benchdb

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// Size is the shape of a generated district.
type Size struct {
	Schools, VisitsPerSchool, RoomsPerSchool, Items int
	PhotoShare                                      float64 // share of answered rooms with a photo
}

// District is 200 schools x 3 visits x 40 rooms x 40 items, photos for 10 %
// of the rooms of each visit.
var District = Size{Schools: 200, VisitsPerSchool: 3, RoomsPerSchool: 40, Items: 40, PhotoShare: 0.10}

// TemplateID names the generated checklist.
const TemplateID = "bench"

// Path returns the cached database of this size, building it first if
// needed. The cache is kept per schema version, so builds of different
// versions sharing a machine never upgrade (or refuse) each other's file.
func Path(size Size) (string, error) {
	schema, err := sqlite.SchemaVersion()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(os.TempDir(), "techwalk-bench")
	path := filepath.Join(dir, fmt.Sprintf("district-%dx%dx%dx%d-p%.0f-s%d.db",
		size.Schools, size.VisitsPerSchool, size.RoomsPerSchool, size.Items, size.PhotoShare*100, schema))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	tmp := filepath.Join(dir, fmt.Sprintf(".building-%d.db", os.Getpid()))
	defer os.Remove(tmp)
	if err := Build(tmp, size); err != nil {
		return "", fmt.Errorf("build the district database: %w", err)
	}
	return path, os.Rename(tmp, path)
}

// Open opens the cached database of this size (building it first if
// needed) and returns the store and the file's path.
func Open(size Size) (*sqlite.Store, string, error) {
	path, err := Path(size)
	if err != nil {
		return nil, "", err
	}
	s, err := sqlite.Open(path)
	return s, path, err
}

// Build writes a generated district of the given size to a new file at path.
func Build(path string, size Size) error {
	s, err := sqlite.Open(path)
	if err != nil {
		return err
	}
	device := s.Device()
	err = s.SaveTemplate(context.Background(), template(size.Items))
	s.Close()
	if err != nil {
		return err
	}
	db, err := sql.Open("sqlite", path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_pragma=foreign_keys(1)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	g := &generator{size: size, device: device, rng: rand.New(rand.NewPCG(7, 11)), photo: photoJPEG(),
		now: time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)}
	for i := 0; i < size.Schools; i++ {
		if err := g.school(db, i); err != nil {
			return err
		}
	}
	if _, err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	return summarise(path)
}

// summarise stores the visit summaries, as the app's first Home leaves them.
func summarise(path string) error {
	s, err := sqlite.Open(path)
	if err != nil {
		return err
	}
	defer s.Close()
	return s.RefreshSummaries(context.Background())
}

func template(items int) *audit.Template {
	list := make([]audit.Item, items)
	sev := []audit.Severity{audit.Critical, audit.High, audit.Medium, audit.Low}
	for i := range list {
		list[i] = audit.Item{ID: fmt.Sprintf("i%02d", i), Kind: audit.ItemCheck, Label: fmt.Sprintf("Check %d", i),
			Category: fmt.Sprintf("Category %d", i%8), Severity: sev[i%4]}
	}
	return &audit.Template{ID: TemplateID, Name: "Benchmark checklist", Version: "1",
		Feedback: audit.FeedbackPrompt{SupportsTeaching: "Supports?", HelpEasy: "Help?", ChooseAgain: "Again?",
			Inconveniences: "How often?", Frustration: "Frustration?", Consent: "Quote?"},
		Sections: []audit.Section{{ID: "all", Title: "All", Items: list}}}
}

// photoJPEG is the photo attached to generated rooms: 640x480, as ProcessPhoto stores it.
func photoJPEG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for y := 0; y < 480; y++ {
		for x := 0; x < 640; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	p, err := audit.ProcessPhoto("bench.jpg", buf.Bytes())
	if err != nil {
		panic(err)
	}
	return p.Data
}
