package audit

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

// UnansweredScored lists the scored items that apply to a room kind and
// have no answer among answers (by item id), in template order: what
// keeps a room from being fully walked.
func (t *Template) UnansweredScored(kind RoomKind, answers map[string]Answer) []Item {
	var out []Item
	for _, si := range t.ItemsFor(kind) {
		if a, ok := answers[si.ID]; si.Scored() && (!ok || a.Value == "" || a.Deleted) {
			out = append(out, si.Item)
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
		for i := range s.Items { // by index: an Item is too big to copy for every one looked at
			if s.Items[i].ID == id {
				return s.Items[i], true
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
