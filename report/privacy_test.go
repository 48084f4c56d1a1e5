package report

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"techwalk/audit"
)

// privacyFixture adds a second school whose teachers are named, in every
// spelling that used to slip through, in notes at the first school.
func privacyFixture(t *testing.T) (*exportFixture, audit.School) {
	fx := newExportFixture(t)
	ctx := context.Background()
	other := audit.School{Name: "Washington Middle", Code: "WMS"}
	noErr(t, fx.store.SaveSchool(ctx, &other))
	for _, teacher := range []string{"Priya Patel", "Seán O'Connor"} {
		r := audit.Room{SchoolID: other.ID, Number: "3" + teacher[:2], Kind: audit.KindClassroom, Teacher: teacher}
		noErr(t, fx.store.SaveRoom(ctx, &r))
	}
	fx.answer(t, fx.rooms[2], "display", audit.CheckBroken,
		"PRIYA covered the class; priya's cart and O’Connor's adapter. "+norm.NFD.String("josé")+" asked too.")
	return fx, other
}

// leaks lists the teacher names still in out.
func leaks(out string) []string {
	var found []string
	text := strings.ToLower(norm.NFC.String(out))
	for _, n := range []string{"priya", "connor", "josé", "muñoz", "nguyễn", "王芳"} {
		if strings.Contains(text, n) {
			found = append(found, n)
		}
	}
	return found
}

func TestFilteredExportsScrubEveryTeacherOfTheDistrict(t *testing.T) {
	fx, _ := privacyFixture(t)
	names, err := fx.store.TeacherNames(context.Background())
	noErr(t, err)
	filter := audit.FindingFilter{SchoolID: fx.school.ID, Severity: audit.Critical}
	for _, info := range Formats {
		for _, grouped := range []bool{false, true} {
			out := string(export(t, fx.store, ExportOptions{Format: info.Format, Grouped: grouped, Filter: filter, TeacherNames: names}))
			if !strings.Contains(out, "[name]") && !(info.Format == FormatCSV && grouped) { // grouped CSV has no notes
				t.Errorf("%s (grouped %v): the note is not in the export:\n%s", info.Format, grouped, out)
			}
			if l := leaks(out); len(l) > 0 {
				t.Errorf("%s (grouped %v) leaks %q:\n%s", info.Format, grouped, l, out)
			}
		}
	}
}

func TestReportScrubsQuotesButNotThePeoplePresent(t *testing.T) {
	needTools(t, "pdftotext")
	fx, _ := privacyFixture(t)
	ctx := context.Background()
	fx.visit.People = "Mr. David Kim; Priya Shah (tech coach)"
	noErr(t, fx.store.SaveVisit(ctx, &fx.visit))
	fb := audit.Feedback{VisitID: fx.visit.ID, RoomID: fx.rooms[2].ID, TeacherName: "José Muñoz", SupportsTeaching: 3,
		Frustration: "Ask PRIYA or " + norm.NFD.String("José") + ": the cart is O’Connor's.", ConsentToQuote: true}
	noErr(t, fx.store.SaveFeedback(ctx, &fb))
	_, err := fx.store.FinishVisit(ctx, fx.visit.ID)
	noErr(t, err)
	opt, err := OptionsFromStore(ctx, fx.store)
	noErr(t, err)
	opt.Now = time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	text := pdfText(t, writeReport(t, fx.store, fx.visit.ID, opt))
	flat := strings.Join(strings.Fields(text), " ")
	if !strings.Contains(flat, "Ask [name] or [name]: the cart is [name]'s.") {
		t.Errorf("the consented quote is not scrubbed as expected:\n%s", flat)
	}
	if !strings.Contains(flat, "Mr. David Kim; Priya Shah (tech coach)") {
		t.Errorf("the people present were changed:\n%s", flat)
	}
	if l := leaks(strings.ReplaceAll(flat, "Priya Shah", "")); len(l) > 0 {
		t.Errorf("the report leaks %q:\n%s", l, flat)
	}
}
