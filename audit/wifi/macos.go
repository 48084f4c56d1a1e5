package wifi

import (
	"strings"
)

// AirportPath is the airport tool of older macOS releases; newer ones
// print a deprecation notice instead of figures.
const AirportPath = "/System/Library/PrivateFrameworks/Apple80211.framework/Versions/Current/Resources/airport"

// ParseSystemProfiler reads the output of "system_profiler
// SPAirPortDataType" and returns the network in the first "Current Network
// Information" block: PHY mode, channel and band, signal and noise in dBm,
// transmit rate. Without that block the error matches ErrNoWifi.
func ParseSystemProfiler(out string) (Link, error) {
	lines := strings.Split(out, "\n")
	iface, start := profilerCurrent(lines)
	if start < 0 {
		if strings.Contains(out, "Card Type:") || strings.Contains(out, "Interfaces:") {
			return Link{}, noWifi(headNotConnected, "system_profiler shows no current Wi-Fi network")
		}
		return Link{}, noWifi(headNoInterface, "system_profiler lists no Wi-Fi interface")
	}
	l := Link{Tool: "system_profiler", Interface: iface}
	base := indentOf(lines[start])
	nameSeen := false
	for _, raw := range lines[start+1:] {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		if indentOf(raw) <= base {
			break
		}
		key, val, _ := strings.Cut(strings.TrimSpace(raw), ":")
		val = strings.TrimSpace(val)
		if !nameSeen {
			nameSeen = true
			l.SSID = macSSID(strings.TrimSuffix(strings.TrimSpace(raw), ":"))
			continue
		}
		profilerField(&l, key, val)
	}
	l.fillBand()
	return l, nil
}

// profilerCurrent finds the "Current Network Information:" line and the
// interface ("en0") whose block holds it; start is -1 when there is none.
func profilerCurrent(lines []string) (iface string, start int) {
	for i, raw := range lines {
		t := strings.TrimSpace(raw)
		if t == "Current Network Information:" {
			return iface, i
		}
		if name, ok := strings.CutSuffix(t, ":"); ok && isInterfaceName(name) {
			iface = name
		}
	}
	return "", -1
}

func isInterfaceName(s string) bool {
	return strings.HasPrefix(s, "en") && len(s) <= 5 && len(s) > 2 && s[2] >= '0' && s[2] <= '9'
}

func indentOf(s string) int {
	return len(s) - len(strings.TrimLeft(s, " \t"))
}

// macSSID hides the "<redacted>" placeholder newer macOS prints for
// network names without location permission.
func macSSID(s string) string {
	if s == "<redacted>" {
		return ""
	}
	return s
}

func profilerField(l *Link, key, val string) {
	switch key {
	case "PHY Mode":
		l.PHYMode = val
	case "Channel":
		profilerChannel(l, val)
	case "Security":
		l.Security = val
	case "Signal / Noise":
		sig, noise, _ := strings.Cut(val, "/")
		if dbm, ok := leadingNumber(sig); ok {
			l.setDBM(dbm)
		}
		if n, ok := leadingNumber(noise); ok && n < 0 {
			l.NoiseDBM = n
		}
	case "Transmit Rate":
		l.TxRateMbps, _ = leadingNumber(val)
	case "BSSID":
		l.BSSID = normalizeMAC(val)
	}
}

// profilerChannel reads "36 (5GHz, 80MHz)", "6 (2GHz, 20MHz)" or the
// older "149,80" and "11".
func profilerChannel(l *Link, val string) {
	l.Channel, _ = leadingInt(val)
	_, rest, ok := strings.Cut(val, "(")
	if !ok {
		return
	}
	switch {
	case strings.HasPrefix(rest, "2GHz"), strings.HasPrefix(rest, "2.4GHz"):
		l.Band = "2.4 GHz"
	case strings.HasPrefix(rest, "5GHz"):
		l.Band = "5 GHz"
	case strings.HasPrefix(rest, "6GHz"):
		l.Band = "6 GHz"
	}
}

// ParseAirport reads the output of "airport -I": agrCtlRSSI (dBm),
// agrCtlNoise, lastTxRate, BSSID, SSID and channel. A powered-off or
// disconnected card, or the deprecation notice of newer macOS, gives an
// error matching ErrNoWifi.
func ParseAirport(out string) (Link, error) {
	if strings.Contains(out, "AirPort: Off") {
		return Link{}, noWifi(headNotConnected, "airport reports Wi-Fi is turned off")
	}
	l := Link{Tool: "airport"}
	state, fields := "", 0
	for _, raw := range strings.Split(out, "\n") {
		key, val, ok := strings.Cut(strings.TrimSpace(raw), ":")
		if !ok {
			continue
		}
		fields++
		val = strings.TrimSpace(val)
		if key == "state" {
			state = val
		}
		airportField(&l, key, val)
	}
	switch {
	case fields == 0 || strings.Contains(out, "deprecated"):
		return Link{}, noWifi(headNoInformation, "airport gives no figures on this macOS release")
	case state != "" && state != "running":
		return Link{}, noWifi(headNotConnected, "airport reports state "+state)
	case l.SSID == "" && l.BSSID == "" && l.SignalFrom == "":
		return Link{}, noWifi(headNotConnected, "airport shows no current network")
	}
	l.fillBand()
	return l, nil
}

func airportField(l *Link, key, val string) {
	switch key {
	case "agrCtlRSSI":
		if dbm, ok := leadingNumber(val); ok {
			l.setDBM(dbm)
		}
	case "agrCtlNoise":
		if n, ok := leadingNumber(val); ok && n < 0 {
			l.NoiseDBM = n
		}
	case "lastTxRate":
		l.TxRateMbps, _ = leadingNumber(val)
	case "BSSID":
		// The value holds colons, so it is everything after the first ":".
		l.BSSID = normalizeMAC(val)
	case "SSID":
		l.SSID = macSSID(val)
	case "channel":
		l.Channel, _ = leadingInt(val)
	case "link auth":
		l.Security = val
	}
}
