package wifi

import (
	"fmt"
	"strings"
)

// IwInterface is one wireless interface listed by "iw dev".
type IwInterface struct {
	Name         string
	Type         string // "managed", "AP", "monitor", ...
	SSID         string
	Channel      int
	FrequencyMHz int
}

// ParseIwDev reads the output of "iw dev" and returns the interfaces it
// lists. With none the error matches ErrNoWifi.
func ParseIwDev(out string) ([]IwInterface, error) {
	var ifaces []IwInterface
	for _, raw := range strings.Split(out, "\n") {
		key, val := iwField(raw)
		if key == "Interface" {
			ifaces = append(ifaces, IwInterface{Name: val})
			continue
		}
		if len(ifaces) == 0 {
			continue
		}
		cur := &ifaces[len(ifaces)-1]
		switch key {
		case "type":
			cur.Type = val
		case "ssid":
			cur.SSID = val
		case "channel":
			cur.Channel, cur.FrequencyMHz = iwChannel(val)
		}
	}
	if len(ifaces) == 0 {
		return nil, noWifi(headNoInterface, "iw dev lists no wireless interface")
	}
	return ifaces, nil
}

// iwField splits "\t\tssid School Net" into ("ssid", "School Net").
func iwField(line string) (key, val string) {
	line = strings.TrimSpace(line)
	key, val, _ = strings.Cut(line, " ")
	return key, strings.TrimSpace(val)
}

// iwChannel reads "36 (5180 MHz), width: 80 MHz, center1: 5210 MHz".
func iwChannel(val string) (channel, freq int) {
	channel, _ = leadingInt(val)
	if _, rest, ok := strings.Cut(val, "("); ok {
		freq, _ = leadingInt(rest)
	}
	return channel, freq
}

// ParseIwLink reads the output of "iw dev IFACE link": access point,
// SSID, frequency, signal in dBm and bit rates. "Not connected." gives an
// error matching ErrNoWifi.
func ParseIwLink(out string) (Link, error) {
	l := Link{Tool: "iw"}
	connected := false
	for _, raw := range strings.Split(out, "\n") {
		line := strings.TrimSpace(raw)
		if strings.HasPrefix(line, "Not connected") {
			return Link{}, noWifi(headNotConnected, "iw reports the interface is not connected")
		}
		if rest, ok := strings.CutPrefix(line, "Connected to "); ok {
			connected = true
			iwConnected(&l, rest)
			continue
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		iwLinkField(&l, strings.ToLower(key), strings.TrimSpace(val))
	}
	if !connected {
		return Link{}, fmt.Errorf("iw link output has no \"Connected to\" or \"Not connected\" line")
	}
	l.fillBand()
	return l, nil
}

// iwConnected reads "aa:bb:cc:dd:ee:ff (on wlp2s0)".
func iwConnected(l *Link, rest string) {
	mac, on, _ := strings.Cut(rest, " ")
	l.BSSID = normalizeMAC(mac)
	on = strings.TrimSpace(on)
	if name, ok := strings.CutPrefix(on, "(on "); ok {
		l.Interface = strings.TrimSuffix(name, ")")
	}
}

func iwLinkField(l *Link, key, val string) {
	switch key {
	case "ssid":
		l.SSID = val
	case "freq":
		if f, ok := leadingNumber(val); ok && f > 0 && f < 1e6 {
			l.FrequencyMHz = int(f)
		}
	case "signal":
		if dbm, ok := leadingNumber(val); ok {
			l.setDBM(dbm)
		}
	case "rx bitrate":
		l.RxRateMbps, _ = leadingNumber(val)
	case "tx bitrate":
		l.TxRateMbps, _ = leadingNumber(val)
	}
}
