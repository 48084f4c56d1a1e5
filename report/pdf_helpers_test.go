package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"techwalk/audit/sqlite"
)

// fixedNow is the report date of every test report.
var fixedNow = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// fixedClock starts at a fixed time and ticks a millisecond per call.
func fixedClock() func() time.Time {
	t := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		t = t.Add(time.Millisecond)
		return t
	}
}

func openStore(t testing.TB) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "techwalk.db"), sqlite.WithClock(fixedClock()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// demoStore makes the sample district and returns the latest visit of Lincoln ES.
func demoStore(t testing.TB) (*sqlite.Store, string) {
	t.Helper()
	s := openStore(t)
	ctx := context.Background()
	if _, err := s.CreateDemo(ctx, 2026); err != nil {
		t.Fatal(err)
	}
	sc, err := s.FindSchool(ctx, "Lincoln Elementary School")
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.LatestVisit(ctx, sc.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	return s, v.ID
}

// needTools skips the test when the PDF checking tools are not installed.
func needTools(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (apt-get install poppler-utils qpdf); skipping the PDF read-back check", tool)
		}
	}
}

// writeReport renders a visit to a file in a temp dir and returns its path.
func writeReport(t testing.TB, s *sqlite.Store, visitID string, opt Options) string {
	t.Helper()
	if opt.Now.IsZero() {
		opt.Now = fixedNow
	}
	var buf bytes.Buffer
	if err := WritePDF(context.Background(), &buf, s, visitID, opt); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// run runs a tool and returns its standard output.
func runTool(t testing.TB, name string, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String()
}

// pdfText extracts the report's text in reading order.
func pdfText(t testing.TB, path string) string {
	t.Helper()
	return runTool(t, "pdftotext", "-enc", "UTF-8", path, "-")
}
