package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Check item values.
const (
	CheckOK      = "ok"
	CheckMissing = "missing"
	CheckBroken  = "broken"
	CheckNA      = "na"
)

// Outcome is what an answer means for the score.
type Outcome int

// The outcomes of evaluating an answer.
const (
	Unanswered    Outcome = iota // no value given
	NotApplicable                // n/a, or an unscored kind (text, photo)
	Pass
	Fail
)

// WifiReading is the value of a Wi-Fi item: measured or typed figures.
// A nil figure was not taken.
type WifiReading struct {
	SignalDBM *float64 `json:"signal_dbm,omitempty"`
	LatencyMS *float64 `json:"latency_ms,omitempty"`
	JitterMS  *float64 `json:"jitter_ms,omitempty"`
	DownMbps  *float64 `json:"down_mbps,omitempty"`
	UpMbps    *float64 `json:"up_mbps,omitempty"`
	SSID      string   `json:"ssid,omitempty"`
	BSSID     string   `json:"bssid,omitempty"`
	Band      string   `json:"band,omitempty"`
	Source    string   `json:"source,omitempty"` // "measured" or "manual"
}

// Encode returns the reading as an answer value.
func (w WifiReading) Encode() string {
	b, _ := json.Marshal(w)
	return string(b)
}

// ParseWifi reads a Wi-Fi answer value.
func ParseWifi(value string) (WifiReading, error) {
	var w WifiReading
	if err := json.Unmarshal([]byte(value), &w); err != nil {
		return w, fmt.Errorf("wifi reading is not valid JSON: %v", err)
	}
	return w, nil
}

// EncodeMissingApps returns the answer value of an apps item.
func EncodeMissingApps(missing []string) string {
	if missing == nil {
		missing = []string{}
	}
	b, _ := json.Marshal(missing)
	return string(b)
}

// ParseMissingApps reads the missing apps from an apps answer value.
func ParseMissingApps(value string) ([]string, error) {
	var missing []string
	if err := json.Unmarshal([]byte(value), &missing); err != nil {
		return nil, fmt.Errorf("apps answer is not a JSON list: %v", err)
	}
	return missing, nil
}

// CheckValue reports whether value is a well-formed answer for the item;
// an empty value (cleared answer) is always accepted.
func (it Item) CheckValue(value string) error {
	if value == "" {
		return nil
	}
	_, _, err := it.evaluate(value)
	if err != nil {
		return fmt.Errorf("item %q: %w", it.ID, err)
	}
	return nil
}

// Evaluate says whether a value passes the item, and why it fails.
// A malformed value counts as unanswered.
func (it Item) Evaluate(value string) (Outcome, string) {
	if value == "" {
		return Unanswered, ""
	}
	out, reason, err := it.evaluate(value)
	if err != nil {
		return Unanswered, ""
	}
	if !it.Scored() {
		return NotApplicable, ""
	}
	return out, reason
}

func (it Item) evaluate(value string) (Outcome, string, error) {
	if value == CheckNA && !(it.Kind == ItemChoice && slices.Contains(it.Options, value)) {
		return NotApplicable, "", nil // every item can be marked n/a
	}
	switch it.Kind {
	case ItemCheck:
		return evaluateCheck(value)
	case ItemRating:
		return it.evaluateRating(value)
	case ItemNumber:
		return it.evaluateNumber(value)
	case ItemChoice:
		return it.evaluateChoice(value)
	case ItemApps:
		return it.evaluateApps(value)
	case ItemWifi:
		return it.evaluateWifi(value)
	}
	return NotApplicable, "", nil
}

func evaluateCheck(value string) (Outcome, string, error) {
	switch value {
	case CheckOK:
		return Pass, "", nil
	case CheckMissing:
		return Fail, "missing", nil
	case CheckBroken:
		return Fail, "broken", nil
	case CheckNA:
		return NotApplicable, "", nil
	}
	return Unanswered, "", errors.New("the answer is not ok, missing, broken or na")
}

func (it Item) evaluateRating(value string) (Outcome, string, error) {
	n, err := strconv.Atoi(value)
	if err != nil || n < 1 || n > 5 {
		return Unanswered, "", errors.New("the rating is not a whole number from 1 to 5")
	}
	if it.PassMin == nil {
		return NotApplicable, "", nil
	}
	if float64(n) < *it.PassMin {
		return Fail, fmt.Sprintf("rated %d of 5", n), nil
	}
	return Pass, "", nil
}

func (it Item) evaluateNumber(value string) (Outcome, string, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return Unanswered, "", errors.New("the answer is not a number")
	}
	if it.PassMin != nil && v < *it.PassMin {
		return Fail, fmt.Sprintf("%s %s, below %s", fmtNum(v), it.Unit, fmtNum(*it.PassMin)), nil
	}
	if it.PassMax != nil && v > *it.PassMax {
		return Fail, fmt.Sprintf("%s %s, above %s", fmtNum(v), it.Unit, fmtNum(*it.PassMax)), nil
	}
	return Pass, "", nil
}

func (it Item) evaluateChoice(value string) (Outcome, string, error) {
	if !slices.Contains(it.Options, value) {
		return Unanswered, "", errors.New("the answer is not one of the options")
	}
	if slices.Contains(it.FailOptions, value) {
		return Fail, value, nil
	}
	return Pass, "", nil
}

func (it Item) evaluateApps(value string) (Outcome, string, error) {
	missing, err := ParseMissingApps(value)
	if err != nil {
		return Unanswered, "", err
	}
	for _, app := range missing {
		if !slices.Contains(it.Apps, app) {
			return Unanswered, "", fmt.Errorf("app %q is not in the expected list", app)
		}
	}
	if len(missing) > 0 {
		return Fail, "missing: " + strings.Join(missing, ", "), nil
	}
	return Pass, "", nil
}

func (it Item) evaluateWifi(value string) (Outcome, string, error) {
	w, err := ParseWifi(value)
	if err != nil {
		return Unanswered, "", err
	}
	th := it.Wifi
	if th == nil {
		th = &WifiThresholds{}
	}
	var reasons []string
	taken := false
	check := func(got, bound *float64, below bool, format string) {
		if got == nil {
			return
		}
		taken = true
		if bound == nil {
			return
		}
		if (below && *got < *bound) || (!below && *got > *bound) {
			reasons = append(reasons, fmt.Sprintf(format, fmtNum(*got), fmtNum(*bound)))
		}
	}
	check(w.SignalDBM, th.MinSignalDBM, true, "signal %s dBm (needs at least %s)")
	check(w.LatencyMS, th.MaxLatencyMS, false, "latency %s ms (needs at most %s)")
	check(w.DownMbps, th.MinDownMbps, true, "download %s Mbps (needs at least %s)")
	check(w.UpMbps, th.MinUpMbps, true, "upload %s Mbps (needs at least %s)")
	if !taken {
		return Unanswered, "", nil
	}
	if len(reasons) > 0 {
		return Fail, strings.Join(reasons, "; "), nil
	}
	return Pass, "", nil
}

func fmtNum(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}
