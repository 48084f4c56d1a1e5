package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"techwalk/audit/sqlite"
	"techwalk/audit/wifi"
)

// testURLServer answers like a district's test resource: a byte for range
// requests, 512 KiB for a download, and accepts uploads.
func testURLServer(t *testing.T) *httptest.Server {
	body := bytes.Repeat([]byte("techwalk"), 64<<10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost:
			io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusNoContent)
		case r.Header.Get("Range") == "bytes=0-0":
			w.Header().Set("Content-Range", "bytes 0-0/524288")
			w.WriteHeader(http.StatusPartialContent)
			w.Write(body[:1])
		default:
			w.Write(body)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = newCLI(strings.NewReader(""), &out, &errOut).Run(args)
	return code, out.String(), errOut.String()
}

// hasWifi reports whether this machine has a Wi-Fi connection to read.
func hasWifi() bool {
	_, err := wifi.Detect(context.Background())
	return err == nil
}

func TestWifiMeasureJSON(t *testing.T) {
	srv := testURLServer(t)
	code, stdout, stderr := runCLI("wifi", "measure", "--url", srv.URL, "--json", "--timeout", "20s")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var got struct {
		Link        *wifi.Link `json:"link"`
		LinkProblem string     `json:"link_problem"`
		Network     struct {
			URL              string    `json:"url"`
			LatencySamplesMS []float64 `json:"latency_samples_ms"`
			DownBytes        int64     `json:"down_bytes"`
		} `json:"network"`
		Reading struct {
			LatencyMS *float64 `json:"latency_ms"`
			JitterMS  *float64 `json:"jitter_ms"`
			DownMbps  *float64 `json:"down_mbps"`
			UpMbps    *float64 `json:"up_mbps"`
			Source    string   `json:"source"`
		} `json:"reading"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	r := got.Reading
	if r.Source != "measured" || r.LatencyMS == nil || r.JitterMS == nil || r.DownMbps == nil || *r.DownMbps <= 0 ||
		r.UpMbps == nil || *r.UpMbps <= 0 {
		t.Errorf("reading %+v", r)
	}
	if got.Network.URL != srv.URL || len(got.Network.LatencySamplesMS) != wifi.DefaultPings || got.Network.DownBytes != 512<<10 {
		t.Errorf("network %+v", got.Network)
	}
	if !strings.Contains(stderr, "100% done") {
		t.Errorf("no progress on stderr:\n%s", stderr)
	}
	if got.Link == nil && (!strings.Contains(got.LinkProblem, "no Wi-Fi") || !strings.Contains(stderr, "typed by hand")) {
		t.Errorf("no link and no explanation: %q, stderr:\n%s", got.LinkProblem, stderr)
	}
}

func TestWifiMeasureURLFromEnvironment(t *testing.T) {
	srv := testURLServer(t)
	t.Setenv("TECHWALK_WIFI_URL", srv.URL)
	code, stdout, stderr := runCLI("wifi", "measure")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"Latency:", "median of 10 requests", "Jitter:", "Download:", "Upload:"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestWifiMeasureURLFromSettings(t *testing.T) {
	srv := testURLServer(t)
	t.Setenv("TECHWALK_WIFI_URL", "")
	db := filepath.Join(t.TempDir(), "tw.db")
	store, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SetSetting(context.Background(), sqlite.SettingWifiURL, srv.URL); err != nil {
		t.Fatal(err)
	}
	store.Close()
	code, stdout, stderr := runCLI("wifi", "measure", "--db", db, "--json")
	if code != 0 || !strings.Contains(stdout, srv.URL) {
		t.Fatalf("exit %d; the settings URL %s was not used:\n%s\n%s", code, srv.URL, stdout, stderr)
	}
}

func TestWifiMeasureWithoutWifiOrURL(t *testing.T) {
	if hasWifi() {
		t.Skip("this machine has a Wi-Fi connection")
	}
	t.Setenv("TECHWALK_WIFI_URL", "")
	t.Setenv(sqlite.EnvDB, filepath.Join(t.TempDir(), "none.db"))
	code, stdout, stderr := runCLI("wifi", "measure")
	if code != 1 {
		t.Errorf("exit %d, want 1 when nothing was measured", code)
	}
	for _, want := range []string{
		"Wi-Fi: no Wi-Fi interface found (",
		"Signal figures can be typed by hand in the app.",
		"no test URL configured: set one in Settings, or type the figures by hand",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "techwalk wifi: nothing could be measured") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

func TestWifiUsage(t *testing.T) {
	for _, args := range [][]string{{"wifi"}, {"wifi", "scan"}, {"wifi", "measure", "extra"}} {
		code, _, stderr := runCLI(args...)
		if code != 1 || !strings.Contains(stderr, "usage: techwalk wifi measure") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	code, stdout, _ := runCLI("help")
	if code != 0 || !strings.Contains(stdout, "measure Wi-Fi where you stand") {
		t.Errorf("help does not list wifi:\n%s", stdout)
	}
}
