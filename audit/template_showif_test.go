package audit

import (
	"strings"
	"testing"
)

func showIfTemplate(cond *ShowIf) *Template {
	t := fixtureTemplate()
	t.Sections[0].Items = append([]Item{{ID: "disp-kind", Kind: ItemChoice, Label: "Display type", Category: "Display",
		Severity: Low, Options: []string{"interactive", "projector"}}}, t.Sections[0].Items...)
	for i := range t.Sections[0].Items {
		if t.Sections[0].Items[i].ID == "pens" {
			t.Sections[0].Items[i].ShowIf = cond
		}
	}
	return t
}

func TestShowIfValidation(t *testing.T) {
	if err := showIfTemplate(&ShowIf{Item: "disp-kind", Values: []string{"interactive"}}).Validate(); err != nil {
		t.Fatalf("a good show_if is refused: %v", err)
	}
	for name, c := range map[string]struct {
		cond *ShowIf
		want string
	}{
		"unknown item":  {&ShowIf{Item: "nope", Values: []string{"x"}}, `item "nope" is not an earlier item`},
		"later item":    {&ShowIf{Item: "boot", Values: []string{"1"}}, `item "boot" is not an earlier item`},
		"no values":     {&ShowIf{Item: "disp-kind"}, "values is empty"},
		"bad value":     {&ShowIf{Item: "disp-kind", Values: []string{"tv"}}, `"tv" is not an answer of "disp-kind"`},
		"check answers": {&ShowIf{Item: "display", Values: []string{"maybe"}}, `"maybe" is not an answer of "display"`},
	} {
		err := showIfTemplate(c.cond).Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), `("pens"): show_if`) {
			t.Errorf("%s: %v, want it to name the item and say %q", name, err, c.want)
		}
	}
	notice := showIfTemplate(nil)
	notice.Sections[0].Items = append(notice.Sections[0].Items, Item{ID: "late", Kind: ItemCheck, Label: "Late", Category: "C",
		Severity: Low, ShowIf: &ShowIf{Item: "notes", Values: []string{"x"}}})
	if err := notice.Validate(); err == nil || !strings.Contains(err.Error(), "needs a check, choice or rating item") {
		t.Errorf("show_if on a text item: %v", err)
	}
}

func TestHiddenItemsAreNotScored(t *testing.T) {
	tpl := showIfTemplate(&ShowIf{Item: "disp-kind", Values: []string{"interactive"}})
	room := Room{Kind: KindClassroom}
	room.ID = "r1"
	answers := []Answer{{RoomID: "r1", ItemID: "disp-kind", Value: "projector"}, {RoomID: "r1", ItemID: "display", Value: CheckOK},
		{RoomID: "r1", ItemID: "pens", Value: CheckMissing}}
	hidden := ScoreVisit(tpl, []Room{room}, answers, nil)
	answers[0].Value = "interactive"
	shown := ScoreVisit(tpl, []Room{room}, answers, nil)
	if hidden.Failures != 0 || shown.Failures != 1 {
		t.Fatalf("failures: %d with the item hidden (want 0), %d shown (want 1)", hidden.Failures, shown.Failures)
	}
	if hidden.Rooms[0].Items != shown.Rooms[0].Items-1 {
		t.Fatalf("items: %d hidden, %d shown", hidden.Rooms[0].Items, shown.Rooms[0].Items)
	}
}
