package pdf

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"techwalk/audit"
)

// checkPredicate turns a check item phrased as what should hold ("Remote
// and display pens are present") into what went wrong ("Remote and display
// pens missing"): the predicate that ends the label and its failing forms.
type checkPredicate struct {
	suffix          string
	missing, broken string
}

// checkPredicates are tried in order; longer, more specific endings first.
var checkPredicates = []checkPredicate{
	{" is present and powers on", "missing", "does not power on"},
	{" is present and charges", "missing", "does not charge"},
	{" is present and works", "missing", "not working"},
	{" are present and work", "missing", "not working"},
	{" is present", "missing", "broken"},
	{" are present", "missing", "broken"},
	{" powers on", "missing", "does not power on"},
	{" is secure", "missing", "loose"},
	{" are current", "out of date", "out of date"},
	{" is current", "out of date", "out of date"},
	{" are available", "not available", "not working"},
	{" is available", "not available", "not working"},
	{" are not", "", ""},
	{" is readable", "missing", "not readable"},
	{" is locked", "not locked", "not locked"},
	{" works", "missing", "not working"},
	{" work", "missing", "not working"},
	{" shows", "missing", "does not show"},
	{" boots", "missing", "does not boot"},
	{" play", "missing", "do not play"},
	{" can", "cannot", "cannot"},
}

// problem says what was wrong with an item in a few words, as a principal
// would: "Display or projector mount loose", "HDMI adapter missing",
// "Wi-Fi at the back of the room below the standard".
func problem(it audit.Item, reasons []string) string {
	label := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(it.Label), "?"))
	switch it.Kind {
	case audit.ItemCheck:
		return checkProblem(label, reasons)
	case audit.ItemApps:
		return label + ": " + strings.Join(missingApps(reasons), ", ") + " missing"
	case audit.ItemWifi:
		return label + " below the standard"
	case audit.ItemNumber:
		return label + ": " + strings.Join(reasons, "; ")
	case audit.ItemRating:
		return label + ": " + strings.Join(reasons, "; ")
	case audit.ItemChoice:
		return label + ": " + strings.Join(quoteAll(reasons), " or ")
	}
	return label + ": not met"
}

// checkProblem phrases a failing check from its label and reasons
// ("missing", "broken").
func checkProblem(label string, reasons []string) string {
	if rest, ok := strings.CutPrefix(label, "No "); ok {
		return sentence(rest) + " found"
	}
	lower := strings.ToLower(label)
	for _, p := range checkPredicates {
		if !strings.HasSuffix(lower, p.suffix) && !strings.Contains(lower, p.suffix+" ") {
			continue
		}
		at := strings.Index(lower, p.suffix)
		subject, rest := label[:at], label[at+len(p.suffix):]
		words := []string{}
		for _, r := range reasons {
			w := p.broken
			if r == audit.CheckMissing {
				w = p.missing
			}
			if !slices.Contains(words, w) {
				words = append(words, w)
			}
		}
		return strings.Join(strings.Fields(subject+" "+strings.Join(words, " or ")+rest), " ")
	}
	return label + " " + strings.Join(reasons, " or ")
}

// roomList names rooms in a sentence: "room 104", "rooms 101, 104 and 110",
// "rooms 101, 104, 110 and 3 more".
func roomList(rooms []audit.Room, most int) string {
	if len(rooms) == 0 {
		return ""
	}
	if len(rooms) == 1 {
		return roomPhrase(rooms[0])
	}
	names := make([]string, 0, len(rooms))
	for _, r := range rooms {
		names = append(names, strings.TrimPrefix(roomPhrase(r), "room "))
	}
	if len(names) > most {
		return "rooms " + strings.Join(names[:most], ", ") + " and " + itoa(len(names)-most) + " more"
	}
	return "rooms " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// sentence gives s a capital first letter.
func sentence(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// quoted puts an auditor's note in quotation marks, trimmed.
func quoted(note string) string {
	return "“" + strings.TrimSpace(note) + "”"
}
