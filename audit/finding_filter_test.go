package audit

import (
	"errors"
	"testing"
	"time"
)

func TestParseFindingFilter(t *testing.T) {
	zone := time.FixedZone("UTC-7", -7*3600)
	f, err := ParseFindingFilter(" High ", "Won't Fix", "2026-09-01", zone)
	if err != nil {
		t.Fatal(err)
	}
	if f.Severity != High || f.Status != StatusWontFix || !f.Since.Equal(time.Date(2026, 9, 1, 0, 0, 0, 0, zone)) {
		t.Errorf("filter = %+v", f)
	}
	if f, err := ParseFindingFilter("", "", "", zone); err != nil || f != (FindingFilter{}) {
		t.Errorf("empty text = %+v, %v; want no filter", f, err)
	}
	for _, tc := range []struct{ severity, status, since, field string }{
		{"urgent", "", "", "severity"}, {"", "closed", "", "status"}, {"", "", "2026-13-01", "since"}, {"", "", "yesterday", "since"},
	} {
		_, err := ParseFindingFilter(tc.severity, tc.status, tc.since, zone)
		var fe *FilterError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%+v: error %v, want a FilterError on %s", tc, err, tc.field)
		}
	}
}
