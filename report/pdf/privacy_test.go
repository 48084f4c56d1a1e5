package pdf

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"techwalk/audit"
	"techwalk/report/internal/reporttest"
)

func TestReportScrubsQuotesButNotThePeoplePresent(t *testing.T) {
	needTools(t, "pdftotext")
	fx, _ := reporttest.PrivacyFixture(t)
	ctx := context.Background()
	fx.Visit.People = "Mr. David Kim; Priya Shah (tech coach)"
	reporttest.NoErr(t, fx.Store.SaveVisit(ctx, &fx.Visit))
	fb := audit.Feedback{VisitID: fx.Visit.ID, RoomID: fx.Rooms[2].ID, TeacherName: "José Muñoz", SupportsTeaching: 3,
		Frustration: "Ask PRIYA or " + norm.NFD.String("José") + ": the cart is O’Connor's.", ConsentToQuote: true}
	reporttest.NoErr(t, fx.Store.SaveFeedback(ctx, &fb))
	_, err := fx.Store.FinishVisit(ctx, fx.Visit.ID)
	reporttest.NoErr(t, err)
	opt, err := OptionsFromStore(ctx, fx.Store)
	reporttest.NoErr(t, err)
	opt.Now = time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	text := pdfText(t, writeReport(t, fx.Store, fx.Visit.ID, opt))
	flat := strings.Join(strings.Fields(text), " ")
	if !strings.Contains(flat, "Ask [name] or [name]: the cart is [name]'s.") {
		t.Errorf("the consented quote is not scrubbed as expected:\n%s", flat)
	}
	if !strings.Contains(flat, "Mr. David Kim; Priya Shah (tech coach)") {
		t.Errorf("the people present were changed:\n%s", flat)
	}
	if l := reporttest.Leaks(strings.ReplaceAll(flat, "Priya Shah", "")); len(l) > 0 {
		t.Errorf("the report leaks %q:\n%s", l, flat)
	}
}
