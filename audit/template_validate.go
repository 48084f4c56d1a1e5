package audit

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// Physical bounds of the Wi-Fi thresholds: a threshold outside them is a
// typo (+50 dBm, -5 ms), and no reading could ever pass or fail it sensibly.
const (
	minSignalDBM  = -100.0 // weaker than any usable signal
	maxSignalDBM  = -20.0  // stronger than a device next to the access point reads
	maxLatencyMS  = 60_000.0
	maxThroughput = 100_000.0 // Mbps
)

// templateProblem is one thing wrong with a template, placed by where it
// is: the section and item (indexes, -1 for none) and the field's JSON
// path inside it ("" for the object itself, "wifi.min_signal_dbm",
// "options[2]").
type templateProblem struct {
	section, item int
	field         string
	msg           string
}

// Validate checks the whole template; the error names the section and item
// of the first problem found.
func (t *Template) Validate() error {
	probs := t.problems()
	if len(probs) == 0 {
		return nil
	}
	return errors.New(t.where(probs[0]) + probs[0].msg)
}

// where names the section and item a problem is in, as a message prefix.
func (t *Template) where(p templateProblem) string {
	switch {
	case p.section < 0:
		return ""
	case p.item < 0:
		return fmt.Sprintf("section %d (%q): ", p.section+1, t.Sections[p.section].ID)
	}
	s := t.Sections[p.section]
	return fmt.Sprintf("section %q, item %d (%q): ", s.ID, p.item+1, s.Items[p.item].ID)
}

// problems lists every problem of the template, in template order.
func (t *Template) problems() []templateProblem {
	var out []templateProblem
	top := func(field, format string, args ...any) {
		out = append(out, templateProblem{section: -1, item: -1, field: field, msg: fmt.Sprintf(format, args...)})
	}
	if !idPattern.MatchString(t.ID) {
		top("id", "template id %q must be 1-64 lower-case letters, digits, '.', '_' or '-'", t.ID)
	}
	if strings.TrimSpace(t.Name) == "" {
		top("name", "template name is empty")
	}
	if strings.TrimSpace(t.Version) == "" {
		top("version", "template version is empty; give a version such as 1.0")
	}
	for _, f := range []struct {
		field, name, text string
		max               int
	}{{"name", "template name", t.Name, MaxNameLen}, {"version", "template version", t.Version, 40}, {"description", "template description", t.Description, MaxNoteLen}} {
		if err := checkTemplateText(f.name, f.text, f.max); err != nil {
			top(f.field, "%v", err)
		}
	}
	if len(t.Sections) == 0 {
		top("sections", "template has no sections")
	}
	out = append(out, t.Feedback.problems()...)
	sections := map[string]bool{}
	items := map[string]string{}
	for i, s := range t.Sections {
		out = append(out, s.problems(i, sections)...)
		for j, it := range s.Items {
			add := func(field, msg string) {
				out = append(out, templateProblem{section: i, item: j, field: field, msg: msg})
			}
			if prev, dup := items[it.ID]; dup && it.ID != "" {
				add("id", fmt.Sprintf("id is already used in section %q", prev))
			} else {
				items[it.ID] = s.ID
			}
			it.problems(add)
		}
	}
	return append(out, t.showIfProblems()...)
}

func (s Section) problems(i int, seen map[string]bool) []templateProblem {
	var out []templateProblem
	add := func(field, format string, args ...any) {
		out = append(out, templateProblem{section: i, item: -1, field: field, msg: fmt.Sprintf(format, args...)})
	}
	switch {
	case !idPattern.MatchString(s.ID):
		add("id", "id must be 1-64 lower-case letters, digits, '.', '_' or '-'")
	case seen[s.ID]:
		add("id", "id is used by an earlier section")
	}
	seen[s.ID] = true
	if strings.TrimSpace(s.Title) == "" {
		add("title", "title is empty")
	} else if err := checkTemplateText("title", s.Title, MaxNameLen); err != nil {
		add("title", "%v", err)
	}
	if len(s.Items) == 0 {
		add("items", "has no items")
	}
	return out
}

func (p FeedbackPrompt) problems() []templateProblem {
	var out []templateProblem
	fields := []struct{ name, text string }{
		{"supports_teaching", p.SupportsTeaching}, {"help_easy", p.HelpEasy}, {"choose_again", p.ChooseAgain},
		{"inconveniences", p.Inconveniences}, {"frustration", p.Frustration}, {"consent", p.Consent},
	}
	for _, f := range fields {
		msg := ""
		if strings.TrimSpace(f.text) == "" {
			msg = fmt.Sprintf("feedback: the %s question is empty", f.name)
		} else if err := checkTemplateText("feedback "+f.name, f.text, MaxNameLen); err != nil {
			msg = err.Error()
		}
		if msg != "" {
			out = append(out, templateProblem{section: -1, item: -1, field: "feedback." + f.name, msg: msg})
		}
	}
	return out
}

// checkTemplateText is checkText plus a refusal of control characters
// (escape sequences could drive a terminal or hide text on screen).
func checkTemplateText(field, s string, max int) error {
	if err := CheckText(field, s, max); err != nil {
		return err
	}
	if r, ok := ControlRune(s); ok {
		return fmt.Errorf("%s contains the control character %U", field, r)
	}
	return nil
}

func (it Item) problems(add func(field, msg string)) {
	addf := func(field, format string, args ...any) { add(field, fmt.Sprintf(format, args...)) }
	if !idPattern.MatchString(it.ID) {
		addf("id", "id must be 1-64 lower-case letters, digits, '.', '_' or '-'")
	}
	if !containsKind(it.Kind) {
		addf("kind", "kind %q is unknown; use one of check, rating, number, choice, text, apps, wifi, photo", it.Kind)
	}
	if strings.TrimSpace(it.Label) == "" {
		addf("label", "label is empty")
	}
	if strings.TrimSpace(it.Category) == "" {
		addf("category", "category is empty")
	}
	if !it.Severity.Valid() {
		addf("severity", "severity %q is unknown; use critical, high, medium or low", it.Severity)
	}
	for k, rk := range it.RoomKinds {
		if !rk.Valid() {
			addf(fmt.Sprintf("room_kinds[%d]", k), "room kind %q is unknown; use one of %s", rk, JoinKinds(RoomKinds))
		}
	}
	for _, f := range []struct{ field, text string }{{"label", it.Label}, {"category", it.Category}, {"guidance", it.Guidance}, {"unit", it.Unit}} {
		max := MaxNameLen
		if f.field == "guidance" {
			max = MaxNoteLen
		}
		if err := checkTemplateText(f.field, f.text, max); err != nil {
			addf(f.field, "%v", err)
		}
	}
	it.kindProblems(addf)
}

func (it Item) kindProblems(add func(field, format string, args ...any)) {
	switch it.Kind {
	case ItemRating:
		if it.PassMin != nil && (*it.PassMin < 1 || *it.PassMin > 5) {
			add("pass_min", "pass_min %v is outside the rating scale 1-5", *it.PassMin)
		}
	case ItemNumber:
		if it.PassMin != nil && it.PassMax != nil && *it.PassMin > *it.PassMax {
			add("pass_min", "pass_min %v is above pass_max %v", *it.PassMin, *it.PassMax)
		}
	case ItemChoice:
		choiceProblems(it, add)
	case ItemApps:
		if len(it.Apps) == 0 {
			add("apps", "apps item lists no expected apps")
		}
		listProblems("apps", "app", it.Apps, add)
	case ItemWifi:
		wifiProblems(it.Wifi, add)
	}
}

func wifiProblems(w *WifiThresholds, add func(field, format string, args ...any)) {
	if w == nil || *w == (WifiThresholds{}) {
		add("wifi", "wifi item has no thresholds; add \"wifi\": {\"min_signal_dbm\": -67, ...}")
		return
	}
	bounds := []struct {
		field    string
		v        *float64
		min, max float64
		unit     string
	}{
		{"min_signal_dbm", w.MinSignalDBM, minSignalDBM, maxSignalDBM, "dBm (signal strength is negative: -67 is good, -80 weak)"},
		{"max_latency_ms", w.MaxLatencyMS, 0, maxLatencyMS, "ms"},
		{"min_down_mbps", w.MinDownMbps, 0, maxThroughput, "Mbps"},
		{"min_up_mbps", w.MinUpMbps, 0, maxThroughput, "Mbps"},
	}
	for _, b := range bounds {
		if b.v != nil && (*b.v < b.min || *b.v > b.max) {
			add("wifi."+b.field, "%s %v is out of range; it must be between %v and %v %s", b.field, *b.v, b.min, b.max, b.unit)
		}
	}
}

func choiceProblems(it Item, add func(field, format string, args ...any)) {
	if len(it.Options) < 2 {
		add("options", "choice item needs at least two options")
	}
	listProblems("options", "option", it.Options, add)
	for k, f := range it.FailOptions {
		if !containsString(it.Options, f) {
			add(fmt.Sprintf("fail_options[%d]", k), "fail option %q is not one of the options", f)
		}
	}
}

// listProblems finds empty, repeated or bad entries of a list field.
func listProblems(field, what string, list []string, add func(field, format string, args ...any)) {
	seen := map[string]bool{}
	for k, s := range list {
		at := fmt.Sprintf("%s[%d]", field, k)
		switch {
		case strings.TrimSpace(s) == "":
			add(at, "an %s is empty", what)
		case seen[s]:
			add(at, "%s %q is listed twice", what, s)
		default:
			if err := checkTemplateText(what, s, MaxNameLen); err != nil {
				add(at, "%v", err)
			}
		}
		seen[s] = true
	}
}

// canonicalize drops empty lists, which "omitempty" would not write back, so a
// stored template reads back exactly as it was parsed.
func (t *Template) canonicalize() {
	for i := range t.Sections {
		for j := range t.Sections[i].Items {
			it := &t.Sections[i].Items[j]
			if len(it.RoomKinds) == 0 {
				it.RoomKinds = nil
			}
			if len(it.Options) == 0 {
				it.Options = nil
			}
			if len(it.FailOptions) == 0 {
				it.FailOptions = nil
			}
			if len(it.Apps) == 0 {
				it.Apps = nil
			}
		}
	}
}

func containsKind(k ItemKind) bool {
	for _, known := range itemKinds {
		if k == known {
			return true
		}
	}
	return false
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
