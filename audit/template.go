package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"
)

// ItemKind is the kind of answer a checklist item asks for.
type ItemKind string

// The item kinds a template may use.
const (
	ItemCheck  ItemKind = "check"  // ok / missing / broken / n/a
	ItemRating ItemKind = "rating" // 1-5
	ItemNumber ItemKind = "number" // a figure with a unit and pass bounds
	ItemChoice ItemKind = "choice" // one of a list; some options fail
	ItemText   ItemKind = "text"   // free text, never fails
	ItemApps   ItemKind = "apps"   // expected apps; the answer lists the missing ones
	ItemWifi   ItemKind = "wifi"   // signal, latency and throughput against thresholds
	ItemPhoto  ItemKind = "photo"  // a photo is asked for; never fails
)

var itemKinds = []ItemKind{ItemCheck, ItemRating, ItemNumber, ItemChoice, ItemText, ItemApps, ItemWifi, ItemPhoto}

// Template is a versioned checklist: sections of items. A visit keeps the
// exact version it used, so old reports never change.
type Template struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Version     string         `json:"version"`
	Description string         `json:"description,omitempty"`
	Sections    []Section      `json:"sections"`
	Feedback    FeedbackPrompt `json:"feedback"`
}

// Section groups the items of a template under a title.
type Section struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Items []Item `json:"items"`
}

// Item is one question of a checklist.
type Item struct {
	ID        string     `json:"id"`
	Kind      ItemKind   `json:"kind"`
	Label     string     `json:"label"`
	Category  string     `json:"category"`
	Severity  Severity   `json:"severity"`
	Guidance  string     `json:"guidance,omitempty"`
	RoomKinds []RoomKind `json:"room_kinds,omitempty"` // empty: every kind

	Unit    string   `json:"unit,omitempty"`     // number
	PassMin *float64 `json:"pass_min,omitempty"` // number, rating
	PassMax *float64 `json:"pass_max,omitempty"` // number

	Options     []string `json:"options,omitempty"`      // choice
	FailOptions []string `json:"fail_options,omitempty"` // choice

	Apps []string `json:"apps,omitempty"` // apps

	Wifi *WifiThresholds `json:"wifi,omitempty"` // wifi

	ShowIf *ShowIf `json:"show_if,omitempty"` // asked only after an earlier answer (template_showif.go)
}

// WifiThresholds are the pass bounds of a Wi-Fi item; a nil bound is not checked.
type WifiThresholds struct {
	MinSignalDBM *float64 `json:"min_signal_dbm,omitempty"`
	MaxLatencyMS *float64 `json:"max_latency_ms,omitempty"`
	MinDownMbps  *float64 `json:"min_down_mbps,omitempty"`
	MinUpMbps    *float64 `json:"min_up_mbps,omitempty"`
}

// FeedbackPrompt holds the wording of the teacher feedback form, so a
// district can phrase the questions its own way.
type FeedbackPrompt struct {
	SupportsTeaching string `json:"supports_teaching"`
	HelpEasy         string `json:"help_easy"`
	ChooseAgain      string `json:"choose_again"`
	Inconveniences   string `json:"inconveniences"`
	Frustration      string `json:"frustration"`
	Consent          string `json:"consent"`
}

// AppliesTo reports whether the item is asked in a room of the given kind.
func (it Item) AppliesTo(kind RoomKind) bool {
	if len(it.RoomKinds) == 0 {
		return true
	}
	for _, k := range it.RoomKinds {
		if k == kind {
			return true
		}
	}
	return false
}

// Scored reports whether answers to the item can pass or fail. Items that
// can never fail (text, photo, a rating without pass_min, a number without
// bounds, a choice without fail options) only record context: counting them
// as passes would lift every room's score.
func (it Item) Scored() bool {
	switch it.Kind {
	case ItemText, ItemPhoto:
		return false
	case ItemRating:
		return it.PassMin != nil
	case ItemNumber:
		return it.PassMin != nil || it.PassMax != nil
	case ItemChoice:
		return len(it.FailOptions) > 0
	}
	return true
}

// ItemsFor returns the items that apply to a room kind, in template order,
// each with the title of its section.
func (t *Template) ItemsFor(kind RoomKind) []SectionItem {
	var out []SectionItem
	for _, s := range t.Sections {
		for _, it := range s.Items {
			if it.AppliesTo(kind) {
				out = append(out, SectionItem{Section: s.Title, Item: it})
			}
		}
	}
	return out
}

// SectionItem is an item together with the title of its section.
type SectionItem struct {
	Section string
	Item
}

// Item finds an item by ID.
func (t *Template) Item(id string) (Item, bool) {
	for _, s := range t.Sections {
		for _, it := range s.Items {
			if it.ID == id {
				return it, true
			}
		}
	}
	return Item{}, false
}

// Categories lists the categories of the template's scored items in first-seen order.
func (t *Template) Categories() []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range t.Sections {
		for _, it := range s.Items {
			if it.Scored() && !seen[it.Category] {
				seen[it.Category] = true
				out = append(out, it.Category)
			}
		}
	}
	return out
}

// MaxTemplateSize bounds the JSON a template may take.
const MaxTemplateSize = 2 << 20

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// ParseTemplate reads and validates a template from JSON. source names the
// file in error messages. Unknown fields are refused so typos show up.
func ParseTemplate(source string, data []byte) (*Template, error) {
	if len(data) > MaxTemplateSize {
		return nil, fmt.Errorf("%s: template is %d bytes; the limit is %d", source, len(data), MaxTemplateSize)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var t Template
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("%s: %s", source, describeJSONError(data, err))
	}
	// Decoder.More stops at a stray ']' or '}', so look at the bytes themselves.
	end := int(dec.InputOffset())
	if extra := len(data) - end - len(bytes.TrimLeft(data[end:], " \t\r\n")); end+extra < len(data) {
		line, col := lineCol(data, int64(end+extra))
		return nil, fmt.Errorf("%s: line %d, column %d: extra data after the template object", source, line, col)
	}
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	t.canonicalize()
	return &t, nil
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

func describeJSONError(data []byte, err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		// Offset counts the bytes read, the offending one included.
		line, col := lineCol(data, syn.Offset-1)
		return fmt.Sprintf("line %d, column %d: %v", line, col, err)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		line, col := lineCol(data, valueStart(data, typ.Offset))
		return fmt.Sprintf("line %d, column %d: field %q must be %s, not %s", line, col, typ.Field, typ.Type, typ.Value)
	}
	if errors.Is(err, io.EOF) {
		return "the file is empty; a template is a JSON object"
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		line, col := lineCol(data, int64(len(data)))
		return fmt.Sprintf("line %d, column %d: the JSON ends before the template is complete (is the file cut short?)", line, col)
	}
	return err.Error()
}

// valueStart finds where the JSON value that a type error reports begins.
// The decoder gives the offset just past the opening '{' or '[' of an object
// or array, and just past the end of a string, number or literal.
func valueStart(data []byte, offset int64) int64 {
	if offset <= 0 || offset > int64(len(data)) {
		return offset
	}
	i := offset - 1
	switch data[i] {
	case '{', '[':
		return i
	case '"':
		for j := i - 1; j >= 0; j-- {
			if data[j] != '"' {
				continue
			}
			backslashes := 0
			for k := j - 1; k >= 0 && data[k] == '\\'; k-- {
				backslashes++
			}
			if backslashes%2 == 0 {
				return j
			}
		}
		return i
	}
	for i > 0 && !bytes.ContainsRune([]byte(" \t\r\n:,[{"), rune(data[i-1])) {
		i--
	}
	return i
}

// lineCol gives the 1-based line and column of the byte at offset; the
// column counts characters, as editors do, not bytes.
func lineCol(data []byte, offset int64) (int, int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 0 {
		offset = 0
	}
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return line, col
}

// Validate checks the whole template; the error names the section and item.
func (t *Template) Validate() error {
	if !idPattern.MatchString(t.ID) {
		return fmt.Errorf("template id %q must be 1-64 lower-case letters, digits, '.', '_' or '-'", t.ID)
	}
	if strings.TrimSpace(t.Name) == "" {
		return errors.New("template name is empty")
	}
	if strings.TrimSpace(t.Version) == "" {
		return errors.New("template version is empty; give a version such as 1.0")
	}
	if err := firstError(checkText("template name", t.Name, MaxNameLen), checkText("template version", t.Version, 40),
		checkText("template description", t.Description, MaxNoteLen)); err != nil {
		return err
	}
	if len(t.Sections) == 0 {
		return errors.New("template has no sections")
	}
	if err := t.Feedback.validate(); err != nil {
		return err
	}
	sections := map[string]bool{}
	items := map[string]string{}
	for i, s := range t.Sections {
		where := fmt.Sprintf("section %d (%q)", i+1, s.ID)
		if !idPattern.MatchString(s.ID) {
			return fmt.Errorf("%s: id must be 1-64 lower-case letters, digits, '.', '_' or '-'", where)
		}
		if sections[s.ID] {
			return fmt.Errorf("%s: id is used by an earlier section", where)
		}
		sections[s.ID] = true
		if strings.TrimSpace(s.Title) == "" {
			return fmt.Errorf("%s: title is empty", where)
		}
		if err := checkText("title", s.Title, MaxNameLen); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if len(s.Items) == 0 {
			return fmt.Errorf("%s: has no items", where)
		}
		for j, it := range s.Items {
			itemWhere := fmt.Sprintf("section %q, item %d (%q)", s.ID, j+1, it.ID)
			if prev, dup := items[it.ID]; dup {
				return fmt.Errorf("%s: id is already used in section %q", itemWhere, prev)
			}
			items[it.ID] = s.ID
			if err := it.validate(); err != nil {
				return fmt.Errorf("%s: %w", itemWhere, err)
			}
		}
	}
	return t.validateShowIf()
}

func (p FeedbackPrompt) validate() error {
	fields := []struct{ name, text string }{
		{"supports_teaching", p.SupportsTeaching}, {"help_easy", p.HelpEasy}, {"choose_again", p.ChooseAgain},
		{"inconveniences", p.Inconveniences}, {"frustration", p.Frustration}, {"consent", p.Consent},
	}
	for _, f := range fields {
		if strings.TrimSpace(f.text) == "" {
			return fmt.Errorf("feedback: the %s question is empty", f.name)
		}
		if err := checkText("feedback "+f.name, f.text, MaxNameLen); err != nil {
			return err
		}
	}
	return nil
}

func (it Item) validate() error {
	if !idPattern.MatchString(it.ID) {
		return errors.New("id must be 1-64 lower-case letters, digits, '.', '_' or '-'")
	}
	if !containsKind(it.Kind) {
		return fmt.Errorf("kind %q is unknown; use one of check, rating, number, choice, text, apps, wifi, photo", it.Kind)
	}
	if strings.TrimSpace(it.Label) == "" {
		return errors.New("label is empty")
	}
	if strings.TrimSpace(it.Category) == "" {
		return errors.New("category is empty")
	}
	if !it.Severity.Valid() {
		return fmt.Errorf("severity %q is unknown; use critical, high, medium or low", it.Severity)
	}
	for _, k := range it.RoomKinds {
		if !k.Valid() {
			return fmt.Errorf("room kind %q is unknown; use one of %s", k, joinKinds(RoomKinds))
		}
	}
	if err := firstError(checkText("label", it.Label, MaxNameLen), checkText("category", it.Category, MaxNameLen),
		checkText("guidance", it.Guidance, MaxNoteLen), checkText("unit", it.Unit, MaxNameLen)); err != nil {
		return err
	}
	return it.validateKind()
}

func (it Item) validateKind() error {
	switch it.Kind {
	case ItemRating:
		if it.PassMin != nil && (*it.PassMin < 1 || *it.PassMin > 5) {
			return fmt.Errorf("pass_min %v is outside the rating scale 1-5", *it.PassMin)
		}
	case ItemNumber:
		if it.PassMin != nil && it.PassMax != nil && *it.PassMin > *it.PassMax {
			return fmt.Errorf("pass_min %v is above pass_max %v", *it.PassMin, *it.PassMax)
		}
	case ItemChoice:
		return validateChoice(it)
	case ItemApps:
		if len(it.Apps) == 0 {
			return errors.New("apps item lists no expected apps")
		}
		return uniqueNonEmpty("app", it.Apps)
	case ItemWifi:
		if it.Wifi == nil || *it.Wifi == (WifiThresholds{}) {
			return errors.New("wifi item has no thresholds; add \"wifi\": {\"min_signal_dbm\": -67, ...}")
		}
	}
	return nil
}

func validateChoice(it Item) error {
	if len(it.Options) < 2 {
		return errors.New("choice item needs at least two options")
	}
	if err := uniqueNonEmpty("option", it.Options); err != nil {
		return err
	}
	for _, f := range it.FailOptions {
		if !containsString(it.Options, f) {
			return fmt.Errorf("fail option %q is not one of the options", f)
		}
	}
	return nil
}

func uniqueNonEmpty(what string, list []string) error {
	seen := map[string]bool{}
	for _, s := range list {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("an %s is empty", what)
		}
		if seen[s] {
			return fmt.Errorf("%s %q is listed twice", what, s)
		}
		if err := checkText(what, s, MaxNameLen); err != nil {
			return err
		}
		seen[s] = true
	}
	return nil
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
