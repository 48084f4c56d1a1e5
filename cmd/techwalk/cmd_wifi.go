package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"techwalk/audit"
	"techwalk/audit/sqlite"
	"techwalk/audit/wifi"
)

const wifiUsage = "usage: techwalk wifi measure [--url URL] [--json] [--timeout 30s]"

// wifiURLEnv names the environment variable read when --url is not given.
const wifiURLEnv = "TECHWALK_WIFI_URL"

// wifiOutput is what --json prints: the result and the checklist reading.
type wifiOutput struct {
	wifi.Result
	Reading audit.WifiReading `json:"reading"`
}

func runWifi(cli *CLI, args []string) error {
	if err := cli.subcommand(args, wifiUsage, "measure"); err != nil {
		return err
	}
	fs := cli.newFlags("wifi measure")
	url := fs.String("url", "", "test URL (default $"+wifiURLEnv+", else the URL set in the app's Settings)")
	db := dbFlag(fs)
	asJSON := fs.Bool("json", false, "print the result as JSON")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(cli.Err, wifiUsage)
		return errUsage
	}
	if *url == "" {
		*url = os.Getenv(wifiURLEnv)
	}
	if *url == "" {
		*url = settingsWifiURL(*db)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()

	bar := &progressBar{w: cli.Err}
	r, err := wifi.Measure(ctx, wifi.Detector{}, wifi.NetworkConfig{URL: *url}, bar.update)
	bar.finish()
	if ctx.Err() != nil {
		return fmt.Errorf("measuring stopped: %w", context.Cause(ctx))
	}
	if *asJSON {
		printWifiJSON(cli, r)
	} else {
		printWifi(cli.Out, r)
	}
	if err != nil {
		return errors.New("nothing could be measured")
	}
	return nil
}

func printWifiJSON(cli *CLI, r wifi.Result) {
	if r.LinkProblem != "" {
		fmt.Fprintln(cli.Err, noWifiMessage(r.LinkProblem))
	}
	if r.NetworkProblem != "" {
		fmt.Fprintln(cli.Err, "Network test: "+networkMessage(r.NetworkProblem))
	}
	enc := json.NewEncoder(cli.Out)
	enc.SetIndent("", "  ")
	_ = enc.Encode(wifiOutput{Result: r, Reading: r.Reading()})
}

func noWifiMessage(problem string) string {
	return "Wi-Fi: " + problem + ". Signal figures can be typed by hand in the app."
}

func networkMessage(problem string) string {
	if problem == wifi.ErrNoURL.Error() {
		return problem + " (or pass --url, set " + wifiURLEnv + ", or set the test URL in Settings)"
	}
	return problem
}

// printWifi prints one line per figure.
func printWifi(w io.Writer, r wifi.Result) {
	if r.Link == nil {
		fmt.Fprintln(w, noWifiMessage(r.LinkProblem))
	} else {
		printLink(w, *r.Link)
	}
	if r.Network == nil {
		fmt.Fprintln(w, "Network test: "+networkMessage(r.NetworkProblem))
		return
	}
	printNetwork(w, *r.Network)
}

func line(w io.Writer, label, format string, args ...any) {
	fmt.Fprintf(w, "%-14s %s\n", label+":", fmt.Sprintf(format, args...))
}

func printLink(w io.Writer, l wifi.Link) {
	if l.SSID != "" {
		line(w, "Network", "%s", l.SSID)
	}
	if l.BSSID != "" {
		line(w, "Access point", "%s", l.BSSID)
	}
	if band := bandText(l); band != "" {
		line(w, "Band", "%s", band)
	}
	switch l.SignalFrom {
	case wifi.SignalDBM:
		line(w, "Signal", "%g dBm (%g %%)", l.SignalDBM, l.SignalPercent)
	case wifi.SignalPercent:
		line(w, "Signal", "%g %% (about %g dBm, converted)", l.SignalPercent, l.SignalDBM)
	}
	if l.NoiseDBM != 0 {
		line(w, "Noise", "%g dBm", l.NoiseDBM)
	}
	if l.RxRateMbps != 0 {
		line(w, "Receive rate", "%g Mbps", l.RxRateMbps)
	}
	if l.TxRateMbps != 0 {
		line(w, "Transmit rate", "%g Mbps", l.TxRateMbps)
	}
	line(w, "Interface", "%s (read with %s)", orUnknown(l.Interface), l.Tool)
}

func bandText(l wifi.Link) string {
	var parts []string
	if l.Band != "" {
		parts = append(parts, l.Band)
	}
	if l.Channel != 0 {
		parts = append(parts, fmt.Sprintf("channel %d", l.Channel))
	}
	if l.FrequencyMHz != 0 {
		parts = append(parts, fmt.Sprintf("%d MHz", l.FrequencyMHz))
	}
	return strings.Join(parts, ", ")
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func printNetwork(w io.Writer, n wifi.Network) {
	if n.LatencyMS != nil {
		line(w, "Latency", "%.1f ms (median of %d requests)", *n.LatencyMS, len(n.LatencySamplesMS))
	}
	if n.JitterMS != nil {
		line(w, "Jitter", "%.1f ms", *n.JitterMS)
	}
	if n.DownMbps != nil {
		line(w, "Download", "%.1f Mbps", *n.DownMbps)
	}
	if n.UpMbps != nil {
		line(w, "Upload", "%.1f Mbps", *n.UpMbps)
	}
	for _, p := range n.Problems {
		line(w, "Problem", "%s", p)
	}
}

// progressBar draws the network test's progress on one line of a stream.
type progressBar struct {
	w       io.Writer
	last    int
	stage   string
	started bool
}

func (b *progressBar) update(done, total float64, stage string) {
	if total <= 0 {
		return
	}
	pct := min(max(int(100*done/total), 0), 100)
	if b.started && stage == b.stage && pct < b.last+5 && pct < 100 {
		return
	}
	b.started, b.stage, b.last = true, stage, pct
	filled := pct / 5
	fmt.Fprintf(b.w, "\r[%s%s] %3d%% %-8s", strings.Repeat("#", filled), strings.Repeat(".", 20-filled), pct, stage)
}

func (b *progressBar) finish() {
	if b.started {
		fmt.Fprintln(b.w)
	}
}

// settingsWifiURL reads the test URL the district set in the app's
// Settings; empty when there is no database yet or no URL in it. It never
// creates a database just to look.
func settingsWifiURL(dbPath string) string {
	path, err := sqlite.ResolvePath(dbPath)
	if err != nil {
		return ""
	}
	if _, err := os.Stat(path); err != nil {
		return ""
	}
	store, err := sqlite.OpenReadOnly(path)
	if err != nil {
		return ""
	}
	defer store.Close()
	url, _ := store.Setting(context.Background(), sqlite.SettingWifiURL, "")
	return url
}
