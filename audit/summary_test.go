package audit

import (
	"reflect"
	"testing"
)

// TestDistrictPictureFromSummaries: the picture made from the visits'
// summaries alone, answers and feedback left out, is the picture made from
// the answers.
func TestDistrictPictureFromSummaries(t *testing.T) {
	want := DistrictPicture(sampleDistrict())
	in := sampleDistrict()
	for i := range in.Schools {
		s := &in.Schools[i]
		sums := in.Rules.SummariseSchool(*s, in.Actions)
		for j := range s.Visits {
			v := &s.Visits[j]
			sum, ok := sums[v.Visit.ID]
			if !ok {
				t.Fatalf("no summary of visit %s", v.Visit.ID)
			}
			v.Summary, v.Answers, v.Feedback = &sum, nil, nil
		}
	}
	if got := DistrictPicture(in); !reflect.DeepEqual(got, want) {
		t.Fatalf("picture from summaries:\n%+v\nwant\n%+v", got, want)
	}
}

// TestSummariseSchoolLatestIsThePictureRow: a finished visit's summary
// holds the figures of its school's row when it is the latest.
func TestSummariseSchoolLatestIsThePictureRow(t *testing.T) {
	in := sampleDistrict()
	d := DistrictPicture(in)
	adams := in.Schools[0]
	sums := in.Rules.SummariseSchool(adams, in.Actions)
	row, a1 := d.Schools[0], sums["a1"]
	a2 := sums["a2"]
	if !reflect.DeepEqual(a2.Score, row.Score) || a2.Change.Common != row.Change.Common || a2.FindingsOpen != row.FindingsOpen ||
		a2.FixedSinceLast != row.FixedSinceLast {
		t.Errorf("a2's summary %+v differs from Adams' row %+v", a2, row)
	}
	if a1.HasChange || a1.FixedSinceLast != 0 || len(a1.Failing) != 2 || a1.Failing[0].Reason != CheckMissing {
		t.Errorf("a1, Adams' first visit: %+v; want no change, nothing fixed, two missing HDMI adapters", a1)
	}
}
