package audit

import "strings"

// SettingKioskPIN is the PIN that lets the auditor leave the teacher's
// feedback form once it is handed over; empty means a long press alone.
const SettingKioskPIN = "kiosk_pin"

// KioskPINMatches tells whether typed opens a kiosk locked with pin
// (surrounding spaces ignored). An empty pin opens with anything.
func KioskPINMatches(pin, typed string) bool {
	pin = strings.TrimSpace(pin)
	return pin == "" || pin == strings.TrimSpace(typed)
}
