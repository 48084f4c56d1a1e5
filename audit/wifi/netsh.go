package wifi

import (
	"strings"
)

// netsh labels in English, German, French, Spanish, Italian, Portuguese
// and Dutch, lower-cased. Labels not listed fall back on the shape of the
// value (a MAC address after the SSID is the BSSID, "84%" is the signal,
// "802.11ac" is the radio type).
var (
	netshName     = words("name", "nom", "nombre", "nome", "naam")
	netshSignal   = words("signal", "señal", "sinal", "segnale", "signaal", "signalstärke")
	netshChannel  = words("channel", "kanal", "canal", "canale", "kanaal")
	netshBand     = words("band", "bande", "banda", "frequenzband")
	netshRadio    = words("radio type", "funktyp", "type de radio", "tipo de radio", "tipo di radio", "tipo de rádio", "radiotype")
	netshAuth     = words("authentication", "authentifizierung", "authentification", "autenticación", "autenticazione", "autenticação", "verificatie")
	netshPhysical = words("physical address", "physische adresse", "adresse physique", "dirección física", "indirizzo fisico", "endereço físico", "fysiek adres")
	netshRxWords  = []string{"receive", "empfang", "réception", "reception", "recepción", "ricezione", "recepção", "ontvang"}
	netshTxWords  = []string{"transmit", "übertragung", "sende", "transmission", "transmisión", "trasmissione", "transmissão", "verzend"}
)

func words(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// netshBlock is one interface of the netsh listing.
type netshBlock struct {
	link      Link
	ssidSeen  bool
	rssi      float64
	rssiSeen  bool
	ratesSeen int
}

// ParseNetsh reads the output of "netsh wlan show interfaces", in English
// or a translated Windows, and returns the first connected interface.
// Windows reports the signal in percent (and, on recent releases, also as
// "Rssi" in dBm, which is then preferred). No wireless interface, a
// disconnected one, a stopped WLAN service or missing location permission
// give an error matching ErrNoWifi.
func ParseNetsh(out string) (Link, error) {
	if err := netshRefusal(out); err != nil {
		return Link{}, err
	}
	blocks := netshBlocks(out)
	if len(blocks) == 0 {
		return Link{}, noWifi(headNoInterface, "netsh lists no wireless interface")
	}
	for _, b := range blocks {
		if l, ok := b.result(); ok {
			return l, nil
		}
	}
	return Link{}, noWifi(headNotConnected, "netsh shows the Wi-Fi interface is not connected")
}

// netshRefusal recognises the messages netsh prints instead of a listing.
func netshRefusal(out string) error {
	low := strings.ToLower(out)
	switch {
	case strings.Contains(low, "there is no wireless interface"):
		return noWifi(headNoInterface, "netsh: there is no wireless interface on the system")
	case strings.Contains(low, "wlansvc"):
		return noWifi(headNoInformation, "netsh: the WLAN AutoConfig service (wlansvc) is not running")
	case strings.Contains(low, "location permission"), strings.Contains(low, "ms-settings:privacy-location"):
		return noWifi(headNoInformation, "netsh needs location permission: turn on Location in Windows Settings, Privacy & security")
	}
	return nil
}

// netshBlocks splits the listing into interfaces: a label seen a second
// time starts the next interface.
func netshBlocks(out string) []*netshBlock {
	var blocks []*netshBlock
	var cur *netshBlock
	seen := map[string]bool{}
	for _, raw := range strings.Split(out, "\n") {
		key, val, ok := strings.Cut(raw, ":")
		if !ok || !startsWithSpace(raw) {
			continue
		}
		key = strings.Join(strings.Fields(strings.ToLower(key)), " ")
		val = strings.TrimSpace(val)
		if key == "" || val == "" {
			continue
		}
		if cur == nil || seen[key] {
			cur = &netshBlock{link: Link{Tool: "netsh"}}
			blocks = append(blocks, cur)
			seen = map[string]bool{}
		}
		seen[key] = true
		cur.field(key, val)
	}
	return blocks
}

func startsWithSpace(s string) bool {
	return s != "" && (s[0] == ' ' || s[0] == '\t')
}

func (b *netshBlock) field(key, val string) {
	l := &b.link
	switch {
	case key == "ssid":
		l.SSID, b.ssidSeen = val, true
	case strings.Contains(key, "bssid"):
		l.BSSID = normalizeMAC(val)
	case key == "rssi":
		b.rssi, b.rssiSeen = leadingNumber(val)
	case netshSignal[key]:
		b.signal(val)
	case netshName[key]:
		l.Interface = val
	case netshChannel[key]:
		l.Channel, _ = leadingInt(val)
	case netshBand[key]:
		l.Band = netshBandValue(val)
	case netshRadio[key]:
		l.PHYMode = val
	case netshAuth[key]:
		l.Security = val
	case netshPhysical[key]:
	case strings.Contains(key, "mbps") || strings.Contains(key, "mbit"):
		b.rate(key, val)
	default:
		b.byShape(val)
	}
}

func (b *netshBlock) signal(val string) {
	if pct, ok := leadingNumber(val); ok && strings.HasSuffix(val, "%") {
		b.link.setPercent(pct)
	}
}

// rate records a receive or transmit rate; a label in a language not
// listed counts as receive first, then transmit, netsh's order.
func (b *netshBlock) rate(key, val string) {
	v, ok := leadingNumber(val)
	if !ok {
		return
	}
	b.ratesSeen++
	switch {
	case containsAny(key, netshRxWords):
		b.link.RxRateMbps = v
	case containsAny(key, netshTxWords):
		b.link.TxRateMbps = v
	case b.ratesSeen == 1:
		b.link.RxRateMbps = v
	default:
		b.link.TxRateMbps = v
	}
}

// byShape reads a value whose label is unknown by what it looks like.
func (b *netshBlock) byShape(val string) {
	l := &b.link
	switch {
	case l.BSSID == "" && b.ssidSeen && normalizeMAC(val) != "":
		l.BSSID = normalizeMAC(val)
	case l.SignalFrom == "" && strings.HasSuffix(val, "%"):
		b.signal(val)
	case l.PHYMode == "" && strings.HasPrefix(val, "802.11"):
		l.PHYMode = val
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// netshBandValue turns "5 GHz" or "2,4 GHz" into the Band names Link uses.
func netshBandValue(val string) string {
	v, ok := leadingNumber(val)
	switch {
	case !ok:
		return ""
	case v >= 2 && v < 3:
		return "2.4 GHz"
	case v == 5:
		return "5 GHz"
	case v == 6:
		return "6 GHz"
	}
	return ""
}

// result returns the interface's link when it is connected: it names an
// access point or a signal.
func (b *netshBlock) result() (Link, bool) {
	l := b.link
	if l.BSSID == "" && l.SignalFrom == "" {
		return Link{}, false
	}
	if b.rssiSeen {
		pct, had := l.SignalPercent, l.SignalFrom == SignalPercent
		l.setDBM(b.rssi)
		if had && l.SignalFrom == SignalDBM {
			l.SignalPercent = pct
		}
	}
	l.fillBand()
	return l, true
}
