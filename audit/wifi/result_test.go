package wifi

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestMeasureCombinesLinkAndNetwork(t *testing.T) {
	srv := link{delay: 5 * time.Millisecond, bytesPerSec: 20e6}.start(t)
	d := Detector{GOOS: "windows", Run: recorded{"netsh wlan show interfaces": "netsh/en_win10.txt"}.run(t)}
	cfg := NetworkConfig{URL: srv.URL, Pings: 3, DownloadFor: 200 * time.Millisecond, UploadMaxBytes: 200e3}
	r, err := Measure(context.Background(), d, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := r.Reading()
	if w.Source != "measured" || w.SSID != "Library" || w.BSSID != "f0:9f:c2:aa:bb:01" || w.Band != "2.4 GHz" {
		t.Errorf("reading %+v", w)
	}
	if w.SignalDBM == nil || *w.SignalDBM != -65 {
		t.Errorf("signal %v, want -65 dBm converted from 70 %%", w.SignalDBM)
	}
	if w.LatencyMS == nil || w.JitterMS == nil || w.DownMbps == nil || w.UpMbps == nil {
		t.Errorf("network figures missing: %+v", w)
	}
	if w.LatencyMS == r.Network.LatencyMS {
		t.Error("the reading shares a pointer with the result")
	}
}

func TestMeasureLinkOnlyAndNothing(t *testing.T) {
	d := Detector{GOOS: "linux", Run: recorded{"iw dev": "iwdev/one_managed.txt", "iw dev wlp2s0 link": "iwlink/connected_vht.txt"}.run(t)}
	r, err := Measure(context.Background(), d, NetworkConfig{}, nil)
	if err != nil || r.Link == nil || r.Network != nil || r.NetworkProblem != ErrNoURL.Error() {
		t.Fatalf("link only: %+v, %v", r, err)
	}
	if w := r.Reading(); w.SignalDBM == nil || *w.SignalDBM != -58 || w.LatencyMS != nil {
		t.Errorf("reading %+v", w)
	}
	_, err = Measure(context.Background(), Detector{GOOS: "linux", Run: recorded{}.run(t)}, NetworkConfig{}, nil)
	if !errors.Is(err, ErrNoWifi) || !errors.Is(err, ErrNoURL) {
		t.Errorf("nothing measured: got %v, want ErrNoWifi and ErrNoURL", err)
	}
}
