package app

import (
	"testing"

	"techwalk/audit"
)

func TestVisitStartAsksWhoIsThereAndSavesIt(t *testing.T) {
	u, s, _ := newTestUI(t)
	if _, err := s.CreateDemo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	sc, err := s.FindSchool(ctx, "Lincoln Elementary School")
	if err != nil {
		t.Fatal(err)
	}
	last, err := s.LatestVisit(ctx, sc.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	v := audit.Visit{SchoolID: sc.ID, TemplateID: last.TemplateID, TemplateVersion: last.TemplateVersion}
	if err := s.StartVisit(ctx, &v); err != nil {
		t.Fatal(err)
	}
	vs := u.showVisit(v.ID)
	if vs == nil || vs.people == nil {
		t.Fatal("starting a visit did not ask who is there")
	}
	p := vs.people
	if p.walkedBy.Text != last.Auditor || p.present.Text != last.People {
		t.Errorf("dialog prefilled %q / %q; want the last visit's %q / %q", p.walkedBy.Text, p.present.Text, last.Auditor, last.People)
	}
	p.walkedBy.SetText("Jordan Lee, CIO; Sam Ortiz")
	p.present.SetText("Dr. Angela Reyes (principal)")
	p.onClose(true)
	got, err := s.Visit(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Auditor != "Jordan Lee, CIO; Sam Ortiz" || got.People != "Dr. Angela Reyes (principal)" {
		t.Errorf("stored visit says %q / %q", got.Auditor, got.People)
	}
	if again := u.showVisit(v.ID); again.people != nil {
		t.Error("the visit asked again although its people are recorded")
	}
}

func TestVisitStartSkipChangesNothingAndFinishedVisitsAreNotAsked(t *testing.T) {
	u, s, _ := newTestUI(t)
	if _, err := s.CreateDemo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	sc, err := s.FindSchool(ctx, "Roosevelt High School")
	if err != nil {
		t.Fatal(err)
	}
	finished, err := s.LatestVisit(ctx, sc.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if vs := u.showVisit(finished.ID); vs.people != nil {
		t.Error("a finished visit asked who is there")
	}
	v := audit.Visit{SchoolID: sc.ID, TemplateID: finished.TemplateID, TemplateVersion: finished.TemplateVersion, Auditor: "A. Auditor"}
	if err := s.StartVisit(ctx, &v); err != nil {
		t.Fatal(err)
	}
	vs := u.showVisit(v.ID)
	if vs.people == nil || vs.people.walkedBy.Text != "A. Auditor" {
		t.Fatalf("dialog %+v; want it prefilled with the visit's own auditor", vs.people)
	}
	vs.people.onClose(false)
	if got, _ := s.Visit(ctx, v.ID); got.Auditor != "A. Auditor" || got.People != "" {
		t.Errorf("Skip changed the visit: %+v", got)
	}
	if again := u.showVisit(v.ID); again.people != nil {
		t.Error("the dialog came back after Skip")
	}
}
