package audit

import (
	"fmt"
	"slices"
	"strconv"
)

// ShowIf makes an item apply only after an earlier item of the same
// template got one of the given answers (SafetyCulture's smart fields):
// "pen and touch" only once the display type is "interactive display".
// A hidden item is not asked, not counted and not scored.
type ShowIf struct {
	Item   string   `json:"item"`   // the id of an earlier check, choice or rating item
	Values []string `json:"values"` // the answers that show the item
}

// showIfProblems checks every item's show_if: it names an earlier item that
// answers with a fixed set of values (check, choice, rating) and lists only
// values that item can give.
func (t *Template) showIfProblems() []templateProblem {
	var out []templateProblem
	earlier := map[string]Item{}
	for i, s := range t.Sections {
		for j, it := range s.Items {
			if c := it.ShowIf; c != nil {
				if err := c.validate(earlier); err != nil {
					out = append(out, templateProblem{section: i, item: j, field: "show_if", msg: "show_if: " + err.Error()})
				}
			}
			earlier[it.ID] = it
		}
	}
	return out
}

func (c *ShowIf) validate(earlier map[string]Item) error {
	on, ok := earlier[c.Item]
	if !ok {
		return fmt.Errorf("item %q is not an earlier item of this template", c.Item)
	}
	if len(c.Values) == 0 {
		return fmt.Errorf("values is empty: list the answers of %q that show this item", c.Item)
	}
	allowed := answerValues(on)
	if allowed == nil {
		return fmt.Errorf("item %q is a %s item; show_if needs a check, choice or rating item", c.Item, on.Kind)
	}
	for _, v := range c.Values {
		if !slices.Contains(allowed, v) {
			return fmt.Errorf("%q is not an answer of %q; use one of %q", v, c.Item, allowed)
		}
	}
	return nil
}

// answerValues lists the answers a check, choice or rating item can give,
// or nil for other kinds.
func answerValues(it Item) []string {
	switch it.Kind {
	case ItemCheck:
		return []string{CheckOK, CheckMissing, CheckBroken, CheckNA}
	case ItemChoice:
		return it.Options
	case ItemRating:
		out := make([]string, 5)
		for i := range out {
			out[i] = strconv.Itoa(i + 1)
		}
		return out
	}
	return nil
}

// Shown tells whether an item applies given the room's answers (item id ->
// value): always, unless its show_if item has no answer among its values.
func (it Item) Shown(answers map[string]string) bool {
	return it.ShowIf == nil || slices.Contains(it.ShowIf.Values, answers[it.ShowIf.Item])
}
