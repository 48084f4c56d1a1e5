package audit

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"techwalk/assets"
)

func ptr(v float64) *float64 { return &v }

func parseDefault(t *testing.T) *Template {
	t.Helper()
	tpl, err := ParseTemplate(assets.DefaultTemplateFile, assets.DefaultTemplateJSON)
	if err != nil {
		t.Fatalf("default template: %v", err)
	}
	return tpl
}

func TestDefaultTemplateParses(t *testing.T) {
	tpl := parseDefault(t)
	if tpl.ID != "k12-classroom" || tpl.Name != "K-12 classroom technology walkthrough" || tpl.Version != "1.1" {
		t.Errorf("identity = %q %q %q", tpl.ID, tpl.Name, tpl.Version)
	}
	var sectionIDs []string
	items := 0
	for _, s := range tpl.Sections {
		sectionIDs = append(sectionIDs, s.ID)
		if len(s.Items) == 0 {
			t.Errorf("section %q has no items", s.ID)
		}
		items += len(s.Items)
	}
	wantSections := []string{"context", "display", "cables", "audio", "doccam", "teacher-device",
		"student-devices", "wifi", "printing", "apps", "accessibility", "safety"}
	if !slices.Equal(sectionIDs, wantSections) {
		t.Errorf("sections = %v, want %v", sectionIDs, wantSections)
	}
	if items < 40 || items > 50 {
		t.Errorf("template has %d items, want 40-50", items)
	}
}

func TestDefaultTemplateItemsAreComplete(t *testing.T) {
	tpl := parseDefault(t)
	known := []string{"Room context", "Display", "Cables & adapters", "Audio", "Document camera",
		"Teacher device", "Student devices", "Wi-Fi", "Printing", "Apps", "Accessibility", "Safety"}
	photos := 0
	for _, s := range tpl.Sections {
		for _, it := range s.Items {
			if !slices.Contains(known, it.Category) {
				t.Errorf("item %q: category %q is not one of the template's categories", it.ID, it.Category)
			}
			if len(strings.TrimSpace(it.Guidance)) < 20 {
				t.Errorf("item %q: guidance %q is too thin to act on", it.ID, it.Guidance)
			}
			if it.Kind == ItemPhoto {
				photos++
			}
		}
	}
	if photos == 0 {
		t.Error("template asks for no photo")
	}
}

func TestDefaultTemplateScoredCategoriesApplyToClassrooms(t *testing.T) {
	tpl := parseDefault(t)
	cats := tpl.Categories()
	if len(cats) < 8 {
		t.Fatalf("only %d scored categories: %v", len(cats), cats)
	}
	if slices.Contains(cats, "Room context") {
		t.Error("room context questions cannot fail and must not be scored")
	}
	classroom := map[string]int{}
	for _, si := range tpl.ItemsFor(KindClassroom) {
		if si.Scored() {
			classroom[si.Category]++
		}
	}
	for _, c := range cats {
		if classroom[c] == 0 {
			t.Errorf("category %q has no scored item for a classroom", c)
		}
	}
}

func TestDefaultTemplateRoomKinds(t *testing.T) {
	tpl := parseDefault(t)
	office, classroom := tpl.ItemsFor(KindOffice), tpl.ItemsFor(KindClassroom)
	if len(office) >= len(classroom) {
		t.Errorf("office has %d items, classroom %d; an office should have fewer", len(office), len(classroom))
	}
	for _, si := range office {
		switch si.Category {
		case "Student devices", "Document camera":
			t.Errorf("office is asked %q (%s)", si.ID, si.Category)
		}
	}
	for _, id := range []string{"dc-present", "dc-display"} {
		it, ok := tpl.Item(id)
		if !ok {
			t.Fatalf("no item %q", id)
		}
		for _, k := range []RoomKind{KindClassroom, KindLab, KindLibrary} {
			if !it.AppliesTo(k) {
				t.Errorf("%s does not apply to %s", id, k)
			}
		}
	}
}

func TestDefaultTemplateThresholds(t *testing.T) {
	tpl := parseDefault(t)
	item := func(id string) Item {
		t.Helper()
		it, ok := tpl.Item(id)
		if !ok {
			t.Fatalf("no item %q", id)
		}
		return it
	}
	for id, max := range map[string]float64{"disp-seconds": 30, "td-login": 120, "sd-damaged": 0} {
		it := item(id)
		if it.Kind != ItemNumber || it.PassMax == nil || *it.PassMax != max {
			t.Errorf("%s: kind %s, pass_max %v; want number with pass_max %v", id, it.Kind, it.PassMax, max)
		}
	}
	want := WifiThresholds{MinSignalDBM: ptr(-67), MaxLatencyMS: ptr(50), MinDownMbps: ptr(25), MinUpMbps: ptr(5)}
	for _, id := range []string{"wifi-front", "wifi-back"} {
		it := item(id)
		if it.Kind != ItemWifi || it.Wifi == nil {
			t.Fatalf("%s is not a wifi item with thresholds", id)
		}
		got := *it.Wifi
		if *got.MinSignalDBM != *want.MinSignalDBM || *got.MaxLatencyMS != *want.MaxLatencyMS ||
			*got.MinDownMbps != *want.MinDownMbps || *got.MinUpMbps != *want.MinUpMbps {
			t.Errorf("%s thresholds = %v/%v/%v/%v", id, *got.MinSignalDBM, *got.MaxLatencyMS, *got.MinDownMbps, *got.MinUpMbps)
		}
	}
	filter := item("wifi-filter")
	if out, _ := filter.Evaluate("None"); out != Pass {
		t.Errorf("filter None = %v, want pass", out)
	}
	for _, v := range []string{"Blocks curriculum sites", "Captive portal prompts", "Both"} {
		if out, _ := filter.Evaluate(v); out != Fail {
			t.Errorf("filter %q = %v, want fail", v, out)
		}
	}
	apps := item("apps-teacher")
	for _, app := range []string{"Google Classroom", "Clever", "Desmos"} {
		if !slices.Contains(apps.Apps, app) {
			t.Errorf("teacher apps lack %q: %v", app, apps.Apps)
		}
	}
	if s := item("disp-power").Severity; s != Critical {
		t.Errorf("display power severity = %s, want critical", s)
	}
	if s := item("disp-remote").Severity; s != Low {
		t.Errorf("remote and pens severity = %s, want low", s)
	}
	for _, id := range []string{"ctx-in-use", "ctx-seats", "ctx-present"} {
		if item(id).Scored() {
			t.Errorf("%s is scored; context questions never fail", id)
		}
	}
}

// validTemplate is a small template that passes Validate; cases mutate a copy.
func validTemplate() *Template {
	return &Template{
		ID: "t1", Name: "Test", Version: "1",
		Sections: []Section{
			{ID: "a", Title: "A", Items: []Item{
				{ID: "chk", Kind: ItemCheck, Label: "Works", Category: "Display", Severity: Critical},
				{ID: "num", Kind: ItemNumber, Label: "Seconds", Category: "Display", Severity: High, Unit: "seconds", PassMin: ptr(0), PassMax: ptr(30)},
				{ID: "cho", Kind: ItemChoice, Label: "Filter", Category: "Wi-Fi", Severity: High, Options: []string{"None", "Blocks"}, FailOptions: []string{"Blocks"}},
			}},
			{ID: "b", Title: "B", Items: []Item{
				{ID: "app", Kind: ItemApps, Label: "Apps", Category: "Apps", Severity: High, Apps: []string{"Kami", "Desmos"}},
				{ID: "wif", Kind: ItemWifi, Label: "Wi-Fi", Category: "Wi-Fi", Severity: High, Wifi: &WifiThresholds{MinSignalDBM: ptr(-67)}},
				{ID: "rat", Kind: ItemRating, Label: "Rating", Category: "Display", Severity: Low, PassMin: ptr(3)},
			}},
		},
		Feedback: FeedbackPrompt{SupportsTeaching: "s", HelpEasy: "h", ChooseAgain: "c", Inconveniences: "i", Frustration: "f", Consent: "q"},
	}
}

func TestValidTemplateIsValid(t *testing.T) {
	if err := validTemplate().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateErrors(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Template)
		want   []string
	}{
		{"duplicate item id", func(t *Template) { t.Sections[1].Items[0].ID = "chk" },
			[]string{`section "b", item 1 ("chk")`, `id is already used in section "a"`}},
		{"unknown kind", func(t *Template) { t.Sections[0].Items[0].Kind = "slider" },
			[]string{`section "a", item 1 ("chk")`, `kind "slider" is unknown`}},
		{"unknown severity", func(t *Template) { t.Sections[0].Items[1].Severity = "urgent" },
			[]string{`section "a", item 2 ("num")`, `severity "urgent" is unknown`}},
		{"choice fail option not an option", func(t *Template) { t.Sections[0].Items[2].FailOptions = []string{"Maybe"} },
			[]string{`section "a", item 3 ("cho")`, `fail option "Maybe" is not one of the options`}},
		{"choice with one option", func(t *Template) {
			t.Sections[0].Items[2].Options = []string{"None"}
			t.Sections[0].Items[2].FailOptions = nil
		},
			[]string{`item 3 ("cho")`, "at least two options"}},
		{"apps list empty", func(t *Template) { t.Sections[1].Items[0].Apps = nil },
			[]string{`section "b", item 1 ("app")`, "apps item lists no expected apps"}},
		{"apps listed twice", func(t *Template) { t.Sections[1].Items[0].Apps = []string{"Kami", "Kami"} },
			[]string{`item 1 ("app")`, `app "Kami" is listed twice`}},
		{"wifi without thresholds", func(t *Template) { t.Sections[1].Items[1].Wifi = nil },
			[]string{`section "b", item 2 ("wif")`, "wifi item has no thresholds"}},
		{"wifi with empty thresholds", func(t *Template) { t.Sections[1].Items[1].Wifi = &WifiThresholds{} },
			[]string{`section "b", item 2 ("wif")`, "wifi item has no thresholds"}},
		{"pass_min above pass_max", func(t *Template) { t.Sections[0].Items[1].PassMin = ptr(40) },
			[]string{`section "a", item 2 ("num")`, "pass_min 40 is above pass_max 30"}},
		{"rating pass_min off the scale", func(t *Template) { t.Sections[1].Items[2].PassMin = ptr(6) },
			[]string{`item 3 ("rat")`, "pass_min 6 is outside the rating scale 1-5"}},
		{"unknown room kind", func(t *Template) { t.Sections[0].Items[0].RoomKinds = []RoomKind{"kitchen"} },
			[]string{`item 1 ("chk")`, `room kind "kitchen" is unknown`}},
		{"empty label", func(t *Template) { t.Sections[0].Items[0].Label = "  " },
			[]string{`item 1 ("chk")`, "label is empty"}},
		{"bad item id", func(t *Template) { t.Sections[0].Items[0].ID = "Has Space" },
			[]string{`item 1 ("Has Space")`, "id must be"}},
		{"NUL in label", func(t *Template) { t.Sections[0].Items[0].Label = "a\x00b" },
			[]string{`item 1 ("chk")`, "label contains a NUL character"}},
		{"NUL in section title", func(t *Template) { t.Sections[1].Title = "B\x00" },
			[]string{`section 2 ("b")`, "title contains a NUL character"}},
		{"section without items", func(t *Template) { t.Sections[1].Items = nil },
			[]string{`section 2 ("b")`, "has no items"}},
		{"duplicate section id", func(t *Template) { t.Sections[1].ID = "a" },
			[]string{`section 2 ("a")`, "used by an earlier section"}},
		{"empty feedback prompt", func(t *Template) { t.Feedback.HelpEasy = " " },
			[]string{"feedback", "help_easy question is empty"}},
		{"no sections", func(t *Template) { t.Sections = nil }, []string{"template has no sections"}},
		{"no version", func(t *Template) { t.Version = "" }, []string{"template version is empty"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tpl := validTemplate()
			c.mutate(tpl)
			err := tpl.Validate()
			if err == nil {
				t.Fatal("Validate accepted the template")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

const parseHead = `{
  "id": "t1",
  "name": "Test",
  "version": "1",
  "feedback": {"supports_teaching": "s", "help_easy": "h", "choose_again": "c",
               "inconveniences": "i", "frustration": "f", "consent": "q"},
  "sections": [
    {"id": "a", "title": "A", "items": [
`

func TestParseTemplateErrors(t *testing.T) {
	cases := []struct {
		name string
		json string
		want []string
	}{
		{"syntax error",
			parseHead + `      {"id": "chk", "kind": "check" "label": "Works"}
    ]}
  ]
}`,
			[]string{"room.json:9:37: invalid character"}},
		{"syntax error after non-ASCII text",
			parseHead + `      {"id": "chk", "label": "Écran 東京", x}`,
			[]string{"room.json:9:42: invalid character 'x'"}},
		{"wrong type",
			parseHead + `      {"id": "num", "kind": "number", "label": "Seconds", "category": "Display",
       "severity": "high", "pass_max": "thirty"}
    ]}
  ]
}`,
			[]string{`room.json:10:40: section "a", item 1 ("num"): pass_max must be a number, not a string`}},
		{"wrong type object",
			`{"id": "t1",
 "sections": {"id": "a"}}`,
			[]string{"room.json:2:14: sections must be a list [...], not an object {...}"}},
		{"unknown field",
			parseHead + `      {"id": "chk", "kind": "check", "label": "Works", "category": "Display", "severty": "low"}
    ]}
  ]
}`,
			[]string{`room.json:9:79: section "a", item 1 ("chk"): unknown field "severty"; did you mean "severity"?`}},
		{"truncated", parseHead + `      {"id": "chk", "kind": "ch`,
			[]string{"room.json:9:32: the JSON ends before the template is complete"}},
		{"empty file", "", []string{"room.json:", "empty"}},
		{"stray closing bracket", `{"id": "t1"}
]`, []string{"room.json:2:1: extra data after the template object"}},
		{"validation error names the file", parseHead + `      {"id": "chk", "kind": "check", "label": "Works", "category": "Display", "severity": "urgent"}
    ]}
  ]
}`, []string{`room.json:9:91: section "a", item 1 ("chk"): severity "urgent" is unknown`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tpl, err := ParseTemplate("room.json", []byte(c.json))
			if err == nil {
				t.Fatalf("ParseTemplate accepted it: %+v", tpl)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestParseTemplateSizeLimit(t *testing.T) {
	data := make([]byte, MaxTemplateSize+1)
	_, err := ParseTemplate("big.json", data)
	if err == nil || !strings.Contains(err.Error(), "the limit is") {
		t.Fatalf("err = %v, want size limit", err)
	}
}

type evalCase struct {
	value  string
	out    Outcome
	reason string
}

func checkEval(t *testing.T, it Item, cases []evalCase) {
	t.Helper()
	for _, c := range cases {
		out, reason := it.Evaluate(c.value)
		if out != c.out || reason != c.reason {
			t.Errorf("%s %q = (%v, %q), want (%v, %q)", it.Kind, c.value, out, reason, c.out, c.reason)
		}
	}
}

func TestEvaluateCheck(t *testing.T) {
	it := Item{ID: "c", Kind: ItemCheck}
	checkEval(t, it, []evalCase{
		{"ok", Pass, ""}, {"missing", Fail, "missing"}, {"broken", Fail, "broken"},
		{"na", NotApplicable, ""}, {"", Unanswered, ""}, {"OK", Unanswered, ""},
	})
	if err := it.CheckValue("yes"); err == nil || !strings.Contains(err.Error(), `item "c"`) {
		t.Errorf("CheckValue(yes) = %v", err)
	}
	if err := it.CheckValue(""); err != nil {
		t.Errorf("clearing an answer: %v", err)
	}
}

func TestEvaluateRating(t *testing.T) {
	checkEval(t, Item{Kind: ItemRating, PassMin: ptr(3)}, []evalCase{
		{"3", Pass, ""}, {"5", Pass, ""}, {"2", Fail, "rated 2 of 5"}, {"1", Fail, "rated 1 of 5"},
		{"0", Unanswered, ""}, {"6", Unanswered, ""}, {"3.5", Unanswered, ""}, {"x", Unanswered, ""},
	})
	checkEval(t, Item{Kind: ItemRating}, []evalCase{{"1", NotApplicable, ""}, {"9", Unanswered, ""}})
}

func TestEvaluateNumber(t *testing.T) {
	checkEval(t, Item{Kind: ItemNumber, Unit: "seconds", PassMin: ptr(0), PassMax: ptr(30)}, []evalCase{
		{"30", Pass, ""}, {"0", Pass, ""}, {" 12.5 ", Pass, ""},
		{"30.5", Fail, "30.5 seconds, above 30"}, {"-1", Fail, "-1 seconds, below 0"},
		{"NaN", Unanswered, ""}, {"Inf", Unanswered, ""}, {"ten", Unanswered, ""},
	})
	checkEval(t, Item{Kind: ItemNumber, Unit: "devices", PassMax: ptr(0)}, []evalCase{
		{"0", Pass, ""}, {"2", Fail, "2 devices, above 0"},
	})
	// No bounds: the number is context and cannot fail.
	checkEval(t, Item{Kind: ItemNumber, Unit: "seats"}, []evalCase{{"28", NotApplicable, ""}, {"many", Unanswered, ""}})
}

func TestEvaluateChoice(t *testing.T) {
	it := Item{Kind: ItemChoice, Options: []string{"None", "Blocks curriculum sites", "Both"}, FailOptions: []string{"Blocks curriculum sites", "Both"}}
	checkEval(t, it, []evalCase{
		{"None", Pass, ""}, {"Both", Fail, "Both"}, {"Blocks curriculum sites", Fail, "Blocks curriculum sites"},
		{"none", Unanswered, ""}, {"Other", Unanswered, ""},
	})
	checkEval(t, Item{Kind: ItemChoice, Options: []string{"Yes", "No"}}, []evalCase{{"No", NotApplicable, ""}})
}

func TestEvaluateApps(t *testing.T) {
	it := Item{Kind: ItemApps, Apps: []string{"Clever", "Kami", "Desmos"}}
	checkEval(t, it, []evalCase{
		{"[]", Pass, ""},
		{`["Kami"]`, Fail, "missing: Kami"},
		{EncodeMissingApps([]string{"Kami", "Desmos"}), Fail, "missing: Kami, Desmos"},
		{`["Zoom"]`, Unanswered, ""},
		{`["Kami", "Zoom"]`, Unanswered, ""},
		{"Kami", Unanswered, ""},
	})
	if got := EncodeMissingApps(nil); got != "[]" {
		t.Errorf("EncodeMissingApps(nil) = %q", got)
	}
}

func TestEvaluateWifi(t *testing.T) {
	it := Item{Kind: ItemWifi, Wifi: &WifiThresholds{MinSignalDBM: ptr(-67), MaxLatencyMS: ptr(50), MinDownMbps: ptr(25), MinUpMbps: ptr(5)}}
	reading := func(sig, lat, down, up *float64) string {
		return WifiReading{SignalDBM: sig, LatencyMS: lat, DownMbps: down, UpMbps: up, SSID: "district"}.Encode()
	}
	checkEval(t, it, []evalCase{
		{reading(ptr(-60), ptr(20), ptr(100), ptr(20)), Pass, ""},
		{reading(ptr(-67), ptr(50), ptr(25), ptr(5)), Pass, ""},
		{reading(ptr(-72), ptr(20), ptr(100), ptr(20)), Fail, "signal -72 dBm (needs at least -67)"},
		{reading(ptr(-72), ptr(80), ptr(10.5), ptr(2)), Fail,
			"signal -72 dBm (needs at least -67); latency 80 ms (needs at most 50); download 10.5 Mbps (needs at least 25); upload 2 Mbps (needs at least 5)"},
		// Partly measured: only the figures taken are judged.
		{reading(ptr(-60), nil, nil, nil), Pass, ""},
		{reading(nil, ptr(120), nil, nil), Fail, "latency 120 ms (needs at most 50)"},
		{reading(nil, nil, ptr(30), ptr(1)), Fail, "upload 1 Mbps (needs at least 5)"},
		{reading(nil, nil, nil, nil), Unanswered, ""},
		{`{"jitter_ms": 40}`, Unanswered, ""},
		{"fast", Unanswered, ""},
	})
	// A figure without a threshold is recorded but cannot fail.
	signalOnly := Item{Kind: ItemWifi, Wifi: &WifiThresholds{MinSignalDBM: ptr(-67)}}
	checkEval(t, signalOnly, []evalCase{{reading(nil, ptr(900), ptr(0.1), nil), Pass, ""}})
	r, err := ParseWifi(reading(ptr(-55.5), nil, nil, nil))
	if err != nil || r.SignalDBM == nil || *r.SignalDBM != -55.5 || r.SSID != "district" || r.LatencyMS != nil {
		t.Errorf("ParseWifi round trip = %+v, %v", r, err)
	}
}

func TestEvaluateUnscoredKinds(t *testing.T) {
	checkEval(t, Item{Kind: ItemText}, []evalCase{{"Ms Nguyễn and the principal", NotApplicable, ""}, {"", Unanswered, ""}})
	checkEval(t, Item{Kind: ItemPhoto}, []evalCase{{"photo-id", NotApplicable, ""}})
}

// scoreTemplate: one critical, two low and one high (classrooms only) scored
// check, plus a text note and a choice that cannot fail.
func scoreTemplate() *Template {
	tpl := &Template{
		ID: "s", Name: "Score", Version: "1",
		Sections: []Section{{ID: "a", Title: "A", Items: []Item{
			{ID: "crit", Kind: ItemCheck, Label: "Display", Category: "Display", Severity: Critical},
			{ID: "low1", Kind: ItemCheck, Label: "Remote", Category: "Cables", Severity: Low},
			{ID: "low2", Kind: ItemCheck, Label: "Spare cable", Category: "Cables", Severity: Low},
			{ID: "note", Kind: ItemText, Label: "Note", Category: "Context", Severity: Low},
			{ID: "use", Kind: ItemChoice, Label: "In use", Category: "Context", Severity: Low, Options: []string{"Yes", "No"}},
			{ID: "high", Kind: ItemCheck, Label: "Speakers", Category: "Audio", Severity: High, RoomKinds: []RoomKind{KindClassroom}},
		}}},
		Feedback: FeedbackPrompt{SupportsTeaching: "s", HelpEasy: "h", ChooseAgain: "c", Inconveniences: "i", Frustration: "f", Consent: "q"},
	}
	return tpl
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestScoreVisit(t *testing.T) {
	tpl := scoreTemplate()
	if err := tpl.Validate(); err != nil {
		t.Fatal(err)
	}
	rooms := []Room{
		{Record: Record{ID: "r1"}, Number: "101", Kind: KindClassroom},
		{Record: Record{ID: "r2"}, Number: "102", Kind: KindClassroom},
		{Record: Record{ID: "r3"}, Number: "Office", Kind: KindOffice},
		{Record: Record{ID: "r4"}, Number: "Gym", Kind: KindGym},
	}
	ans := func(room, item, value string) Answer {
		return Answer{VisitID: "v", RoomID: room, ItemID: item, Value: value}
	}
	deleted := ans("r2", "low2", "broken")
	deleted.Deleted = true
	answers := []Answer{
		// r1: critical fails, two lows pass, high is n/a: 100*(1-10/12).
		ans("r1", "crit", "broken"), ans("r1", "low1", "ok"), ans("r1", "low2", "ok"),
		ans("r1", "high", "na"), ans("r1", "note", "cable taped down"), ans("r1", "use", "Yes"),
		// r2: one low fails out of 10+1+1+5: 100*(1-1/17).
		ans("r2", "crit", "ok"), ans("r2", "low1", "missing"), ans("r2", "low2", "ok"), ans("r2", "high", "ok"),
		deleted,
		// r3: the only answer is for an item offices are not asked: not visited.
		ans("r3", "high", "broken"),
		// r4: only n/a: not visited.
		ans("r4", "crit", "na"),
	}
	feedback := []Feedback{
		{VisitID: "v", RoomID: "r1", SupportsTeaching: 4, HelpEasy: 2, ChooseAgain: ChooseYes, Inconveniences: 3},
		{VisitID: "v", RoomID: "r2", SupportsTeaching: 2, ChooseAgain: ChooseNo, Inconveniences: 5},
		{VisitID: "v", RoomID: "r3", HelpEasy: 5, ChooseAgain: ChooseUnsure},
		{VisitID: "v", RoomID: "r4"},
		{Record: Record{Deleted: true}, VisitID: "v", RoomID: "r4", SupportsTeaching: 1, HelpEasy: 1, ChooseAgain: ChooseYes, Inconveniences: 50},
	}
	vs := ScoreVisit(tpl, rooms, answers, feedback)

	r1, r2 := 100*(1-10.0/12), 100*(1-1.0/17)
	if len(vs.Rooms) != 4 {
		t.Fatalf("%d room scores", len(vs.Rooms))
	}
	type roomWant struct {
		score                             float64
		scored, failures, answered, items int
		ready, visited                    bool
	}
	wants := []roomWant{
		{r1, 3, 1, 6, 6, false, true},
		{r2, 4, 1, 4, 6, true, true},
		{0, 0, 0, 0, 5, false, false},
		{0, 0, 0, 1, 5, false, false},
	}
	for i, w := range wants {
		got := vs.Rooms[i]
		if !near(got.Score, w.score) || got.Scored != w.scored || got.Failures != w.failures ||
			got.Answered != w.answered || got.Items != w.items || got.Ready != w.ready || got.Visited() != w.visited {
			t.Errorf("room %s = %+v, want %+v", got.Room.Number, got, w)
		}
	}
	if !near(vs.Score, (r1+r2)/2) {
		t.Errorf("visit score = %v, want %v", vs.Score, (r1+r2)/2)
	}
	if vs.RoomsVisited != 2 || vs.RoomsReady != 1 || vs.Failures != 2 {
		t.Errorf("visited %d, ready %d, failures %d; want 2, 1, 2", vs.RoomsVisited, vs.RoomsReady, vs.Failures)
	}
	wantCats := []CategoryScore{
		{Category: "Display", Score: 50, Scored: 2, Failures: 1},
		{Category: "Cables", Score: 75, Scored: 4, Failures: 1},
		{Category: "Audio", Score: 100, Scored: 1, Failures: 0},
	}
	if len(vs.Categories) != len(wantCats) {
		t.Fatalf("categories = %+v, want %+v", vs.Categories, wantCats)
	}
	for i, w := range wantCats {
		if g := vs.Categories[i]; g.Category != w.Category || !near(g.Score, w.Score) || g.Scored != w.Scored || g.Failures != w.Failures {
			t.Errorf("category %d = %+v, want %+v", i, g, w)
		}
	}
	if vs.FeedbackCount != 4 || !near(vs.MeanSupportsTeaching, 3) || !near(vs.MeanHelpEasy, 3.5) ||
		vs.ChooseAgainAnswers != 3 || !near(vs.ChooseAgainShare, 1.0/3) || vs.ReportedInconveniences != 8 {
		t.Errorf("feedback KPIs: count %d, supports %v, help %v, choose-again %d at %v, inconveniences %d; want 4, 3, 3.5, 3 at 0.333, 8",
			vs.FeedbackCount, vs.MeanSupportsTeaching, vs.MeanHelpEasy, vs.ChooseAgainAnswers, vs.ChooseAgainShare, vs.ReportedInconveniences)
	}
}

func TestScoreVisitEmpty(t *testing.T) {
	vs := ScoreVisit(scoreTemplate(), []Room{{Record: Record{ID: "r1"}, Number: "1", Kind: KindClassroom}}, nil, nil)
	if vs.Score != 0 || vs.RoomsVisited != 0 || vs.RoomsReady != 0 || len(vs.Categories) != 0 || vs.ChooseAgainShare != 0 {
		t.Errorf("empty visit = %+v", vs)
	}
}

// TestParseTemplateReportsEveryProblemInOrder: like a compiler, one check
// lists every problem with its line, column, section and item, in file order.
func TestParseTemplateReportsEveryProblemInOrder(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "templates", "many-kinds-of-problem.json"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ParseTemplate("district.json", data)
	var te *TemplateError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a *TemplateError", err)
	}
	want := []string{
		`district.json:5:3: unknown field "colour"`,
		`district.json:10:56: section "a", item 1 ("chk"): "label" is given twice (first on line 10)`,
		`district.json:10:109: section "a", item 1 ("chk"): severity "urgent" is unknown`,
		`district.json:12:35: section "a", item 2 ("w"): min_signal_dbm 50 is out of range`,
		`district.json:12:57: section "a", item 2 ("w"): max_latency_ms -5 is out of range`,
		`district.json:12:78: section "a", item 2 ("w"): min_down_mbps must be a number, not a string`,
		`district.json:13:99: section "a", item 3 ("n"): pass_max: the number 1e999 is out of range`,
		`district.json:13:106: section "a", item 3 ("n"): unknown field "Unit"; did you mean "unit"?`,
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d problems, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("problem %d = %q, want it to start with %q", i+1, lines[i], w)
		}
	}
}

// TestParseTemplateKeepsTheEarliestProblems: a file with a problem in
// every byte lists the first 50 and counts the rest.
func TestParseTemplateKeepsTheEarliestProblems(t *testing.T) {
	data := append(append([]byte(`{"id": "`), bytes.Repeat([]byte{0xff}, 100_000)...), '"', '}')
	_, err := ParseTemplate("bytes.json", data)
	var te *TemplateError
	if !errors.As(err, &te) || len(te.Problems) != 50 || te.More < 100_000-50 {
		t.Fatalf("err = %T with %d problems and %d more", err, len(te.Problems), te.More)
	}
	for i, p := range te.Problems[1:] {
		if prev := te.Problems[i]; p.Line < prev.Line || p.Line == prev.Line && p.Column < prev.Column {
			t.Fatalf("problem %d (%d:%d) comes before problem %d (%d:%d)", i+2, p.Line, p.Column, i+1, prev.Line, prev.Column)
		}
	}
	if p := te.Problems[49]; p.Line != 1 || p.Column < 9 || !strings.Contains(p.Message, "byte 0xff is not UTF-8") {
		t.Errorf("50th problem = %+v, want a byte of the id", p)
	}
}
