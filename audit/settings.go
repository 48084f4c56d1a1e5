package audit

import (
	"fmt"
	"slices"
)

// Setting keys the reports read, as every store keeps them.
const (
	SettingDistrict  = "district_name"
	SettingLogo      = "district_logo"      // base64 PNG/JPEG, already downscaled
	SettingPaper     = "paper"              // "a4" or "letter"
	SettingAnonymise = "anonymise_teachers" // "true" (default) or "false"
	// SettingMinCoverage is the percentage of a room's or visit's scored
	// checks that must be answered for it to count as fully walked ("80").
	SettingMinCoverage = "min_coverage_percent"
)

// MaxSettingLen bounds one setting's value (a logo is the largest).
const MaxSettingLen = 4 << 20

// DistrictSettings are the settings that belong to the district, not to
// one device: the name and logo on report covers, the paper size, whether
// reports name teachers, the coverage a walk needs to count, and IT's
// owner teams. They travel with every bundle and merge last writer wins
// by clock. Every other setting stays on its device: who uses it, the
// feedback form's PIN, the hub's address, the Wi-Fi test URL.
var DistrictSettings = []string{SettingDistrict, SettingLogo, SettingPaper, SettingAnonymise, SettingMinCoverage, SettingOwnerTeams}

// IsDistrictSetting reports whether key is one of DistrictSettings.
func IsDistrictSetting(key string) bool { return slices.Contains(DistrictSettings, key) }

// SettingChange is a district-wide setting with the clock of its last change.
type SettingChange struct {
	Key, Value string
	Clock      HLC
}

// Validate checks the setting is a district-wide one and fits.
func (s SettingChange) Validate() error {
	if !IsDistrictSetting(s.Key) {
		return fmt.Errorf("setting %q is not one a district shares; only %v travel between devices", s.Key, DistrictSettings)
	}
	return CheckText("setting "+s.Key, s.Value, MaxSettingLen)
}

// MergeSetting applies the rule for district-wide settings: the newer
// clock wins.
func MergeSetting(have bool, local, incoming HLC) MergeOutcome {
	return LastWriter(have, local, incoming)
}
