//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package app

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"techwalk/audit"
	"techwalk/audit/benchdb"
	"techwalk/audit/hubsync"
	"techwalk/audit/postgres"
	"techwalk/audit/postgres/pgtest"
	"techwalk/audit/sqlite"
)

// BenchmarkDistrictScreenHub opens the District screen, with a hub set, on
// a synced device: a copy of the district benchmark database (200 schools,
// 600 visits) whose district the hub holds in full, and which has pulled
// another device's visit pushed after it. It reports medians:
//   - synced-ms: from opening the screen to the pull that brings nothing
//     new done and the picture shown (goal < 200 ms), against local-ms,
//     loading the same picture from the local database alone (what the
//     screen did before it pulled); x-local is their ratio, and pull-ms
//     the pull alone (x-local-pull); pull-nostats-ms the same pull with
//     the hub's planner statistics removed, as on a hub just loaded
//     before autovacuum analyzed it (x-local-pull-nostats);
//   - visit-ms: the same when another device has pushed one new 40-room
//     visit: the pull brings it (1,600 answers, 4 photos) and the picture
//     loads again; x-local-visit against local-ms.
func BenchmarkDistrictScreenHub(b *testing.B) {
	ctx := context.Background()
	s := benchDistrictCopy(b)
	srv, hubURL := pgtest.Database(b)
	admin, err := postgres.Open(ctx, hubURL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(admin.Close)
	if _, _, err := admin.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := hubsync.Push(ctx, s, admin, nil); err != nil {
		b.Fatal(err)
	}
	// The statistics autovacuum keeps on a hub in use; a table just
	// loaded has none, which pull-nostats-ms measures.
	db := strings.TrimPrefix(mustParseURL(b, hubURL).Path, "/")
	if err := srv.Exec(db, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	other, school, rooms := benchOtherDevice(b, s)
	walkBenchVisit(b, other, school, rooms)
	if _, err := hubsync.Push(ctx, other, admin, nil); err != nil {
		b.Fatal(err)
	}
	b.Setenv(hubEnv, hubURL)
	a := test.NewTempApp(b)
	u := newUI(a, s)
	u.win.Resize(fyne.NewSize(1280, 800))
	open := func() *districtScreen {
		d := u.showDistrict()
		d.loading.wait() // this device's picture, then the pull starts
		u.hubSync.work.wait()
		d.loading.wait() // the picture again when the pull brought anything
		return d
	}
	open() // synced: this device has pulled what the hub holds after its own push
	var synced, local, pull, noStats, visit []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		d := open()
		synced = append(synced, time.Since(t0))
		if len(d.dist.Schools) != benchdb.District.Schools {
			b.Fatalf("the screen shows %d schools (%q)", len(d.dist.Schools), d.hubLine.Text)
		}

		t0 = time.Now()
		if _, err := d.load(); err != nil {
			b.Fatal(err)
		}
		local = append(local, time.Since(t0))

		t0 = time.Now()
		if _, err := u.hubSync.pull(hubURL); err != nil {
			b.Fatal(err)
		}
		pull = append(pull, time.Since(t0))

		b.StopTimer()
		if err := srv.Exec(db, "DELETE FROM pg_statistic WHERE starelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'techwalk'::regnamespace)"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 = time.Now()
		if _, err := u.hubSync.pull(hubURL); err != nil {
			b.Fatal(err)
		}
		noStats = append(noStats, time.Since(t0))
		b.StopTimer()
		if err := srv.Exec(db, "ANALYZE"); err != nil {
			b.Fatal(err)
		}
		walkBenchVisit(b, other, school, rooms)
		if _, err := hubsync.Push(ctx, other, admin, nil); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 = time.Now()
		d = open()
		visit = append(visit, time.Since(t0))
		if !strings.HasPrefix(d.hubLine.Text, "The district as the hub has it: brought 1") {
			b.Fatalf("after another device's visit the hub line reads %q", d.hubLine.Text)
		}
	}
	b.StopTimer()
	ms := func(d []time.Duration, unit string) float64 {
		m := median(d)
		b.ReportMetric(float64(m.Microseconds())/1000, unit)
		return float64(m)
	}
	l := ms(local, "local-ms")
	b.ReportMetric(ms(pull, "pull-ms")/l, "x-local-pull")
	b.ReportMetric(ms(noStats, "pull-nostats-ms")/l, "x-local-pull-nostats")
	b.ReportMetric(ms(synced, "synced-ms")/l, "x-local")
	b.ReportMetric(ms(visit, "visit-ms")/l, "x-local-visit")
}

// benchDistrictCopy opens a copy of the district benchmark database, so
// what the benchmark pulls into it leaves the shared one as it was.
func benchDistrictCopy(b *testing.B) *sqlite.Store {
	b.Helper()
	src, err := benchdb.Path(benchdb.District)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "district.db")
	for _, suffix := range []string{"", "-wal"} {
		if err := copyBenchFile(src+suffix, path+suffix); err != nil && !(suffix != "" && os.IsNotExist(err)) {
			b.Fatal(err)
		}
	}
	s, err := sqlite.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func copyBenchFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// benchOtherDevice is a second device holding one of the district's schools,
// its rooms and the checklist (brought from s as a bundle would), and the
// school's id and first 40 rooms, for it to walk new visits of.
func benchOtherDevice(b *testing.B, s *sqlite.Store) (*sqlite.Store, string, []string) {
	b.Helper()
	ctx := context.Background()
	all, err := s.ExportChangeSet(ctx, audit.ExportScope{All: true})
	if err != nil {
		b.Fatal(err)
	}
	school := all.Schools[0].ID
	all = nil
	cs, err := s.ExportChangeSet(ctx, audit.ExportScope{SchoolID: school})
	if err != nil {
		b.Fatal(err)
	}
	other, err := sqlite.Open(filepath.Join(b.TempDir(), "other.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { other.Close() })
	if _, err := other.ApplyChangeSet(ctx, cs, audit.Origin{BundleID: "bench", Device: s.Device()}, false); err != nil {
		b.Fatal(err)
	}
	var rooms []string
	for _, r := range cs.Rooms {
		if r.SchoolID == school && len(rooms) < 40 {
			rooms = append(rooms, r.ID)
		}
	}
	return other, school, rooms
}

// walkBenchVisit walks a finished visit of school on the benchmark
// checklist: every item in each room answered, a photo in every tenth.
func walkBenchVisit(b *testing.B, s *sqlite.Store, school string, rooms []string) {
	b.Helper()
	ctx := context.Background()
	v := audit.Visit{SchoolID: school, TemplateID: benchdb.TemplateID, TemplateVersion: "1", Auditor: "Bench",
		StartedAt: s.Now().Add(-time.Hour)}
	if err := s.StartVisit(ctx, &v); err != nil {
		b.Fatal(err)
	}
	tmpl, err := s.Template(ctx, benchdb.TemplateID, "1")
	if err != nil {
		b.Fatal(err)
	}
	for i, room := range rooms {
		for j, it := range tmpl.Sections[0].Items {
			value := audit.CheckOK
			if (i+j)%5 == 0 {
				value = "missing"
			}
			if err := s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: room, ItemID: it.ID, Value: value}); err != nil {
				b.Fatal(err)
			}
		}
		if i%10 == 0 {
			if _, err := s.AddPhoto(ctx, audit.PhotoInput{VisitID: v.ID, RoomID: room, Name: "room.jpg", Data: benchJPEG(b, i)}); err != nil {
				b.Fatal(err)
			}
		}
	}
	if _, err := s.FinishVisit(ctx, v.ID); err != nil {
		b.Fatal(err)
	}
}

// benchJPEG is a small JPEG, different for each n.
func benchJPEG(b *testing.B, n int) []byte {
	b.Helper()
	img := image.NewGray(image.Rect(0, 0, 320, 240))
	for i := range img.Pix {
		img.Pix[i] = uint8(i*7 + n*31)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}
