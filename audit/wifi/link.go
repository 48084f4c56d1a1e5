package wifi

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// Signal units, naming which figure of a Link the tool reported; the other
// one is derived from it.
const (
	SignalDBM     = "dBm"
	SignalPercent = "percent"
)

// Link is the Wi-Fi connection as the operating system reports it.
// Zero numbers and empty strings were not reported.
type Link struct {
	Interface     string  `json:"interface,omitempty"`
	SSID          string  `json:"ssid,omitempty"`
	BSSID         string  `json:"bssid,omitempty"`
	Band          string  `json:"band,omitempty"` // "2.4 GHz", "5 GHz" or "6 GHz"
	Channel       int     `json:"channel,omitempty"`
	FrequencyMHz  int     `json:"frequency_mhz,omitempty"`
	SignalDBM     float64 `json:"signal_dbm,omitempty"`
	SignalPercent float64 `json:"signal_percent,omitempty"`
	// SignalFrom names the figure the tool reported (SignalDBM or
	// SignalPercent); the other is converted. Empty: no signal known.
	SignalFrom string  `json:"signal_from,omitempty"`
	NoiseDBM   float64 `json:"noise_dbm,omitempty"`
	RxRateMbps float64 `json:"rx_rate_mbps,omitempty"`
	TxRateMbps float64 `json:"tx_rate_mbps,omitempty"`
	PHYMode    string  `json:"phy_mode,omitempty"`
	Security   string  `json:"security,omitempty"`
	// Tool names the command(s) the figures came from, e.g. "nmcli+iw".
	Tool string `json:"tool"`
}

// ErrNoWifi is matched (errors.Is) by every error saying that no Wi-Fi
// connection could be read: no interface, not connected, or no tool.
var ErrNoWifi = errors.New("no Wi-Fi connection found")

// NoWifiError explains why no Wi-Fi connection could be read. It matches
// ErrNoWifi with errors.Is.
type NoWifiError struct {
	// Headline is the summary, e.g. "no Wi-Fi interface found".
	Headline string
	// Reasons says what each tool reported, e.g. "iw is not installed".
	Reasons []string
}

// Error returns the headline followed by the reasons in brackets.
func (e *NoWifiError) Error() string {
	h := e.Headline
	if h == "" {
		h = ErrNoWifi.Error()
	}
	if len(e.Reasons) == 0 {
		return h
	}
	return h + " (" + strings.Join(e.Reasons, "; ") + ")"
}

// Is reports whether target is ErrNoWifi.
func (e *NoWifiError) Is(target error) bool { return target == ErrNoWifi }

const (
	headNoInterface   = "no Wi-Fi interface found"
	headNotConnected  = "not connected to a Wi-Fi network"
	headNoInformation = "no Wi-Fi information available"
)

func noWifi(headline, reason string) error {
	return &NoWifiError{Headline: headline, Reasons: []string{reason}}
}

// PercentToDBM converts a signal quality in percent to dBm as
// dBm = percent/2 - 100, the mapping Windows and NetworkManager use.
func PercentToDBM(pct float64) float64 {
	return clamp(pct, 0, 100)/2 - 100
}

// DBMToPercent converts dBm to a signal quality in percent, the inverse of
// PercentToDBM: -100 dBm or weaker is 0 %, -50 dBm or stronger is 100 %.
func DBMToPercent(dbm float64) float64 {
	return clamp(2*(dbm+100), 0, 100)
}

func clamp(v, lo, hi float64) float64 {
	if math.IsNaN(v) {
		return lo
	}
	return math.Max(lo, math.Min(hi, v))
}

// setPercent records a signal reported in percent and derives dBm.
func (l *Link) setPercent(pct float64) {
	l.SignalPercent = clamp(pct, 0, 100)
	l.SignalDBM = PercentToDBM(l.SignalPercent)
	l.SignalFrom = SignalPercent
}

// setDBM records a signal reported in dBm and derives percent. Values
// outside -120..0 dBm are not a signal and are ignored.
func (l *Link) setDBM(dbm float64) {
	if math.IsNaN(dbm) || dbm >= 0 || dbm < -120 {
		return
	}
	l.SignalDBM = dbm
	l.SignalPercent = DBMToPercent(dbm)
	l.SignalFrom = SignalDBM
}

// fillBand derives Band from the frequency, or else from the channel, and
// the channel from the frequency.
func (l *Link) fillBand() {
	if l.Channel == 0 {
		l.Channel = channelOf(l.FrequencyMHz)
	}
	if l.Band == "" {
		l.Band = bandOf(l.FrequencyMHz, l.Channel)
	}
}

func channelOf(freqMHz int) int {
	switch {
	case freqMHz == 2484:
		return 14
	case freqMHz >= 2412 && freqMHz < 2484:
		return (freqMHz - 2407) / 5
	case freqMHz >= 5000 && freqMHz < 5925:
		return (freqMHz - 5000) / 5
	case freqMHz >= 5925 && freqMHz <= 7125:
		return (freqMHz - 5950) / 5
	}
	return 0
}

func bandOf(freqMHz, channel int) string {
	switch {
	case freqMHz >= 2400 && freqMHz < 2500:
		return "2.4 GHz"
	case freqMHz >= 4900 && freqMHz < 5925:
		return "5 GHz"
	case freqMHz >= 5925 && freqMHz <= 7125:
		return "6 GHz"
	case freqMHz != 0:
		return ""
	case channel >= 1 && channel <= 14:
		return "2.4 GHz"
	case channel >= 32 && channel <= 177:
		return "5 GHz"
	}
	return ""
}

// merge fills the fields l lacks from o; a signal measured in dBm wins
// over one converted from percent.
func (l *Link) merge(o Link) {
	fillStr(&l.Interface, o.Interface)
	fillStr(&l.SSID, o.SSID)
	fillStr(&l.BSSID, o.BSSID)
	fillStr(&l.Band, o.Band)
	fillStr(&l.PHYMode, o.PHYMode)
	fillStr(&l.Security, o.Security)
	fillInt(&l.Channel, o.Channel)
	fillInt(&l.FrequencyMHz, o.FrequencyMHz)
	fillFloat(&l.NoiseDBM, o.NoiseDBM)
	fillFloat(&l.RxRateMbps, o.RxRateMbps)
	fillFloat(&l.TxRateMbps, o.TxRateMbps)
	if l.SignalFrom == "" || (l.SignalFrom == SignalPercent && o.SignalFrom == SignalDBM) {
		l.SignalDBM, l.SignalPercent, l.SignalFrom = o.SignalDBM, o.SignalPercent, o.SignalFrom
	}
	switch {
	case l.Tool == "":
		l.Tool = o.Tool
	case o.Tool != "" && o.Tool != l.Tool:
		l.Tool += "+" + o.Tool
	}
}

func fillStr(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

func fillInt(dst *int, v int) {
	if *dst == 0 {
		*dst = v
	}
}

func fillFloat(dst *float64, v float64) {
	if *dst == 0 {
		*dst = v
	}
}

// leadingNumber reads the number at the start of s ("866.7 Mbit/s",
// "84 %", "-55 dBm"), accepting a decimal comma. ok is false when s does
// not start with a number.
func leadingNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	end := 0
	for end < len(s) {
		c := s[end]
		if (c >= '0' && c <= '9') || c == '.' || c == ',' || (end == 0 && (c == '-' || c == '+')) {
			end++
			continue
		}
		break
	}
	num := strings.TrimRight(strings.ReplaceAll(s[:end], ",", "."), ".")
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// leadingInt reads the whole number at the start of s ("36 (5GHz)",
// "149,80"); ok is false when s does not start with a digit.
func leadingInt(s string) (int, bool) {
	s = strings.TrimSpace(s)
	end := 0
	for end < len(s) && end < 7 && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	v, err := strconv.Atoi(s[:end])
	return v, err == nil
}

// normalizeMAC returns a MAC address as six lower-case two-digit groups
// joined by colons ("a:b:c:1:2:3" becomes "0a:0b:0c:01:02:03"), or "" when
// s is not a MAC address.
func normalizeMAC(s string) string {
	s = strings.TrimSpace(s)
	sep := ":"
	if strings.Count(s, "-") == 5 {
		sep = "-"
	}
	parts := strings.Split(s, sep)
	if len(parts) != 6 {
		return ""
	}
	for i, p := range parts {
		if len(p) == 0 || len(p) > 2 {
			return ""
		}
		if _, err := strconv.ParseUint(p, 16, 8); err != nil {
			return ""
		}
		if len(p) == 1 {
			p = "0" + p
		}
		parts[i] = strings.ToLower(p)
	}
	return strings.Join(parts, ":")
}
