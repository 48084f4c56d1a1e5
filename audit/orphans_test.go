package audit

import (
	"reflect"
	"testing"
)

// TestSetAsideKeepsWhatTheDeviceCanApply: rows of a visit the device
// lacks go, with the actions of that visit's findings once the answers are
// gone; everything else stays; what is owed settles only what was read.
func TestSetAsideKeepsWhatTheDeviceCanApply(t *testing.T) {
	cs := &ChangeSet{
		Visits:        []VisitChange{{Visit: Visit{Record: Record{ID: "held-in-set"}}}},
		Answers:       []AnswerChange{{Answer: Answer{Record: Record{ID: "f1"}, VisitID: "lacking"}}, {Answer: Answer{Record: Record{ID: "f2"}, VisitID: "held-in-set"}}, {Answer: Answer{Record: Record{ID: "f3"}, VisitID: "held"}}},
		Feedback:      []FeedbackChange{{Feedback: Feedback{VisitID: "lacking"}}},
		Photos:        []PhotoChange{{Photo: Photo{VisitID: "held"}}},
		VisitRooms:    []VisitRoomChange{{VisitID: "lacking"}, {VisitID: "held-in-set"}},
		Actions:       []ActionChange{{FindingID: "f1"}, {FindingID: "f2"}, {FindingID: "held-finding"}, {FindingID: "lacking-finding"}},
		StatusHistory: []StatusChange{{FindingID: "f1"}},
	}
	if got, want := cs.ParentVisits(), []string{"held", "lacking"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("parent visits %v, want %v", got, want)
	}
	if got := cs.SetAside(Owed{Visits: []string{"lacking"}}); !reflect.DeepEqual(got, Owed{Visits: []string{"lacking"}}) {
		t.Errorf("set aside %+v", got)
	}
	if got, want := cs.ParentFindings(), []string{"f1", "held-finding", "lacking-finding"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("parent findings once f1's answer is gone: %v, want %v", got, want)
	}
	got := cs.SetAside(Owed{Findings: []string{"f1", "lacking-finding"}})
	if want := (Owed{Findings: []string{"f1", "lacking-finding"}}); !reflect.DeepEqual(got, want) {
		t.Errorf("set aside %+v, want %+v", got, want)
	}
	if rows := cs.Rows(); rows["answers"] != 2 || rows["feedback"] != 0 || rows["visit_rooms"] != 1 || rows["actions"] != 2 || rows["status_history"] != 0 || rows["photos"] != 1 {
		t.Errorf("left %v", rows)
	}

	owed := Owed{Visits: []string{"v1", "v2"}, Findings: []string{"f9"}}
	owed = owed.Settle(Owed{Visits: []string{"v1", "v2"}}, Owed{Visits: []string{"v2", "v3"}})
	if want := (Owed{Visits: []string{"v2", "v3"}, Findings: []string{"f9"}}); !reflect.DeepEqual(owed, want) {
		t.Errorf("settled %+v, want %+v", owed, want)
	}
}
