package main

import (
	"context"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// TestExportSinceIsLocalMidnight: --since names a day of the user's own
// zone, as the app's "Found since" field does, not midnight UTC.
func TestExportSinceIsLocalMidnight(t *testing.T) {
	saved := time.Local
	time.Local = time.FixedZone("UTC+13", 13*3600)
	t.Cleanup(func() { time.Local = saved })
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "tw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	parse := func(args ...string) (audit.FindingFilter, error) {
		fs := flag.NewFlagSet("export", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		f := newExportFlags(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return f.filter(context.Background(), store)
	}
	got, err := parse("--since", "2026-09-01", "--status", "In Backlog")
	if err != nil {
		t.Fatal(err)
	}
	want, err := audit.ParseFindingFilter("", "in backlog", "2026-09-01", time.Local)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Since.Equal(time.Date(2026, 9, 1, 0, 0, 0, 0, time.Local)) || !got.Since.Equal(want.Since) || got.Status != want.Status {
		t.Errorf("--since 2026-09-01 --status 'In Backlog' = %v %q, want local midnight %v and %q", got.Since, got.Status, want.Since, want.Status)
	}
	for _, tc := range []struct{ flag, value string }{{"--since", "1 Sept"}, {"--status", "closed"}, {"--severity", "urgent"}} {
		if _, err := parse(tc.flag, tc.value); err == nil || !strings.HasPrefix(err.Error(), tc.flag+": ") || !strings.Contains(err.Error(), tc.value) {
			t.Errorf("%s %q: error %v, want one naming the flag and the value", tc.flag, tc.value, err)
		}
	}
}
