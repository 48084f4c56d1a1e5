package sqlite

import (
	"context"
	"errors"
	"strings"
	"techwalk/audit"
	"testing"
)

func TestSetAndSuggestVisitPeople(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	v, _ := fixtureVisit(t, s)
	got, err := s.SetVisitPeople(ctx, v.ID, VisitPeople{WalkedBy: " Jordan Lee ", Present: "Dr. Reyes; Priya Shah (tech coach)"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Auditor != "Jordan Lee" || got.People != "Dr. Reyes; Priya Shah (tech coach)" || !got.UpdatedAt.After(v.UpdatedAt) {
		t.Errorf("visit after SetVisitPeople: %+v", got)
	}
	if again, _ := s.Visit(ctx, v.ID); again.People != got.People || again.Auditor != got.Auditor {
		t.Errorf("stored visit %+v; want the people just set", again)
	}
	// A new visit of the school is offered the last visit's people, and
	// the auditor from Settings once there is one.
	next := audit.Visit{SchoolID: v.SchoolID, TemplateID: v.TemplateID, TemplateVersion: v.TemplateVersion, StartedAt: v.StartedAt.AddDate(0, 1, 0)}
	if err := s.StartVisit(ctx, &next); err != nil {
		t.Fatal(err)
	}
	p, err := s.SuggestVisitPeople(ctx, v.SchoolID)
	if err != nil || p != (VisitPeople{WalkedBy: "Jordan Lee", Present: "Dr. Reyes; Priya Shah (tech coach)"}) {
		t.Errorf("suggestion %+v, %v; want the last visit's people", p, err)
	}
	if err := s.SetSetting(ctx, SettingAuditor, "Sam Auditor"); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.SuggestVisitPeople(ctx, v.SchoolID); p.WalkedBy != "Sam Auditor" || p.Present != "Dr. Reyes; Priya Shah (tech coach)" {
		t.Errorf("suggestion %+v; want the auditor from Settings", p)
	}
}

func TestSetVisitPeopleRefusesBadInput(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	v, _ := fixtureVisit(t, s)
	if _, err := s.SetVisitPeople(ctx, "no-such-visit", VisitPeople{WalkedBy: "A"}); !errors.Is(err, audit.ErrNotFound) {
		t.Errorf("unknown visit: %v; want ErrNotFound", err)
	}
	_, err := s.SetVisitPeople(ctx, v.ID, VisitPeople{WalkedBy: strings.Repeat("x", audit.MaxNameLen+1)})
	if err == nil || !strings.Contains(err.Error(), "walked by") {
		t.Errorf("overlong name: %v; want an error naming the field", err)
	}
	if after, _ := s.Visit(ctx, v.ID); after.Auditor != v.Auditor || after.People != v.People {
		t.Errorf("a refused change was saved: %+v", after)
	}
}
