package wifi

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// addSeeds adds every file of testdata/dir to the fuzz corpus.
func addSeeds(f *testing.F, dir string) {
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.txt"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files in testdata/%s: %v", dir, err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
}

type parseCase struct {
	file string
	want Link
	// noWifi is the headline of the expected *NoWifiError; "" means the
	// parse succeeds.
	noWifi string
}

func runParseCases(t *testing.T, parse func(string) (Link, error), cases []parseCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			got, err := parse(readTestdata(t, c.file))
			if c.noWifi != "" {
				checkNoWifi(t, err, c.noWifi)
				return
			}
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if got != c.want {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func checkNoWifi(t *testing.T, err error, headline string) {
	t.Helper()
	var nw *NoWifiError
	if !errors.As(err, &nw) || !errors.Is(err, ErrNoWifi) {
		t.Fatalf("error %v: want a *NoWifiError matching ErrNoWifi", err)
	}
	if nw.Headline != headline || len(nw.Reasons) == 0 {
		t.Errorf("error %q: want headline %q and a reason", err, headline)
	}
}

func TestParseNmcli(t *testing.T) {
	runParseCases(t, ParseNmcli, []parseCase{
		{file: "nmcli/active_5ghz.txt", want: Link{Tool: "nmcli", Interface: "wlp2s0", SSID: "District-Staff",
			BSSID: "3c:a9:f4:12:34:56", Channel: 36, FrequencyMHz: 5180, Band: "5 GHz", RxRateMbps: 540,
			SignalPercent: 82, SignalDBM: -59, SignalFrom: SignalPercent, Security: "WPA2 802.1X"}},
		{file: "nmcli/escaped_ssid_8fields.txt", want: Link{Tool: "nmcli", SSID: `Room:214 Lab\Test`,
			BSSID: "f0:9f:c2:aa:bb:02", Channel: 6, FrequencyMHz: 2437, Band: "2.4 GHz", RxRateMbps: 144,
			SignalPercent: 58, SignalDBM: -71, SignalFrom: SignalPercent, Security: "WPA2"}},
		{file: "nmcli/active_6ghz.txt", want: Link{Tool: "nmcli", Interface: "wlp0s20f3", SSID: "Staff6E",
			BSSID: "11:22:33:44:55:66", Channel: 37, FrequencyMHz: 6135, Band: "6 GHz", RxRateMbps: 1201,
			SignalPercent: 91, SignalDBM: -54.5, SignalFrom: SignalPercent, Security: "WPA3"}},
		{file: "nmcli/none_active.txt", noWifi: headNotConnected},
		{file: "nmcli/empty.txt", noWifi: headNoInterface},
	})
}

func TestParseNmcliRejectsOtherFormats(t *testing.T) {
	_, err := ParseNmcli("IN-USE  BSSID  SSID\n*  AA:BB  School\n")
	if err == nil || errors.Is(err, ErrNoWifi) || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("tabular output: got %v, want an error naming line 1", err)
	}
}

func TestParseIwLink(t *testing.T) {
	runParseCases(t, ParseIwLink, []parseCase{
		{file: "iwlink/connected_vht.txt", want: Link{Tool: "iw", Interface: "wlp2s0", SSID: "District-Staff",
			BSSID: "3c:a9:f4:12:34:56", FrequencyMHz: 5180, Channel: 36, Band: "5 GHz",
			SignalDBM: -58, SignalPercent: 84, SignalFrom: SignalDBM, RxRateMbps: 866.7, TxRateMbps: 780}},
		{file: "iwlink/connected_24_decimal_freq.txt", want: Link{Tool: "iw", Interface: "wlan0", SSID: "Room 214 Lab",
			BSSID: "f0:9f:c2:aa:bb:02", FrequencyMHz: 2437, Channel: 6, Band: "2.4 GHz",
			SignalDBM: -71, SignalPercent: 58, SignalFrom: SignalDBM, RxRateMbps: 72.2, TxRateMbps: 65}},
		{file: "iwlink/not_connected.txt", noWifi: headNotConnected},
	})
	if _, err := ParseIwLink("command failed: No such device (-19)\n"); err == nil || errors.Is(err, ErrNoWifi) {
		t.Errorf("error output: got %v, want a parse error", err)
	}
}

func TestParseIwDev(t *testing.T) {
	got, err := ParseIwDev(readTestdata(t, "iwdev/one_managed.txt"))
	want := []IwInterface{{Name: "wlp2s0", Type: "managed", SSID: "District-Staff", Channel: 36, FrequencyMHz: 5180}}
	if err != nil || len(got) != 1 || got[0] != want[0] {
		t.Errorf("one_managed: got %+v, %v; want %+v", got, err, want)
	}
	got, err = ParseIwDev(readTestdata(t, "iwdev/two_interfaces.txt"))
	if err != nil || len(got) != 2 || got[0].Type != "monitor" || got[0].FrequencyMHz != 2437 ||
		got[1].Name != "wlan0" || got[1].Type != "managed" || got[1].SSID != "" {
		t.Errorf("two_interfaces: got %+v, %v", got, err)
	}
	_, err = ParseIwDev(readTestdata(t, "iwdev/empty.txt"))
	checkNoWifi(t, err, headNoInterface)
}

func TestParseSystemProfiler(t *testing.T) {
	runParseCases(t, ParseSystemProfiler, []parseCase{
		{file: "profiler/sonoma_connected.txt", want: Link{Tool: "system_profiler", Interface: "en0",
			SSID: "District-Staff", PHYMode: "802.11ac", Channel: 36, Band: "5 GHz", Security: "WPA2 Enterprise",
			SignalDBM: -55, SignalPercent: 90, SignalFrom: SignalDBM, NoiseDBM: -90, TxRateMbps: 867}},
		{file: "profiler/redacted_24ghz.txt", want: Link{Tool: "system_profiler", Interface: "en1",
			PHYMode: "802.11n", Channel: 11, Band: "2.4 GHz", Security: "WPA2 Personal",
			SignalDBM: -67, SignalPercent: 66, SignalFrom: SignalDBM, NoiseDBM: -94, TxRateMbps: 144}},
		{file: "profiler/old_channel_format.txt", want: Link{Tool: "system_profiler", Interface: "en0",
			SSID: "Cafeteria AP", BSSID: "00:11:22:aa:0b:0c", PHYMode: "802.11ac", Channel: 149, Band: "5 GHz",
			Security: "WPA2 Personal", SignalDBM: -62, SignalPercent: 76, SignalFrom: SignalDBM, NoiseDBM: -91,
			TxRateMbps: 585}},
		{file: "profiler/not_connected.txt", noWifi: headNotConnected},
		{file: "profiler/empty.txt", noWifi: headNoInterface},
	})
}

func TestParseAirport(t *testing.T) {
	runParseCases(t, ParseAirport, []parseCase{
		{file: "airport/connected.txt", want: Link{Tool: "airport", SSID: "District-Staff",
			BSSID: "3c:a9:f4:02:34:05", Channel: 36, Band: "5 GHz", Security: "wpa2",
			SignalDBM: -55, SignalPercent: 90, SignalFrom: SignalDBM, NoiseDBM: -90, TxRateMbps: 867}},
		{file: "airport/off.txt", noWifi: headNotConnected},
		{file: "airport/init.txt", noWifi: headNotConnected},
		{file: "airport/deprecated.txt", noWifi: headNoInformation},
	})
}

func TestParseNetsh(t *testing.T) {
	german := Link{Tool: "netsh", Interface: "WLAN", SSID: "Schulnetz", BSSID: "3c:a9:f4:12:34:56",
		PHYMode: "802.11ax", Security: "WPA2-Enterprise", Channel: 44, Band: "5 GHz",
		RxRateMbps: 1201, TxRateMbps: 960.5, SignalPercent: 84, SignalDBM: -58, SignalFrom: SignalPercent}
	runParseCases(t, ParseNetsh, []parseCase{
		{file: "netsh/en_win11_rssi.txt", want: Link{Tool: "netsh", Interface: "Wi-Fi", SSID: "District-Staff",
			BSSID: "3c:a9:f4:12:34:56", Band: "5 GHz", Channel: 36, PHYMode: "802.11ac", Security: "WPA2-Enterprise",
			RxRateMbps: 866.7, TxRateMbps: 780, SignalPercent: 84, SignalDBM: -58, SignalFrom: SignalDBM}},
		{file: "netsh/en_win10.txt", want: Link{Tool: "netsh", Interface: "Wi-Fi", SSID: "Library",
			BSSID: "f0:9f:c2:aa:bb:01", Band: "2.4 GHz", Channel: 6, PHYMode: "802.11n", Security: "WPA2-Personal",
			RxRateMbps: 144.4, TxRateMbps: 144.4, SignalPercent: 70, SignalDBM: -65, SignalFrom: SignalPercent}},
		{file: "netsh/de_utf8.txt", want: german},
		{file: "netsh/fr.txt", want: Link{Tool: "netsh", Interface: "Wi-Fi", SSID: "Reseau-Ecole",
			BSSID: "00:1a:2b:3c:4d:5e", Band: "5 GHz", Channel: 100, PHYMode: "802.11ac", Security: "WPA2 - Entreprise",
			RxRateMbps: 433.3, TxRateMbps: 390, SignalPercent: 62, SignalDBM: -69, SignalFrom: SignalPercent}},
		{file: "netsh/en_two_interfaces.txt", want: Link{Tool: "netsh", Interface: "Wi-Fi 2", SSID: "Gym",
			BSSID: "12:34:56:78:9a:bc", Band: "2.4 GHz", Channel: 1, PHYMode: "802.11n", Security: "WPA2-Personal",
			RxRateMbps: 72, TxRateMbps: 72, SignalPercent: 30, SignalDBM: -85, SignalFrom: SignalPercent}},
		{file: "netsh/en_disconnected.txt", noWifi: headNotConnected},
		{file: "netsh/en_no_interface.txt", noWifi: headNoInterface},
		{file: "netsh/de_no_interface.txt", noWifi: headNoInterface},
		{file: "netsh/en_wlansvc.txt", noWifi: headNoInformation},
		{file: "netsh/en_location_permission.txt", noWifi: headNoInformation},
	})
}

// Console output in code page 850 is not UTF-8: labels with accents do not
// match their translation, so the values' shapes must carry the parse.
func TestParseNetshCodePage850(t *testing.T) {
	for _, file := range []string{"netsh/de_cp850.txt", "netsh/es_cp850.txt"} {
		got, err := ParseNetsh(readTestdata(t, file))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if got.SSID == "" || got.BSSID == "" || got.SignalFrom != SignalPercent || got.RxRateMbps == 0 ||
			got.TxRateMbps == 0 || got.Channel == 0 || got.PHYMode == "" {
			t.Errorf("%s: missing figures: %+v", file, got)
		}
	}
	es, _ := ParseNetsh(readTestdata(t, "netsh/es_cp850.txt"))
	want := Link{Tool: "netsh", Interface: "Wi-Fi", SSID: "Red-Escuela", BSSID: "a0:b1:c2:d3:e4:f5",
		Band: "2.4 GHz", Channel: 11, PHYMode: "802.11n", RxRateMbps: 72.2, TxRateMbps: 65,
		SignalPercent: 45, SignalDBM: -77.5, SignalFrom: SignalPercent}
	if es != want {
		t.Errorf("es_cp850:\ngot  %+v\nwant %+v", es, want)
	}
}

func TestSignalConversion(t *testing.T) {
	cases := []struct{ pct, dbm float64 }{{0, -100}, {50, -75}, {84, -58}, {100, -50}}
	for _, c := range cases {
		if got := PercentToDBM(c.pct); got != c.dbm {
			t.Errorf("PercentToDBM(%v) = %v, want %v", c.pct, got, c.dbm)
		}
		if got := DBMToPercent(c.dbm); got != c.pct {
			t.Errorf("DBMToPercent(%v) = %v, want %v", c.dbm, got, c.pct)
		}
	}
	if DBMToPercent(-30) != 100 || DBMToPercent(-110) != 0 || PercentToDBM(150) != -50 {
		t.Error("conversions are not clamped to 0..100 %")
	}
}

func TestNormalizeMAC(t *testing.T) {
	cases := map[string]string{
		"3C:A9:F4:12:34:56": "3c:a9:f4:12:34:56",
		"0:11:22:aa:b:c":    "00:11:22:aa:0b:0c",
		"3c-a9-f4-12-34-56": "3c:a9:f4:12:34:56",
		"3c:a9:f4:12:34":    "",
		"3c:a9:f4:12:34:5g": "",
		"":                  "",
	}
	for in, want := range cases {
		if got := normalizeMAC(in); got != want {
			t.Errorf("normalizeMAC(%q) = %q, want %q", in, got, want)
		}
	}
}
