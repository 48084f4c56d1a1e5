package report

import (
	"bytes"
	"context"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/uuid"

	"techwalk/audit"
)

// update rewrites the golden files from the current code.
var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from the current output")

// deterministicDemo builds the sample district with a fixed clock and
// fixed ids (uuid's random source seeded for the test), so the same code
// always gives the same database and so the same export bytes.
func deterministicDemo(t *testing.T) *audit.Store {
	t.Helper()
	uuid.SetRand(rand.NewChaCha8([32]byte{'t', 'e', 'c', 'h', 'w', 'a', 'l', 'k'}))
	t.Cleanup(func() { uuid.SetRand(nil) })
	s := openExportStore(t, filepath.Join(t.TempDir(), "techwalk.db"))
	if _, err := s.CreateDemo(context.Background(), 2026); err != nil {
		t.Fatal(err)
	}
	return s
}

// checkGolden compares got with testdata/golden/name, or rewrites the file
// with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		noErr(t, os.MkdirAll(filepath.Dir(path), 0o755))
		noErr(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run %s -update writes it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < min(len(got), len(want)) && got[i] == want[i] {
			i++
		}
		t.Errorf("%s: %d bytes differ from the golden %d bytes from byte %d on:\ngot  %q\nwant %q",
			name, len(got), len(want), i, got[i:min(i+120, len(got))], want[i:min(i+120, len(want))])
	}
}

// TestExportGolden pins every export format, single and grouped, with
// teachers anonymised and named, byte for byte on the sample district.
func TestExportGolden(t *testing.T) {
	s := deterministicDemo(t)
	ctx := context.Background()
	names, err := s.TeacherNames(ctx)
	noErr(t, err)
	for _, anonymise := range []bool{true, false} {
		noErr(t, s.SetSetting(ctx, audit.SettingAnonymise, strconv.FormatBool(anonymise)))
		for _, info := range Formats {
			for _, grouped := range []bool{false, true} {
				opt := ExportOptions{Format: info.Format, Grouped: grouped, All: true, TeacherNames: names, AzureAreaPath: `TechWalk\Sites`}
				name := string(info.Format) + goldenSuffix(grouped, anonymise) + info.Extension
				checkGolden(t, name, export(t, s, opt))
			}
		}
	}
	opt := ExportOptions{Format: FormatJira, BOM: true, TeacherNames: names}
	checkGolden(t, "jira-open-bom.csv", export(t, s, opt))
}

func goldenSuffix(grouped, anonymise bool) string {
	if grouped {
		return "-grouped-" + teachersWord(anonymise)
	}
	return "-single-" + teachersWord(anonymise)
}

// teachersWord names a golden file's teacher handling.
func teachersWord(anonymise bool) string {
	if anonymise {
		return "anonymised"
	}
	return "named"
}
