package postgres

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/benchdb"
	"techwalk/audit/postgres/pgtest"
	"techwalk/audit/sqlite"
)

// emptyHub is a new hub database with the schema, device registered.
func emptyHub(b *testing.B, device string) (*Hub, string) {
	b.Helper()
	_, url := pgtest.Database(b)
	h, err := Open(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(h.Close)
	if _, _, err := h.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	if err := h.RegisterDevice(context.Background(), device); err != nil {
		b.Fatal(err)
	}
	return h, url
}

// writeCSV writes each part's rows, as Push sends them, to a CSV file per
// table in dir and returns the psql \copy commands that load them.
func writeCSV(b *testing.B, dir string, cs *audit.ChangeSet, device string) []string {
	b.Helper()
	var cmds []string
	for _, p := range syncParts {
		rows := p.rows(cs, device)
		if len(rows) == 0 {
			continue
		}
		file := filepath.Join(dir, p.table+".csv")
		f, err := os.Create(file)
		if err != nil {
			b.Fatal(err)
		}
		if err := csvRows(f, rows); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		cmds = append(cmds, fmt.Sprintf(`\copy techwalk.%s(%s) FROM '%s' WITH (FORMAT csv, NULL '\N')`, p.table, strings.Join(p.columns, ", "), file))
	}
	return cmds
}

func csvRows(w io.Writer, rows [][]any) error {
	cw := csv.NewWriter(w)
	rec := make([]string, 0, 20)
	for _, r := range rows {
		rec = rec[:0]
		for _, v := range r {
			rec = append(rec, csvValue(v))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvValue(v any) string {
	switch x := v.(type) {
	case nil:
		return `\N`
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case []byte:
		if x == nil {
			return `\N`
		}
		return `\x` + hex.EncodeToString(x)
	}
	return fmt.Sprint(v)
}

// psqlCopy loads the CSV files into the hub at url with psql's \copy, in
// one transaction, as a database administrator would.
func psqlCopy(url string, cmds []string) error {
	args := []string{"-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-d", url}
	for _, c := range cmds {
		args = append(args, "-c", c)
	}
	out, err := exec.Command("psql", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("psql: %v: %s", err, out)
	}
	return nil
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// BenchmarkHubPushDistrict pushes the whole district benchmark database
// (600 visits) to an empty hub: reading this device's changes from SQLite
// and Push (COPY into staging tables, merge, one transaction). The
// baseline, in the same run, is psql's \copy of the same rows from CSV
// files into another empty hub's tables. x-psql-copy is their ratio.
func BenchmarkHubPushDistrict(b *testing.B) {
	if _, err := exec.LookPath("psql"); err != nil {
		b.Skip("psql is not installed")
	}
	ctx := context.Background()
	s, _, err := benchdb.Open(benchdb.District)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	dev := s.Device()
	scope := audit.ExportScope{All: true, OwnDevice: dev}
	cs, err := s.ExportChangeSet(ctx, scope)
	if err != nil {
		b.Fatal(err)
	}
	cmds := writeCSV(b, b.TempDir(), cs, dev)
	rows := 0
	for _, p := range syncParts {
		rows += len(p.rows(cs, dev))
	}
	cs = nil
	var tPush, tCopy, tSend []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		h, _ := emptyHub(b, dev)
		_, baseURL := emptyHub(b, dev)
		b.StartTimer()
		t0 := time.Now()
		if err := psqlCopy(baseURL, cmds); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		out, err := s.ExportChangeSet(ctx, scope)
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		rep, err := h.Push(ctx, dev, audit.HLC{}, out, nil)
		if err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		if rep.Changed() != rows {
			b.Fatalf("the hub took %d of %d rows", rep.Changed(), rows)
		}
		tCopy, tPush, tSend = append(tCopy, t1.Sub(t0)), append(tPush, t3.Sub(t1)), append(tSend, t3.Sub(t2))
	}
	b.StopTimer()
	mp, mc, ms := median(tPush), median(tCopy), median(tSend)
	b.ReportMetric(float64(rows), "rows")
	b.ReportMetric(float64(mp.Milliseconds()), "push-ms")
	b.ReportMetric(float64(ms.Milliseconds()), "send-ms")
	b.ReportMetric(float64(mc.Milliseconds()), "psql-copy-ms")
	b.ReportMetric(float64(mp)/float64(mc), "x-psql-copy")
	b.ReportMetric(float64(ms)/float64(mc), "x-psql-copy-send")
}

// BenchmarkHubPushVisit pushes one new 40-room visit (40 items a room, a
// photo in four rooms) to a hub holding the whole district: reading this
// device's changes since its cursor and Push. The baseline is psql's
// \copy of the same rows from CSV files into a hub holding the district.
func BenchmarkHubPushVisit(b *testing.B) {
	if _, err := exec.LookPath("psql"); err != nil {
		b.Skip("psql is not installed")
	}
	ctx := context.Background()
	src, err := benchdb.Path(benchdb.District)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "district.db")
	if err := copyFile(src, path); err != nil {
		b.Fatal(err)
	}
	s, err := sqlite.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	dev := s.Device()
	h, _ := emptyHub(b, dev)
	base, baseURL := emptyHub(b, dev)
	all, err := s.ExportChangeSet(ctx, audit.ExportScope{All: true, OwnDevice: dev})
	if err != nil {
		b.Fatal(err)
	}
	for _, hub := range []*Hub{h, base} {
		if _, err := hub.Push(ctx, dev, audit.HLC{}, all, nil); err != nil {
			b.Fatal(err)
		}
	}
	cursor := all.NewestOf(dev)
	school, rooms := all.Schools[0].ID, []string{}
	for _, r := range all.Rooms {
		if r.SchoolID == school {
			rooms = append(rooms, r.ID)
		}
	}
	all = nil
	var tPush, tCopy, tSend []time.Duration
	rows := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		walkVisit(b, s, school, rooms[:40])
		cs, err := s.ExportChangeSet(ctx, audit.ExportScope{All: true, OwnDevice: dev, After: cursor})
		if err != nil {
			b.Fatal(err)
		}
		cmds := writeCSV(b, b.TempDir(), cs, dev)
		b.StartTimer()
		t0 := time.Now()
		if err := psqlCopy(baseURL, cmds); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		out, err := s.ExportChangeSet(ctx, audit.ExportScope{All: true, OwnDevice: dev, After: cursor})
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		rep, err := h.Push(ctx, dev, cursor, out, nil)
		if err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		rows = rep.Changed()
		cursor = out.NewestOf(dev)
		tCopy, tPush, tSend = append(tCopy, t1.Sub(t0)), append(tPush, t3.Sub(t1)), append(tSend, t3.Sub(t2))
	}
	b.StopTimer()
	mp, mc, ms := median(tPush), median(tCopy), median(tSend)
	b.ReportMetric(float64(rows), "rows")
	b.ReportMetric(float64(mp.Milliseconds()), "push-ms")
	b.ReportMetric(float64(ms.Milliseconds()), "send-ms")
	b.ReportMetric(float64(mc.Milliseconds()), "psql-copy-ms")
	b.ReportMetric(float64(mp)/float64(mc), "x-psql-copy")
}

// walkVisit starts a visit of school on the benchmark checklist and
// answers every item in each room, with a photo in four of them.
func walkVisit(b *testing.B, s *sqlite.Store, school string, rooms []string) {
	b.Helper()
	ctx := context.Background()
	v := audit.Visit{SchoolID: school, TemplateID: benchdb.TemplateID, TemplateVersion: "1", Auditor: "Bench",
		StartedAt: time.Now().Add(-time.Hour)}
	if err := s.StartVisit(ctx, &v); err != nil {
		b.Fatal(err)
	}
	tmpl, err := s.Template(ctx, benchdb.TemplateID, "1")
	if err != nil {
		b.Fatal(err)
	}
	for i, room := range rooms {
		for j, it := range tmpl.Sections[0].Items {
			value := "ok"
			if (i+j)%5 == 0 {
				value = "missing"
			}
			if err := s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: room, ItemID: it.ID, Value: value}); err != nil {
				b.Fatal(err)
			}
		}
		if i%10 == 0 {
			if _, err := s.AddPhoto(ctx, audit.PhotoInput{VisitID: v.ID, RoomID: room, Name: "room.jpg", Data: benchPhoto(i)}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// copyFile copies a database file and its write-ahead log, if any.
func copyFile(from, to string) error {
	for _, suffix := range []string{"", "-wal"} {
		data, err := os.ReadFile(from + suffix)
		if suffix != "" && os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return err
		}
		if err := os.WriteFile(to+suffix, data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// benchPhoto is a small JPEG, different for each n.
func benchPhoto(n int) []byte {
	img := image.NewGray(image.Rect(0, 0, 320, 240))
	for i := range img.Pix {
		img.Pix[i] = uint8(i*7 + n*31)
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, nil)
	return buf.Bytes()
}
