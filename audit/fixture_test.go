package audit

// fixtureTemplate is a small checklist with one item of each scored kind.
func fixtureTemplate() *Template {
	return &Template{ID: "fixture", Name: "Fixture", Version: "1",
		Feedback: FeedbackPrompt{"Supports?", "Help?", "Again?", "How often?", "Frustration?", "Quote?"},
		Sections: []Section{{ID: "front", Title: "Front of room", Items: []Item{
			{ID: "display", Kind: ItemCheck, Label: "Display powers on", Category: "Display", Severity: Critical},
			{ID: "hdmi", Kind: ItemCheck, Label: "HDMI adapter", Category: "Cables", Severity: High},
			{ID: "pens", Kind: ItemCheck, Label: "Pens present", Category: "Display", Severity: Low, RoomKinds: []RoomKind{KindClassroom}},
			{ID: "boot", Kind: ItemNumber, Label: "Laptop boot time", Unit: "s", PassMax: floatPtr(120), Category: "Teacher device", Severity: Medium},
			{ID: "apps", Kind: ItemApps, Label: "Curriculum apps", Apps: []string{"Clever", "Seesaw"}, Category: "Apps", Severity: High},
			{ID: "wifi", Kind: ItemWifi, Label: "Wi-Fi front", Category: "Wi-Fi", Severity: High,
				Wifi: &WifiThresholds{MinSignalDBM: floatPtr(-67), MaxLatencyMS: floatPtr(50)}},
			{ID: "notes", Kind: ItemText, Label: "Notes", Category: "Context", Severity: Low},
		}}}}
}

func floatPtr(v float64) *float64 { return &v }
