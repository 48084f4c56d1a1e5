package report

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// flat collapses runs of white space, so text wrapped across lines compares.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// pageCount reads the page count with pdfinfo.
func pageCount(t testing.TB, path string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(runTool(t, "pdfinfo", path))
	if m == nil {
		t.Fatal("pdfinfo printed no page count")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// checkFile runs qpdf --check and requires every font to be embedded.
func checkFile(t testing.TB, path string) string {
	t.Helper()
	runTool(t, "qpdf", "--check", path)
	fonts := runTool(t, "pdffonts", path)
	lines := strings.Split(strings.TrimSpace(fonts), "\n")
	if len(lines) < 3 {
		t.Fatalf("pdffonts lists no fonts:\n%s", fonts)
	}
	for _, l := range lines[2:] {
		if f := strings.Fields(l); len(f) < 5 || f[len(f)-5] != "yes" {
			t.Errorf("font not embedded: %s", l)
		}
	}
	return fonts
}

func TestDemoReportNamesTeachersWhenAnonymiseIsOff(t *testing.T) {
	needTools(t, "pdftotext", "pdfinfo", "pdffonts", "qpdf")
	s, visitID := demoStore(t)
	must(t, s.SetSetting(context.Background(), sqlite.SettingAnonymise, "false"))
	opt, err := OptionsFromStore(context.Background(), s)
	must(t, err)
	if opt.Anonymise {
		t.Fatal("OptionsFromStore: anonymise is on although the setting is \"false\"")
	}
	var warnings []string
	opt.Warn = func(m string) { warnings = append(warnings, m) }
	path := writeReport(t, s, visitID, opt)
	text := flat(pdfText(t, path))
	data, err := s.LoadVisit(context.Background(), visitID)
	must(t, err)
	want := []string{"Lincoln Elementary School", "Springfield Unified School District", fmt.Sprintf("Experience score %.0f ", data.Score.Score), "/ 100",
		audit.Verdict(data.Score.Score), "Nguyễn Thị Hoa", "王芳 (Wang Fang)", "José Muñoz", "Page 1 of", "Action plan", "Method"}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("report text lacks %q", w)
		}
	}
	rd, err := loadReportData(context.Background(), s, visitID, opt.withDefaults())
	must(t, err)
	if len(rd.quotes()) < 3 {
		t.Fatalf("demo visit yields %d quotes; want at least 3", len(rd.quotes()))
	}
	for _, q := range rd.quotes() {
		if !strings.Contains(text, flat(q.text)) || !strings.Contains(text, q.who) {
			t.Errorf("report text lacks the quote %q by %q", q.text, q.who)
		}
	}
	fonts := checkFile(t, path)
	if !strings.Contains(strings.ToLower(fonts), "fallback") {
		t.Errorf("no fallback font embedded for 王芳; warnings %v; fonts:\n%s", warnings, fonts)
	}
	if strings.ContainsRune(text, placeholder) {
		t.Errorf("placeholder printed although a fallback font exists; warnings %v", warnings)
	}
}

func TestDemoReportAnonymisedByDefault(t *testing.T) {
	needTools(t, "pdftotext", "pdfinfo")
	s, visitID := demoStore(t)
	opt, err := OptionsFromStore(context.Background(), s)
	must(t, err)
	if !opt.Anonymise {
		t.Fatal("OptionsFromStore: anonymise is off by default")
	}
	path := writeReport(t, s, visitID, opt)
	text := flat(pdfText(t, path))
	for _, name := range []string{"Nguyễn", "Thị Hoa", "Muñoz", "José", "O'Connor", "Bello", "王芳", "Wang Fang", "Petrov", "Sam Carter"} {
		if strings.Contains(text, name) {
			t.Errorf("anonymised report names a teacher: %q", name)
		}
	}
	if !strings.Contains(text, "Teacher, room 1") {
		t.Error("anonymised report has no \"Teacher, room ...\" attribution")
	}
	info := runTool(t, "pdfinfo", path)
	for _, personal := range []string{"Jordan", "Reyes", "Priya", "Nguyễn"} {
		if strings.Contains(info, personal) {
			t.Errorf("PDF metadata carries a name: %q in\n%s", personal, info)
		}
	}
	if !regexp.MustCompile(`(?m)^Creator:\s+TechWalk$`).MatchString(info) {
		t.Errorf("PDF creator is not TechWalk:\n%s", info)
	}
}

func TestPageCountFollowsContent(t *testing.T) {
	needTools(t, "pdfinfo", "qpdf", "pdffonts")
	// The cover stands alone; teachers and the scorecard share a page, then
	// issues with rooms, the action plan and the method flow on; photos
	// come three rows of two to a page.
	for _, tc := range []struct{ photos, pages int }{{0, 4}, {4, 5}, {5, 5}, {12, 6}} {
		s := openStore(t)
		id := fixture{rooms: 3, photos: tc.photos, teacher: "Ana Souza", quote: "Fine."}.build(t, s)
		path := writeReport(t, s, id, Options{FallbackFonts: []string{}})
		checkFile(t, path)
		if got := pageCount(t, path); got != tc.pages {
			t.Errorf("%d photos: %d pages; want %d", tc.photos, got, tc.pages)
		}
	}
}

func TestRoomTableSpansPagesWithoutLosingRows(t *testing.T) {
	needTools(t, "pdftotext", "pdfinfo", "qpdf", "pdffonts")
	s := openStore(t)
	id := fixture{rooms: 80, longNote: true}.build(t, s)
	path := writeReport(t, s, id, Options{FallbackFonts: []string{}})
	checkFile(t, path)
	text := pdfText(t, path)
	for i := 1; i <= 80; i++ {
		label := fmt.Sprintf("R%03d", i)
		if !strings.Contains(text, label) {
			t.Errorf("room %s is missing from the report", label)
		}
	}
	if n := strings.Count(text, "What failed"); n < 4 {
		t.Errorf("room table header printed %d times; want it repeated on each of its pages", n)
	}
	if n := strings.Count(flat(text), "-79 dBm / 180 ms / 4.2 Mbps"); n != 80 {
		t.Errorf("Wi-Fi figures printed for %d rooms; want 80", n)
	}
	if pages := pageCount(t, path); pages < 12 {
		t.Errorf("80 rooms with every item failing fit in %d pages; the table cannot have split", pages)
	}
}

func TestLetterPaper(t *testing.T) {
	needTools(t, "pdfinfo")
	s := openStore(t)
	id := fixture{rooms: 2}.build(t, s)
	path := writeReport(t, s, id, Options{Paper: "letter", FallbackFonts: []string{}})
	if info := runTool(t, "pdfinfo", path); !strings.Contains(info, "612 x 792 pts (letter)") {
		t.Errorf("letter report is not US Letter:\n%s", info)
	}
	var buf bytes.Buffer
	err := WritePDF(context.Background(), &buf, s, id, Options{Paper: "a3"})
	if err == nil || !strings.Contains(err.Error(), `"a3"`) {
		t.Errorf("paper a3: error %v; want one naming the paper", err)
	}
}

func TestMissingGlyphsBecomeVisiblePlaceholders(t *testing.T) {
	needTools(t, "pdftotext", "pdffonts")
	s := openStore(t)
	id := fixture{rooms: 2, teacher: "王芳", quote: "投影仪经常没有信号"}.build(t, s)
	var warnings []string
	opt := Options{FallbackFonts: []string{"/nonexistent/font.ttf"}, Warn: func(m string) { warnings = append(warnings, m) }}
	path := writeReport(t, s, id, opt)
	text := pdfText(t, path)
	if strings.Contains(text, "投") {
		t.Error("Chinese printed although no font has it")
	}
	if !strings.ContainsRune(text, placeholder) {
		t.Error("no placeholder printed for the missing characters")
	}
	if len(warnings) == 0 || !strings.Contains(strings.Join(warnings, "\n"), "U+6295") {
		t.Errorf("warnings %q do not name the missing character U+6295", warnings)
	}
	if fonts := runTool(t, "pdffonts", path); strings.Contains(strings.ToLower(fonts), "fallback") {
		t.Errorf("a fallback font was embedded although none exists:\n%s", fonts)
	}
}

// TestFixedDateMakesIdenticalFiles checks two reports of the same visit with
// the same date hold the same objects. gofpdf orders same-width images as it
// finds them in a map, so the comparison is of qpdf's normalised form, which
// numbers objects by where they are used.
func TestFixedDateMakesIdenticalFiles(t *testing.T) {
	needTools(t, "qpdf")
	s := openStore(t)
	id := fixture{rooms: 4, photos: 2, previous: true, teacher: "Nguyễn Thị Hoa", quote: "Chúng tôi cần micro."}.build(t, s)
	opt := Options{Now: fixedNow, FallbackFonts: []string{}}
	a := normalisedPDF(t, writeReport(t, s, id, opt))
	for i := 0; i < 4; i++ {
		if b := normalisedPDF(t, writeReport(t, s, id, opt)); a != b {
			t.Fatal("two reports of the same visit with the same date differ")
		}
	}
	raw, err := os.ReadFile(writeReport(t, s, id, opt))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte("D:20261102090000")) {
		t.Error("the fixed creation date is not in the PDF")
	}
}

// normalisedPDF rewrites a PDF with qpdf in object-number order of use and
// drops the lines that record the original numbering and the file id.
func normalisedPDF(t *testing.T, path string) string {
	t.Helper()
	out := path + ".qdf"
	runTool(t, "qpdf", "--qdf", "--object-streams=disable", "--deterministic-id", path, out)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var keep []string
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "%% Original object ID") || strings.HasPrefix(strings.TrimSpace(line), "/ID [") {
			continue
		}
		keep = append(keep, line)
	}
	return strings.Join(keep, "\n")
}

func TestProgressAndCancel(t *testing.T) {
	s := openStore(t)
	id := fixture{rooms: 5, photos: 6}.build(t, s)
	var calls [][2]int
	opt := Options{FallbackFonts: []string{}, Progress: func(done, total int) { calls = append(calls, [2]int{done, total}) }}
	must(t, WritePDF(context.Background(), &bytes.Buffer{}, s, id, opt))
	if len(calls) == 0 || calls[len(calls)-1][0] != calls[len(calls)-1][1] {
		t.Fatalf("progress calls %v do not end with done == total", calls)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i][0] <= calls[i-1][0] {
			t.Fatalf("progress went backwards: %v", calls)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	opt.Progress = func(done, total int) {
		if done == 3 {
			cancel()
		}
	}
	var buf bytes.Buffer
	if err := WritePDF(ctx, &buf, s, id, opt); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled report: error %v; want context.Canceled", err)
	}
	if buf.Len() != 0 {
		t.Errorf("cancelled report wrote %d bytes", buf.Len())
	}
}

func TestUnknownVisitAndBadLogo(t *testing.T) {
	s := openStore(t)
	err := WritePDF(context.Background(), &bytes.Buffer{}, s, "no-such-visit", Options{})
	if !errors.Is(err, audit.ErrNotFound) || !strings.Contains(err.Error(), "no-such-visit") {
		t.Errorf("unknown visit: error %v; want ErrNotFound naming the visit", err)
	}
	id := fixture{rooms: 1}.build(t, s)
	var warnings []string
	opt := Options{Logo: []byte("not an image"), FallbackFonts: []string{}, Warn: func(m string) { warnings = append(warnings, m) }}
	must(t, WritePDF(context.Background(), &bytes.Buffer{}, s, id, opt))
	if len(warnings) != 1 || !strings.Contains(warnings[0], "logo") {
		t.Errorf("bad logo warnings %q; want one about the logo", warnings)
	}
}

func TestLogoFromSettings(t *testing.T) {
	needTools(t, "qpdf")
	s := openStore(t)
	id := fixture{rooms: 1}.build(t, s)
	logo := testJPEG(t, 300, 100, 9)
	must(t, s.SetSetting(context.Background(), sqlite.SettingLogo, b64(logo)))
	opt, err := OptionsFromStore(context.Background(), s)
	must(t, err)
	if !bytes.Equal(opt.Logo, logo) {
		t.Fatal("OptionsFromStore did not decode the logo setting")
	}
	opt.FallbackFonts = []string{}
	path := writeReport(t, s, id, opt)
	runTool(t, "qpdf", "--check", path)
	raw, err := os.ReadFile(path)
	must(t, err)
	if !bytes.Contains(raw, []byte("/DCTDecode")) {
		t.Error("the logo JPEG is not in the PDF")
	}
}

func b64(data []byte) string { return base64.StdEncoding.EncodeToString(data) }
