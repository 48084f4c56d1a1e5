package audit

// Setting keys the reports read, as every store keeps them.
const (
	SettingDistrict = "district_name"
	SettingLogo     = "district_logo" // base64 PNG/JPEG, already downscaled
	SettingPaper    = "paper"         // "a4" or "letter"
)
