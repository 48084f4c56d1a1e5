package backlog

import (
	"bytes"
	"context"
	"io"
	"os/exec"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/report/internal/reporttest"
)

// findingsSQL selects the same joined rows Findings reads, restricted in
// SQL to failing check answers, in a fixed order, for the sqlite3 baseline.
const findingsSQL = `SELECT a.id, a.visit_id, v.started_at, v.template_id, v.template_version, v.school_id, sc.name, sc.code,
	a.room_id, r.number, r.name, r.kind, r.teacher, a.item_id, a.value, a.note, a.created_at, a.updated_at,
	COALESCE(p.n, 0), COALESCE(ac.owner_team, ''), COALESCE(ac.priority, ''), COALESCE(ac.due_date, ''),
	COALESCE(ac.status, 'open'), COALESCE(ac.ticket_key, '')
FROM answers a
JOIN visits v ON v.id = a.visit_id AND v.deleted = 0
JOIN schools sc ON sc.id = v.school_id AND sc.deleted = 0
JOIN rooms r ON r.id = a.room_id AND r.deleted = 0
LEFT JOIN actions ac ON ac.finding_id = a.id
LEFT JOIN (SELECT visit_id, room_id, item_id, count(*) AS n FROM photos WHERE deleted = 0 GROUP BY 1, 2, 3) p
	ON p.visit_id = a.visit_id AND p.room_id = a.room_id AND p.item_id = a.item_id
WHERE a.deleted = 0 AND a.value IN ('missing', 'broken')
ORDER BY sc.name, r.number, a.item_id, a.id`

// BenchmarkExportDistrict exports the backlog of a district-sized database
// to plain CSV (one row per fault: its newest sighting, chained across
// visits) and, in the same loop, has the sqlite3 command-line tool write
// every failing answer (every sighting) joined the same way as CSV. It
// reports both medians, both row counts and their ratio "x-sqlite3".
func BenchmarkExportDistrict(b *testing.B) {
	sqlite3, err := exec.LookPath("sqlite3")
	if err != nil {
		b.Skip("sqlite3 is not installed")
	}
	s, path := reporttest.OpenDistrict(b)
	ctx := context.Background()
	var ours, theirs []time.Duration
	var rows, sightings int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		cw := &countingWriter{}
		if err := Export(ctx, s, Options{Format: FormatCSV, Anonymise: true}, cw); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		cmd := exec.Command(sqlite3, "-readonly", "-csv", path, findingsSQL)
		var stderr bytes.Buffer
		baseline := &countingWriter{}
		cmd.Stdout, cmd.Stderr = baseline, &stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("sqlite3: %v: %s", err, stderr.String())
		}
		ours, theirs = append(ours, t1.Sub(t0)), append(theirs, time.Since(t1))
		rows, sightings = cw.lines-1, baseline.lines
	}
	b.StopTimer()
	mo, mt := reporttest.Median(ours), reporttest.Median(theirs)
	b.ReportMetric(float64(rows), "findings")
	b.ReportMetric(float64(sightings), "sqlite3-rows")
	b.ReportMetric(float64(mo.Milliseconds()), "export-ms")
	b.ReportMetric(float64(mt.Milliseconds()), "sqlite3-ms")
	b.ReportMetric(float64(mo)/float64(mt), "x-sqlite3")
}

// countingWriter discards what it is given and counts the newlines.
type countingWriter struct{ lines int }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.lines += bytes.Count(p, []byte{'\n'})
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)

// BenchmarkSortFindings orders every finding of a district-sized database
// as an export does.
func BenchmarkSortFindings(b *testing.B) {
	s, _ := reporttest.OpenDistrict(b)
	chunks, err := s.FindingChunks(context.Background(), audit.FindingFilter{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		sortFindings(chunks)
	}
	b.ReportMetric(float64(countFindings(chunks)), "findings")
}

// BenchmarkWriteCSV writes the CSV of every current finding of a
// district-sized database, the findings gathered once: the plain CSV (one
// row per finding, formatted on every core) and Jira's.
func BenchmarkWriteCSV(b *testing.B) {
	s, _ := reporttest.OpenDistrict(b)
	for _, format := range []Format{FormatCSV, FormatJira} {
		items, ex, err := prepare(context.Background(), s, Options{Format: format, Anonymise: true})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(string(format), func(b *testing.B) {
			for b.Loop() {
				if err := ex.write(io.Discard, items); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(items)), "items")
		})
	}
}
