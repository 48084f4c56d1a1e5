package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
	"techwalk/audit/wifi"
)

// measureWifi runs a Wi-Fi measurement; a variable so a test can stand in for the network.
var measureWifi = func(ctx context.Context, url string, progress wifi.Progress) (wifi.Result, error) {
	return wifi.Measure(ctx, wifi.Detector{}, wifi.NetworkConfig{URL: url}, progress)
}

// wifiFields are the figures of a Wi-Fi item and its measurement controls.
type wifiFields struct {
	signal, latency, down, up *fieldEntry
	measureBtn, cancelBtn     *widget.Button
	progress                  *widget.ProgressBar
	msg                       statusLabel
	cancel                    context.CancelFunc
	done                      chan struct{} // closed when a measurement ends
	extra                     audit.WifiReading
}

func (r *itemRow) buildWifi() fyne.CanvasObject {
	w := &wifiFields{}
	r.wifi = w
	field := func(label string) (*fieldEntry, fyne.CanvasObject) {
		e := r.newEntry(false)
		e.OnChanged = func(string) { r.onWifiChanged() }
		return e, container.NewVBox(smallLabel(label), e)
	}
	var a, b, c, d fyne.CanvasObject
	w.signal, a = field("Signal (dBm, e.g. -60)")
	w.latency, b = field("Latency (ms)")
	w.down, c = field("Download (Mbps)")
	w.up, d = field("Upload (Mbps)")
	w.measureBtn = widget.NewButtonWithIcon("Measure Wi-Fi", theme.SearchIcon(), r.onMeasure)
	w.cancelBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), r.onCancelMeasure)
	w.cancelBtn.Hide()
	w.progress = widget.NewProgressBar()
	w.progress.Hide()
	w.msg = newStatusLabel()
	buttons := container.NewHBox(tallBox(w.measureBtn), tallBox(w.cancelBtn))
	return container.NewVBox(container.NewGridWithColumns(2, a, b, c, d),
		container.NewBorder(nil, nil, buttons, nil, w.progress), w.msg)
}

// wifiText lists the Wi-Fi figures typed or measured.
func (r *itemRow) wifiText() string {
	w := r.wifi
	var out []string
	for _, f := range []struct {
		e          *fieldEntry
		name, unit string
	}{{w.signal, "signal", "dBm"}, {w.latency, "latency", "ms"}, {w.down, "down", "Mbps"}, {w.up, "up", "Mbps"}} {
		if f.e.Text != "" {
			out = append(out, f.name+" "+f.e.Text+" "+f.unit)
		}
	}
	return strings.Join(out, ", ")
}

// onWifiChanged saves the typed figures as a manual reading.
func (r *itemRow) onWifiChanged() {
	if r.loading {
		return
	}
	w, err := r.typedWifi()
	if err != nil {
		r.problem.failed(err)
		return
	}
	r.problem.clear()
	r.value = ""
	if w.SignalDBM != nil || w.LatencyMS != nil || w.DownMbps != nil || w.UpMbps != nil {
		r.value = w.Encode()
	}
	r.changed()
}

func (r *itemRow) typedWifi() (audit.WifiReading, error) {
	f := r.wifi
	w := f.extra
	w.Source = "manual"
	var errs []error
	read := func(label string, e *fieldEntry) *float64 {
		v, err := parseOptionalNumber(label, e.Text)
		errs = append(errs, err)
		return v
	}
	w.SignalDBM = read("signal", f.signal)
	w.LatencyMS = read("latency", f.latency)
	w.DownMbps = read("download", f.down)
	w.UpMbps = read("upload", f.up)
	return w, errors.Join(errs...)
}

func (r *itemRow) fillWifi(w audit.WifiReading) {
	set := func(e *fieldEntry, v *float64) {
		if v == nil {
			e.SetText("")
			return
		}
		e.SetText(formatNumber(*v))
	}
	was := r.loading
	r.loading = true
	set(r.wifi.signal, w.SignalDBM)
	set(r.wifi.latency, w.LatencyMS)
	set(r.wifi.down, w.DownMbps)
	set(r.wifi.up, w.UpMbps)
	r.wifi.extra = audit.WifiReading{SSID: w.SSID, BSSID: w.BSSID, Band: w.Band, JitterMS: w.JitterMS}
	r.loading = was
}

// onMeasure runs the Wi-Fi measurement in the background.
func (r *itemRow) onMeasure() {
	f := r.wifi
	if f.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel, f.done = cancel, make(chan struct{})
	f.measureBtn.Disable()
	f.cancelBtn.Show()
	f.progress.SetValue(0)
	f.progress.Show()
	f.msg.info("Measuring Wi-Fi…")
	url := r.wifiURL
	go func() {
		res, err := measureWifi(ctx, url, func(done, total float64, stage string) {
			fyne.Do(func() { r.onMeasureProgress(done, total, stage) })
		})
		fyne.Do(func() { r.onMeasured(res, err) })
	}()
}

func (r *itemRow) onMeasureProgress(done, total float64, stage string) {
	if total > 0 {
		r.wifi.progress.SetValue(done / total)
	}
	if stage != "" {
		r.wifi.msg.info("Measuring Wi-Fi: " + stage)
	}
}

func (r *itemRow) onCancelMeasure() {
	if r.wifi.cancel != nil {
		r.wifi.cancel()
	}
}

// onMeasured puts the measured figures into the fields and the answer, or says why not.
func (r *itemRow) onMeasured(res wifi.Result, err error) {
	f := r.wifi
	f.cancel()
	f.cancel = nil
	defer close(f.done)
	f.measureBtn.Enable()
	f.cancelBtn.Hide()
	f.progress.Hide()
	switch {
	case errors.Is(err, context.Canceled):
		f.msg.info("Measurement cancelled. Type the figures by hand if you have them.")
		return
	case err != nil:
		f.msg.failed(fmt.Errorf("Nothing measured. %s Type the figures above by hand", measureProblems(res, err)))
		return
	}
	reading := res.Reading()
	r.fillWifi(reading)
	r.value = reading.Encode()
	r.problem.clear()
	msg := "Measured"
	if reading.SSID != "" {
		msg += " on " + reading.SSID
	}
	if p := measureProblems(res, nil); p != "" {
		msg += ". " + p
	}
	f.msg.info(msg)
	r.changed()
}

// measureProblems says in a sentence or two what could not be measured.
func measureProblems(res wifi.Result, err error) string {
	var out []string
	if res.LinkProblem != "" {
		out = append(out, "Signal: "+res.LinkProblem+".")
	}
	if res.NetworkProblem != "" {
		out = append(out, "Speed test: "+res.NetworkProblem+".")
	}
	if len(out) == 0 && err != nil {
		out = append(out, err.Error()+".")
	}
	return strings.Join(out, " ")
}
