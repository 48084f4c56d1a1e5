package wifi

import (
	"fmt"
	"strings"
)

// NmcliArgs are the arguments Detect passes to nmcli. DEVICE is asked for
// after the fields ParseNmcli requires; ParseNmcli reads lines with or
// without it.
var NmcliArgs = []string{"-t", "-f", "ACTIVE,SSID,BSSID,CHAN,FREQ,RATE,SIGNAL,SECURITY,DEVICE", "device", "wifi", "list"}

// ParseNmcli reads the terse output of
// nmcli -t -f ACTIVE,SSID,BSSID,CHAN,FREQ,RATE,SIGNAL,SECURITY[,DEVICE] device wifi list
// and returns the active network. Colons inside values arrive escaped as
// "\:". The signal nmcli reports is a percentage. With no active network
// the error matches ErrNoWifi.
func ParseNmcli(out string) (Link, error) {
	seen := 0
	for i, line := range strings.Split(out, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := splitTerse(line)
		if len(f) != 8 && len(f) != 9 {
			return Link{}, fmt.Errorf("nmcli output line %d: want 8 or 9 colon-separated fields, got %d", i+1, len(f))
		}
		seen++
		if !isYes(f[0]) {
			continue
		}
		return nmcliLink(f), nil
	}
	if seen == 0 {
		return Link{}, noWifi(headNoInterface, "nmcli lists no Wi-Fi network")
	}
	return Link{}, noWifi(headNotConnected, "nmcli lists no active Wi-Fi network")
}

func nmcliLink(f []string) Link {
	l := Link{Tool: "nmcli", SSID: f[1], Security: f[7]}
	if l.SSID == "--" {
		l.SSID = ""
	}
	if l.Security == "--" {
		l.Security = ""
	}
	l.BSSID = normalizeMAC(f[2])
	l.Channel, _ = leadingInt(f[3])
	l.FrequencyMHz, _ = leadingInt(f[4])
	l.RxRateMbps, _ = leadingNumber(f[5])
	if pct, ok := leadingNumber(f[6]); ok {
		l.setPercent(pct)
	}
	if len(f) == 9 {
		l.Interface = f[8]
	}
	l.fillBand()
	return l
}

// isYes accepts nmcli's "yes" (Detect runs it with LC_ALL=C) and the
// common translations, in case the locale was not overridden.
func isYes(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "*", "ja", "oui", "sí", "si", "sim", "да":
		return true
	}
	return false
}

// splitTerse splits one line of nmcli terse output at unescaped colons and
// removes the escapes ("\:" is a colon, "\\" a backslash).
func splitTerse(line string) []string {
	var fields []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
		case c == ':':
			fields = append(fields, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(fields, cur.String())
}
