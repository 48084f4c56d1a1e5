package wifi

import (
	"context"
	"fmt"

	"techwalk/audit"
)

// Result is what Measure found: the connection the operating system
// reports and the figures measured against the test URL. Either may be
// missing; the matching Problem field says why.
type Result struct {
	Link           *Link    `json:"link,omitempty"`
	LinkProblem    string   `json:"link_problem,omitempty"`
	Network        *Network `json:"network,omitempty"`
	NetworkProblem string   `json:"network_problem,omitempty"`
}

// Measure reads the Wi-Fi connection with d and, when cfg.URL is set,
// measures the network against it. It returns an error only when nothing
// at all was measured, or when ctx ended; otherwise the Problem fields
// explain what is missing.
func Measure(ctx context.Context, d Detector, cfg NetworkConfig, progress Progress) (Result, error) {
	var r Result
	link, linkErr := d.Detect(ctx)
	switch {
	case ctx.Err() != nil:
		return r, ctx.Err()
	case linkErr != nil:
		r.LinkProblem = linkErr.Error()
	default:
		r.Link = &link
	}
	nw, netErr := MeasureNetwork(ctx, cfg, progress)
	switch {
	case ctx.Err() != nil:
		return r, ctx.Err()
	case netErr != nil:
		r.NetworkProblem = netErr.Error()
	default:
		r.Network = &nw
	}
	if r.Link == nil && r.Network == nil {
		return r, fmt.Errorf("%w; %w", linkErr, netErr)
	}
	return r, nil
}

// Reading converts the result to the value of a Wi-Fi checklist item, with
// Source "measured". The signal is in dBm, converted from percent when
// that is all the tool reported.
func (r Result) Reading() audit.WifiReading {
	w := audit.WifiReading{Source: "measured"}
	if l := r.Link; l != nil {
		w.SSID, w.BSSID, w.Band = l.SSID, l.BSSID, l.Band
		if l.SignalFrom != "" {
			w.SignalDBM = ptr(l.SignalDBM)
		}
	}
	if n := r.Network; n != nil {
		w.LatencyMS = copyPtr(n.LatencyMS)
		w.JitterMS = copyPtr(n.JitterMS)
		w.DownMbps = copyPtr(n.DownMbps)
		w.UpMbps = copyPtr(n.UpMbps)
	}
	return w
}

func ptr(v float64) *float64 { return &v }

func copyPtr(p *float64) *float64 {
	if p == nil {
		return nil
	}
	return ptr(*p)
}
