package wifi

import (
	"errors"
	"math"
	"testing"
)

// checkLink holds what every parser promises for any input: no panic,
// figures in range, and no-Wi-Fi errors that explain themselves.
func checkLink(t *testing.T, l Link, err error) {
	t.Helper()
	if err != nil {
		var nw *NoWifiError
		if errors.As(err, &nw) && len(nw.Reasons) == 0 {
			t.Fatalf("no-Wi-Fi error without a reason: %v", err)
		}
		return
	}
	if l.Tool == "" {
		t.Fatal("link without a tool name")
	}
	if l.SignalPercent < 0 || l.SignalPercent > 100 || math.IsNaN(l.SignalDBM) || l.SignalDBM > 0 {
		t.Fatalf("signal out of range: %+v", l)
	}
	if l.SignalFrom == "" && (l.SignalDBM != 0 || l.SignalPercent != 0) {
		t.Fatalf("signal figures without their source: %+v", l)
	}
	if l.BSSID != "" && normalizeMAC(l.BSSID) != l.BSSID {
		t.Fatalf("BSSID %q is not normalised", l.BSSID)
	}
}

func FuzzParseNmcli(f *testing.F) {
	addSeeds(f, "nmcli")
	f.Fuzz(func(t *testing.T, out string) {
		l, err := ParseNmcli(out)
		checkLink(t, l, err)
	})
}

func FuzzParseIwDev(f *testing.F) {
	addSeeds(f, "iwdev")
	f.Fuzz(func(t *testing.T, out string) {
		ifaces, err := ParseIwDev(out)
		if err == nil && len(ifaces) == 0 {
			t.Fatal("no interfaces and no error")
		}
	})
}

func FuzzParseIwLink(f *testing.F) {
	addSeeds(f, "iwlink")
	f.Fuzz(func(t *testing.T, out string) {
		l, err := ParseIwLink(out)
		checkLink(t, l, err)
	})
}

func FuzzParseSystemProfiler(f *testing.F) {
	addSeeds(f, "profiler")
	f.Fuzz(func(t *testing.T, out string) {
		l, err := ParseSystemProfiler(out)
		checkLink(t, l, err)
	})
}

func FuzzParseAirport(f *testing.F) {
	addSeeds(f, "airport")
	f.Fuzz(func(t *testing.T, out string) {
		l, err := ParseAirport(out)
		checkLink(t, l, err)
	})
}

func FuzzParseNetsh(f *testing.F) {
	addSeeds(f, "netsh")
	f.Fuzz(func(t *testing.T, out string) {
		l, err := ParseNetsh(out)
		checkLink(t, l, err)
	})
}
