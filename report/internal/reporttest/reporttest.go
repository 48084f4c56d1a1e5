// Package reporttest holds what the tests of the report packages share: a
// store with a fixed clock, the sample district built with fixed ids, a
// small school with tricky names and notes, golden files and the
// district-sized benchmark database.
package reporttest

import (
	"bytes"
	"context"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"techwalk/audit/benchdb"
	"techwalk/audit/sqlite"
)

// update rewrites the golden files from the current code.
var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden from the current output")

// Clock ticks a millisecond per call from a fixed time, so stored times
// are the same on every run.
func Clock() func() time.Time {
	t := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		t = t.Add(time.Millisecond)
		return t
	}
}

// OpenStore opens the store at path with Clock, closed when the test ends.
func OpenStore(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(path, sqlite.WithClock(Clock()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Demo builds the sample district with Clock and fixed ids (uuid's random
// source seeded until the test ends), so the same code always gives the
// same database. The test must not run in parallel with others.
func Demo(t *testing.T) *sqlite.Store {
	t.Helper()
	uuid.SetRand(rand.NewChaCha8([32]byte{'t', 'e', 'c', 'h', 'w', 'a', 'l', 'k'}))
	t.Cleanup(func() { uuid.SetRand(nil) })
	s := OpenStore(t, filepath.Join(t.TempDir(), "techwalk.db"))
	if _, err := s.CreateDemo(context.Background(), 2026); err != nil {
		t.Fatal(err)
	}
	return s
}

// CheckGolden compares got with testdata/golden/name, or rewrites the
// file when the tests run with -update.
func CheckGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		NoErr(t, os.MkdirAll(filepath.Dir(path), 0o755))
		NoErr(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run %s -update writes it)", err, t.Name())
	}
	if bytes.Equal(got, want) {
		return
	}
	i := 0
	for i < min(len(got), len(want)) && got[i] == want[i] {
		i++
	}
	t.Errorf("%s: the %d bytes differ from the golden %d bytes from byte %d on:\ngot  %q\nwant %q",
		name, len(got), len(want), i, got[i:min(i+120, len(got))], want[i:min(i+120, len(want))])
}

// TeachersWord names a golden file's teacher handling.
func TeachersWord(anonymise bool) string {
	if anonymise {
		return "anonymised"
	}
	return "named"
}

// NoErr fails the test on an error.
func NoErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// OpenDistrict opens the cached district-sized database (building it on
// first use) and returns the store and the file's path.
func OpenDistrict(b *testing.B) (*sqlite.Store, string) {
	s, path, err := benchdb.Open(benchdb.District)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s, path
}

// Median is the middle of the durations.
func Median(d []time.Duration) time.Duration {
	return slices.Sorted(slices.Values(d))[len(d)/2]
}
