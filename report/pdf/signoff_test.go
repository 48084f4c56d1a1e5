package pdf

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"
	"testing"

	"techwalk/audit"
)

// signature draws a w x h signature: dark strokes on a transparent ground,
// as the sign-off pad saves it.
func signature(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := 10; x < w-10; x++ {
		y := h/2 + int(float64(h/3)*float64((x*7)%40-20)/20)
		for k := -1; k <= 1; k++ {
			img.Set(x, y+k, color.NRGBA{20, 20, 60, 255})
		}
	}
	var buf bytes.Buffer
	must(t, png.Encode(&buf, img))
	return buf.Bytes()
}

// lastPage returns the text of the report's last page and its number.
func lastPage(t testing.TB, path string) (string, int) {
	t.Helper()
	var pages int
	for _, l := range strings.Split(runTool(t, "pdfinfo", path), "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[0] == "Pages:" {
			pages, _ = strconv.Atoi(f[1])
		}
	}
	if pages == 0 {
		t.Fatalf("pdfinfo gave no page count for %s", path)
	}
	n := strconv.Itoa(pages)
	return runTool(t, "pdftotext", "-enc", "UTF-8", "-f", n, "-l", n, path, "-"), pages
}

func TestReportLastPageCarriesTheSignOff(t *testing.T) {
	needTools(t, "pdftotext", "pdfinfo", "pdfimages", "qpdf")
	s := openStore(t)
	ctx := context.Background()
	visitID := fixture{rooms: 4, photos: 1}.build(t, s)
	_, err := s.ReopenVisit(ctx, visitID)
	must(t, err)
	so, err := s.SaveSignOff(ctx, audit.SignOff{VisitID: visitID, Name: "Nguyễn Thị Hoa", Role: audit.RolePrincipal, PNG: signature(t, 600, 200)})
	must(t, err)
	_, err = s.FinishVisit(ctx, visitID)
	must(t, err)
	path := writeReport(t, s, visitID, Options{Anonymise: true})
	runTool(t, "qpdf", "--check", path)

	text, pages := lastPage(t, path)
	for _, want := range []string{"Sign-off", "Nguyễn Thị Hoa", "Principal", "Signed", so.SignedAt.Local().Format("2 January 2006, 15:04")} {
		if !strings.Contains(text, want) {
			t.Errorf("the last page lacks %q:\n%s", want, text)
		}
	}
	images := runTool(t, "pdfimages", "-list", path)
	found := false
	for _, l := range strings.Split(images, "\n") {
		f := strings.Fields(l)
		if len(f) > 4 && f[0] == strconv.Itoa(pages) && f[3] == "600" && f[4] == "200" {
			found = true
		}
	}
	if !found {
		t.Errorf("no 600x200 signature image on the last page (%d):\n%s", pages, images)
	}
}

func TestReportWithoutSignOffSaysNotSigned(t *testing.T) {
	needTools(t, "pdftotext", "pdfinfo", "pdfimages")
	s := openStore(t)
	visitID := fixture{rooms: 2}.build(t, s)
	path := writeReport(t, s, visitID, Options{})
	text, pages := lastPage(t, path)
	for _, want := range []string{"Sign-off", "Not signed", "Sign below on a printed copy", "Name", "Role", "Date"} {
		if !strings.Contains(text, want) {
			t.Errorf("the last page of an unsigned report lacks %q:\n%s", want, text)
		}
	}
	if images := runTool(t, "pdfimages", "-list", "-f", fmt.Sprint(pages), "-l", fmt.Sprint(pages), path); strings.Count(images, "\n") > 2 {
		t.Errorf("an unsigned report has an image on its last page:\n%s", images)
	}
}
