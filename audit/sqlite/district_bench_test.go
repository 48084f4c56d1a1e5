package sqlite_test

import (
	"context"
	"database/sql"
	"sort"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/benchdb"
	"techwalk/audit/sqlite"
)

// openDistrict opens the cached district-sized database (building it the
// first time) with the store and with a bare read-only connection.
func openDistrict(b *testing.B) (*sqlite.Store, *sql.DB) {
	b.Helper()
	s, path, err := benchdb.Open(benchdb.District)
	if err != nil {
		b.Fatal(err)
	}
	bare, err := sql.Open("sqlite", path+"?_pragma=query_only(1)")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(); bare.Close() })
	return s, bare
}

// compare runs work and its bare-SQL baseline alternately b.N times and
// reports both medians in ms and their ratio as "x-bare-sql".
func compare(b *testing.B, work, baseline func() error) {
	b.Helper()
	var tw, tb []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := baseline(); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := work(); err != nil {
			b.Fatal(err)
		}
		tb, tw = append(tb, t1.Sub(t0)), append(tw, time.Since(t1))
	}
	b.StopTimer()
	mw, mb := medianOf(tw), medianOf(tb)
	b.ReportMetric(float64(mw.Microseconds())/1000, "ms")
	b.ReportMetric(float64(mb.Microseconds())/1000, "bare-ms")
	b.ReportMetric(float64(mw)/float64(mb), "x-bare-sql")
}

func medianOf(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// scanAll reads every row of a query into throwaway strings.
func scanAll(db *sql.DB, q string, args ...any) error {
	rows, err := db.Query(q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	for i := range vals {
		vals[i] = new(sql.RawBytes)
	}
	for rows.Next() {
		if err := rows.Scan(vals...); err != nil {
			return err
		}
	}
	return rows.Err()
}

// BenchmarkDistrictHome loads what the home screen shows on a district-sized
// database (200 schools x 3 visits x 40 rooms x 40 items), as Home reads it:
// the schools, their visits, room counts and the visits' score headlines
// from the stored summaries (goal < 100 ms). Baseline: bare SQL reading the
// schools and their latest finished visits' answers, which is what scoring
// those visits from their answers would read.
func BenchmarkDistrictHome(b *testing.B) {
	s, bare := openDistrict(b)
	ctx := context.Background()
	compare(b, func() error {
		if _, err := s.Schools(ctx); err != nil {
			return err
		}
		if _, err := s.Visits(ctx, sqlite.VisitFilter{}); err != nil {
			return err
		}
		if _, err := s.RoomCounts(ctx); err != nil {
			return err
		}
		heads, err := s.ScoreHeadlines(ctx)
		if len(heads) == 0 {
			b.Fatal("no scores")
		}
		return err
	}, func() error {
		return scanAll(bare, `SELECT s.*, a.* FROM schools s JOIN visits v ON v.id = (SELECT id FROM visits WHERE school_id = s.id
			AND finished_at != '' ORDER BY started_at DESC LIMIT 1) JOIN answers a ON a.visit_id = v.id`)
	})
}

// BenchmarkDistrictFindingsVisit loads the findings of one visit; baseline:
// bare SQL reading that visit's answers.
func BenchmarkDistrictFindingsVisit(b *testing.B) {
	s, bare := openDistrict(b)
	ctx := context.Background()
	visits, err := s.Visits(ctx, sqlite.VisitFilter{})
	if err != nil {
		b.Fatal(err)
	}
	id := visits[len(visits)/2].ID
	compare(b, func() error {
		_, err := s.Findings(ctx, audit.FindingFilter{VisitID: id})
		return err
	}, func() error {
		return scanAll(bare, "SELECT * FROM answers WHERE visit_id = ? AND value != 'ok'", id)
	})
}

// BenchmarkDistrictFindingsAll loads every finding in the district;
// baseline: bare SQL reading every failing answer.
func BenchmarkDistrictFindingsAll(b *testing.B) {
	s, bare := openDistrict(b)
	ctx := context.Background()
	compare(b, func() error {
		fs, err := s.Findings(ctx, audit.FindingFilter{})
		b.ReportMetric(float64(len(fs)), "findings")
		return err
	}, func() error {
		return scanAll(bare, "SELECT * FROM answers WHERE value != 'ok'")
	})
}
