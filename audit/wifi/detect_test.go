package wifi

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// recorded answers each command line with a testdata file, or with
// exec.ErrNotFound when the command is not listed, as if not installed.
type recorded map[string]string

func (r recorded) run(t *testing.T) Runner {
	return func(ctx context.Context, name string, args ...string) ([]byte, error) {
		line := strings.Join(append([]string{name}, args...), " ")
		file, ok := r[line]
		if !ok {
			return nil, &exec.Error{Name: name, Err: exec.ErrNotFound}
		}
		return []byte(readTestdata(t, file)), nil
	}
}

const nmcliLine = "nmcli -t -f ACTIVE,SSID,BSSID,CHAN,FREQ,RATE,SIGNAL,SECURITY,DEVICE device wifi list"

func TestDetectLinuxMergesNmcliAndIw(t *testing.T) {
	d := Detector{GOOS: "linux", Run: recorded{
		nmcliLine:            "nmcli/active_5ghz.txt",
		"iw dev":             "iwdev/one_managed.txt",
		"iw dev wlp2s0 link": "iwlink/connected_vht.txt",
	}.run(t)}
	l, err := d.Detect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// iw measured the signal in dBm; nmcli adds what iw lacks.
	if l.Tool != "iw+nmcli" || l.SignalFrom != SignalDBM || l.SignalDBM != -58 ||
		l.Security != "WPA2 802.1X" || l.Interface != "wlp2s0" || l.TxRateMbps != 780 {
		t.Errorf("got %+v", l)
	}
}

func TestDetectLinuxNmcliOnly(t *testing.T) {
	d := Detector{GOOS: "linux", Run: recorded{nmcliLine: "nmcli/active_6ghz.txt"}.run(t)}
	l, err := d.Detect(context.Background())
	if err != nil || l.Tool != "nmcli" || l.Band != "6 GHz" || l.SignalFrom != SignalPercent {
		t.Errorf("got %+v, %v", l, err)
	}
}

func TestDetectNoWifi(t *testing.T) {
	cases := []struct {
		name, goos string
		rec        recorded
		want       string
	}{
		{"linux without tools", "linux", recorded{},
			"no Wi-Fi interface found (nmcli is not installed; iw is not installed)"},
		{"linux not connected", "linux", recorded{nmcliLine: "nmcli/none_active.txt", "iw dev": "iwdev/empty.txt"},
			"not connected to a Wi-Fi network (nmcli lists no active Wi-Fi network; iw dev lists no wireless interface)"},
		{"linux iw not connected", "linux", recorded{"iw dev": "iwdev/one_managed.txt", "iw dev wlp2s0 link": "iwlink/not_connected.txt"},
			"not connected to a Wi-Fi network (nmcli is not installed; wlp2s0: iw reports the interface is not connected)"},
		{"windows without interface", "windows", recorded{"netsh wlan show interfaces": "netsh/en_no_interface.txt"},
			"no Wi-Fi interface found (netsh: there is no wireless interface on the system)"},
		{"mac without current network", "darwin", recorded{"system_profiler SPAirPortDataType": "profiler/not_connected.txt"},
			"not connected to a Wi-Fi network (system_profiler shows no current Wi-Fi network; airport is not installed)"},
		{"other system", "plan9", recorded{}, "no Wi-Fi information available (reading Wi-Fi on plan9 is not supported)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Detector{GOOS: c.goos, Run: c.rec.run(t)}.Detect(context.Background())
			if !errors.Is(err, ErrNoWifi) || err.Error() != c.want {
				t.Errorf("got  %v\nwant %s", err, c.want)
			}
		})
	}
}

func TestDetectDarwinMergesAirportBSSID(t *testing.T) {
	d := Detector{GOOS: "darwin", Run: recorded{
		"system_profiler SPAirPortDataType": "profiler/redacted_24ghz.txt",
		AirportPath + " -I":                 "airport/connected.txt",
	}.run(t)}
	l, err := d.Detect(context.Background())
	if err != nil || l.Tool != "system_profiler+airport" || l.BSSID != "3c:a9:f4:02:34:05" ||
		l.SSID != "District-Staff" || l.Channel != 11 || l.SignalDBM != -67 {
		t.Errorf("got %+v, %v", l, err)
	}
}

func TestDetectWindowsGerman(t *testing.T) {
	d := Detector{GOOS: "windows", Run: recorded{"netsh wlan show interfaces": "netsh/de_cp850.txt"}.run(t)}
	l, err := d.Detect(context.Background())
	if err != nil || l.SSID != "Schulnetz" || l.SignalPercent != 84 || l.SignalDBM != -58 {
		t.Errorf("got %+v, %v", l, err)
	}
}

func TestDetectToolFailureAndTimeLimit(t *testing.T) {
	slow := func(ctx context.Context, name string, args ...string) ([]byte, error) {
		if name == "nmcli" {
			return nil, fmt.Errorf("nmcli: exit status 8: Error: NetworkManager is not running.")
		}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	start := time.Now()
	_, err := Detector{GOOS: "linux", Run: slow, Timeout: 50 * time.Millisecond}.Detect(context.Background())
	if time.Since(start) > 2*time.Second {
		t.Errorf("Detect took %v; the tool time limit was not applied", time.Since(start))
	}
	if !errors.Is(err, ErrNoWifi) || !strings.Contains(err.Error(), "NetworkManager is not running") ||
		!strings.Contains(err.Error(), "iw failed") {
		t.Errorf("got %v", err)
	}
}

func TestDetectCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Detector{GOOS: "linux", Run: recorded{}.run(t)}.Detect(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

// ExecRunner reports a missing program so that Detect can say it is not
// installed; this runs a real lookup of a name no system has.
func TestExecRunnerNotInstalled(t *testing.T) {
	_, err := ExecRunner(context.Background(), "techwalk-no-such-tool")
	if !errors.Is(err, exec.ErrNotFound) {
		t.Errorf("got %v, want exec.ErrNotFound", err)
	}
}

func TestExecRunnerReportsStderr(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	_, err := ExecRunner(context.Background(), "sh", "-c", "echo broken tool >&2; exit 3")
	if err == nil || !strings.Contains(err.Error(), "broken tool") {
		t.Errorf("got %v", err)
	}
}
