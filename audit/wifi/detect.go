package wifi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// Runner runs a program with arguments and returns what it wrote to
// standard output. A program that is not installed gives an error matching
// exec.ErrNotFound.
type Runner func(ctx context.Context, name string, args ...string) ([]byte, error)

// ExecRunner runs the program with exec.CommandContext in the C locale, so
// tools that honour it print untranslated labels. A failing program's
// error includes the start of what it wrote to standard error.
func ExecRunner(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err == nil {
		return out, nil
	}
	if ctx.Err() != nil {
		return out, fmt.Errorf("%s did not finish in time: %w", name, ctx.Err())
	}
	msg := strings.TrimSpace(stderr.String())
	if len(msg) > 200 {
		msg = msg[:200]
	}
	if msg != "" {
		return out, fmt.Errorf("%s: %w: %s", name, err, msg)
	}
	return out, fmt.Errorf("%s: %w", name, err)
}

// DefaultToolTimeout bounds each command Detect runs when
// Detector.Timeout is zero. system_profiler can take several seconds.
const DefaultToolTimeout = 10 * time.Second

// Detector reads the current Wi-Fi connection with the operating system's
// tools. The zero value uses runtime.GOOS, ExecRunner and
// DefaultToolTimeout.
type Detector struct {
	// GOOS picks the tools: "linux", "darwin" or "windows".
	GOOS string
	// Run runs one tool; tests pass recorded outputs through it.
	Run Runner
	// Timeout bounds each tool run.
	Timeout time.Duration
}

// Detect reads the current Wi-Fi connection with a zero Detector.
func Detect(ctx context.Context) (Link, error) {
	return Detector{}.Detect(ctx)
}

// Detect reads the current Wi-Fi connection. When nothing can be read the
// error is a *NoWifiError (matching ErrNoWifi) that says what each tool
// reported; a cancelled ctx gives ctx's error.
func (d Detector) Detect(ctx context.Context) (Link, error) {
	var l Link
	var reasons []string
	switch d.goos() {
	case "linux":
		l, reasons = d.linux(ctx)
	case "darwin":
		l, reasons = d.darwin(ctx)
	case "windows":
		l, reasons = d.windows(ctx)
	default:
		return Link{}, &NoWifiError{Headline: headNoInformation,
			Reasons: []string{"reading Wi-Fi on " + d.goos() + " is not supported"}}
	}
	if err := ctx.Err(); err != nil {
		return Link{}, err
	}
	if l.Tool != "" {
		return l, nil
	}
	return Link{}, &NoWifiError{Headline: headline(reasons), Reasons: reasons}
}

func (d Detector) goos() string {
	if d.GOOS != "" {
		return d.GOOS
	}
	return runtime.GOOS
}

// run runs one tool within the time limit and parses its output; the
// reason says why it gave no link.
func (d Detector) run(ctx context.Context, parse func(string) (Link, error), name string, args ...string) (Link, string) {
	out, err := d.output(ctx, name, args...)
	if err != nil {
		return Link{}, toolReason(name, err)
	}
	l, err := parse(string(out))
	if err != nil {
		return Link{}, parseReason(name, err)
	}
	return l, ""
}

func (d Detector) output(ctx context.Context, name string, args ...string) ([]byte, error) {
	run := d.Run
	if run == nil {
		run = ExecRunner
	}
	limit := d.Timeout
	if limit <= 0 {
		limit = DefaultToolTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	return run(ctx, name, args...)
}

func toolReason(name string, err error) string {
	short := name[strings.LastIndex(name, "/")+1:]
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
		return short + " is not installed"
	}
	return fmt.Sprintf("%s failed: %v", short, err)
}

func parseReason(name string, err error) string {
	var nw *NoWifiError
	if errors.As(err, &nw) {
		return strings.Join(nw.Reasons, "; ")
	}
	return fmt.Sprintf("could not read the output of %s: %v", name, err)
}

// headline says "not connected" when some tool saw an interface that is
// not connected, else "no Wi-Fi interface found".
func headline(reasons []string) string {
	for _, r := range reasons {
		if strings.Contains(r, "not connected") || strings.Contains(r, "no active") ||
			strings.Contains(r, "no current") || strings.Contains(r, "turned off") {
			return headNotConnected
		}
	}
	return headNoInterface
}

// linux asks nmcli, then iw: iw's signal is measured in dBm, nmcli's is a
// percentage, so a link both report merges with iw's signal.
func (d Detector) linux(ctx context.Context) (Link, []string) {
	var reasons []string
	nm, why := d.run(ctx, ParseNmcli, "nmcli", NmcliArgs...)
	if why != "" {
		reasons = append(reasons, why)
	}
	iw, why := d.iw(ctx)
	if why != "" {
		reasons = append(reasons, why)
	}
	switch {
	case iw.Tool != "" && nm.Tool != "":
		iw.merge(nm)
		return iw, nil
	case iw.Tool != "":
		return iw, nil
	}
	return nm, reasons
}

// iw lists the interfaces with "iw dev" and returns the first connected
// one's link.
func (d Detector) iw(ctx context.Context) (Link, string) {
	out, err := d.output(ctx, "iw", "dev")
	if err != nil {
		return Link{}, toolReason("iw", err)
	}
	ifaces, err := ParseIwDev(string(out))
	if err != nil {
		return Link{}, parseReason("iw dev", err)
	}
	var whys []string
	for _, ifc := range ifaces {
		if ifc.Type != "" && ifc.Type != "managed" {
			continue
		}
		l, why := d.run(ctx, ParseIwLink, "iw", "dev", ifc.Name, "link")
		if why == "" {
			fillStr(&l.Interface, ifc.Name)
			return l, ""
		}
		whys = append(whys, ifc.Name+": "+why)
	}
	if len(whys) == 0 {
		return Link{}, "iw lists no Wi-Fi client interface"
	}
	return Link{}, strings.Join(whys, "; ")
}

// darwin asks system_profiler and airport and merges what both report;
// airport still names the BSSID on releases that have it.
func (d Detector) darwin(ctx context.Context) (Link, []string) {
	sp, why1 := d.run(ctx, ParseSystemProfiler, "system_profiler", "SPAirPortDataType")
	ap, why2 := d.run(ctx, ParseAirport, AirportPath, "-I")
	switch {
	case sp.Tool != "":
		sp.merge(ap)
		return sp, nil
	case ap.Tool != "":
		return ap, nil
	}
	return Link{}, []string{why1, why2}
}

func (d Detector) windows(ctx context.Context) (Link, []string) {
	l, why := d.run(ctx, ParseNetsh, "netsh", "wlan", "show", "interfaces")
	if why != "" {
		return Link{}, []string{why}
	}
	return l, nil
}
