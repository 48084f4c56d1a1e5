package wifi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strings"
	"time"
)

// ErrNoURL is returned when no test URL is configured.
var ErrNoURL = errors.New("no test URL configured: set one in Settings, or type the figures by hand")

// Defaults for the zero fields of NetworkConfig.
const (
	DefaultPings            = 10
	DefaultPingTimeout      = 3 * time.Second
	DefaultDownloadFor      = 5 * time.Second
	DefaultDownloadMaxBytes = 25 << 20
	DefaultUploadFor        = 5 * time.Second
	DefaultUploadMaxBytes   = 10 << 20
)

// NetworkConfig says what MeasureNetwork contacts and how long it may take.
// Zero fields take the defaults above.
type NetworkConfig struct {
	// URL is the district's test resource. Latency uses GET requests for
	// its first byte, download reads it, upload POSTs to it (or UploadURL).
	URL string
	// UploadURL receives the upload; empty means URL.
	UploadURL string
	// Pings is the number of latency samples.
	Pings       int
	PingTimeout time.Duration
	// The download stops after DownloadFor or DownloadMaxBytes, whichever
	// comes first; the upload sends for at most UploadFor or
	// UploadMaxBytes.
	DownloadFor      time.Duration
	DownloadMaxBytes int64
	UploadFor        time.Duration
	UploadMaxBytes   int64
	// Client makes the requests; nil uses a client of its own.
	Client *http.Client
}

// Progress is told how far a measurement is: done runs from 0 to total,
// stage names the step ("latency", "download", "upload"). It is called on
// the measuring goroutine; a UI must hand the update to its own thread.
type Progress func(done, total float64, stage string)

// Network holds the figures measured against the test URL. A nil figure
// was not measured; Problems says why.
type Network struct {
	URL string `json:"url"`
	// LatencyMS is the median time from sending a small request to the
	// first byte of its answer, connection set-up excluded.
	LatencyMS *float64 `json:"latency_ms,omitempty"`
	// JitterMS is the mean absolute difference between consecutive
	// latency samples.
	JitterMS         *float64  `json:"jitter_ms,omitempty"`
	LatencySamplesMS []float64 `json:"latency_samples_ms,omitempty"`
	// DownMbps is the body bytes read divided by the time from the answer's
	// headers to the last byte read, in megabits (10^6 bits) per second.
	DownMbps    *float64 `json:"down_mbps,omitempty"`
	DownBytes   int64    `json:"down_bytes,omitempty"`
	DownSeconds float64  `json:"down_seconds,omitempty"`
	// UpMbps is the bytes sent divided by the time from starting the
	// request to the server's answer.
	UpMbps    *float64 `json:"up_mbps,omitempty"`
	UpBytes   int64    `json:"up_bytes,omitempty"`
	UpSeconds float64  `json:"up_seconds,omitempty"`
	// Problems names the steps that failed, e.g. the server refusing the
	// upload.
	Problems []string `json:"problems,omitempty"`
}

// stage weights in the overall progress.
const (
	weightLatency  = 0.2
	weightDownload = 0.4
	progressTotal  = 1.0
)

// MeasureNetwork measures latency, jitter, download and upload against
// cfg.URL. It contacts nothing else. An empty URL gives ErrNoURL; an
// unreachable URL or a failing latency step gives an error and no
// figures; a failing download or upload is listed in Problems and the
// other figures are kept. Cancelling ctx stops it promptly with ctx's
// error (and the figures measured so far).
func MeasureNetwork(ctx context.Context, cfg NetworkConfig, progress Progress) (Network, error) {
	cfg = cfg.withDefaults()
	n := Network{URL: cfg.URL}
	if err := cfg.check(); err != nil {
		return n, err
	}
	if progress == nil {
		progress = func(float64, float64, string) {}
	}
	m := &meter{cfg: cfg, progress: progress}
	if err := m.latency(ctx, &n); err != nil {
		return n, err
	}
	if err := m.download(ctx, &n); err != nil {
		return n, err
	}
	if err := m.upload(ctx, &n); err != nil {
		return n, err
	}
	progress(progressTotal, progressTotal, "done")
	return n, nil
}

func (c NetworkConfig) withDefaults() NetworkConfig {
	c.URL = strings.TrimSpace(c.URL)
	c.UploadURL = strings.TrimSpace(c.UploadURL)
	if c.UploadURL == "" {
		c.UploadURL = c.URL
	}
	setDefault(&c.Pings, DefaultPings)
	setDefault(&c.PingTimeout, DefaultPingTimeout)
	setDefault(&c.DownloadFor, DefaultDownloadFor)
	setDefault(&c.DownloadMaxBytes, DefaultDownloadMaxBytes)
	setDefault(&c.UploadFor, DefaultUploadFor)
	setDefault(&c.UploadMaxBytes, DefaultUploadMaxBytes)
	if c.Client == nil {
		c.Client = &http.Client{}
	}
	return c
}

func setDefault[T int | int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

func (c NetworkConfig) check() error {
	if c.URL == "" {
		return ErrNoURL
	}
	for _, raw := range []string{c.URL, c.UploadURL} {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("test URL %q is not an http:// or https:// address", raw)
		}
	}
	return nil
}

type meter struct {
	cfg      NetworkConfig
	progress Progress
}

// latency takes one warm-up request (which opens the connection and checks
// the URL answers), then cfg.Pings timed ones.
func (m *meter) latency(ctx context.Context, n *Network) error {
	m.progress(0, progressTotal, "latency")
	if _, err := m.ping(ctx); err != nil {
		return err
	}
	samples := make([]float64, 0, m.cfg.Pings)
	for i := range m.cfg.Pings {
		d, err := m.ping(ctx)
		if err != nil {
			return err
		}
		samples = append(samples, ms(d))
		m.progress(weightLatency*float64(i+1)/float64(m.cfg.Pings), progressTotal, "latency")
	}
	n.LatencySamplesMS = samples
	med, jit := round2(Median(samples)), round2(Jitter(samples))
	n.LatencyMS, n.JitterMS = &med, &jit
	return nil
}

// ping sends GET with "Range: bytes=0-0" and returns the time from the
// request being written to the first byte of the answer.
func (m *meter) ping(ctx context.Context) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, m.cfg.PingTimeout)
	defer cancel()
	var wrote, first time.Time
	trace := &httptrace.ClientTrace{
		WroteRequest:         func(httptrace.WroteRequestInfo) { wrote = time.Now() },
		GotFirstResponseByte: func() { first = time.Now() },
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, m.cfg.URL, nil)
	if err != nil {
		return 0, fmt.Errorf("latency: %w", err)
	}
	req.Header.Set("Range", "bytes=0-0")
	req.Header.Set("Cache-Control", "no-cache")
	resp, err := m.cfg.Client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("latency: the test URL did not answer: %w", err)
	}
	// Read what a server ignoring Range sends, within reason, so the
	// connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return 0, fmt.Errorf("latency: the test URL answered %s", resp.Status)
	}
	if wrote.IsZero() || first.Before(wrote) {
		return 0, errors.New("latency: the request was not timed")
	}
	return first.Sub(wrote), nil
}

// download reads cfg.URL for at most DownloadFor or DownloadMaxBytes.
func (m *meter) download(ctx context.Context, n *Network) error {
	m.progress(weightLatency, progressTotal, "download")
	dctx, cancel := context.WithTimeout(ctx, m.cfg.DownloadFor)
	defer cancel()
	req, err := http.NewRequestWithContext(dctx, http.MethodGet, m.cfg.URL, nil)
	if err != nil {
		return fmt.Errorf("download: %w", err)
	}
	req.Header.Set("Cache-Control", "no-cache")
	resp, err := m.cfg.Client.Do(req)
	if err != nil {
		return m.stageProblem(ctx, n, "download", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		n.Problems = append(n.Problems, "download: the test URL answered "+resp.Status)
		return nil
	}
	start := time.Now()
	read, err := m.readBody(resp.Body, start)
	elapsed := time.Since(start)
	if ctx.Err() != nil {
		return fmt.Errorf("download: %w", ctx.Err())
	}
	if err != nil && dctx.Err() == nil {
		n.Problems = append(n.Problems, fmt.Sprintf("download: reading the test URL failed after %d bytes: %v", read, err))
		return nil
	}
	n.DownBytes, n.DownSeconds = read, elapsed.Seconds()
	n.DownMbps = mbps(read, elapsed)
	return nil
}

// readBody reads until EOF, the byte limit or an error (the request
// context's deadline ends it with one), and reports
// progress as the larger of the byte and time fractions.
func (m *meter) readBody(body io.Reader, start time.Time) (int64, error) {
	buf := make([]byte, 64<<10)
	var read int64
	for read < m.cfg.DownloadMaxBytes {
		k, err := body.Read(buf[:min(int64(len(buf)), m.cfg.DownloadMaxBytes-read)])
		read += int64(k)
		frac := max(float64(read)/float64(m.cfg.DownloadMaxBytes), time.Since(start).Seconds()/m.cfg.DownloadFor.Seconds())
		m.progress(weightLatency+weightDownload*min(frac, 1), progressTotal, "download")
		if errors.Is(err, io.EOF) {
			return read, nil
		}
		if err != nil {
			return read, err
		}
	}
	return read, nil
}

// stageProblem records a failed download or upload, or returns the
// parent context's error when it ended.
func (m *meter) stageProblem(ctx context.Context, n *Network, stage string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", stage, ctx.Err())
	}
	if errors.Is(err, context.DeadlineExceeded) {
		n.Problems = append(n.Problems, stage+": the test URL did not answer in time")
		return nil
	}
	hint := ""
	if stage == "upload" {
		hint = " (the test URL needs to accept POST)"
	}
	n.Problems = append(n.Problems, fmt.Sprintf("%s failed: %v%s", stage, err, hint))
	return nil
}

// upload POSTs generated bytes to UploadURL for at most UploadFor or
// UploadMaxBytes and times it until the server answers.
func (m *meter) upload(ctx context.Context, n *Network) error {
	base := weightLatency + weightDownload
	m.progress(base, progressTotal, "upload")
	// The body stops on time; the server may still be reading what the
	// network holds, so the answer gets longer to arrive.
	uctx, cancel := context.WithTimeout(ctx, 3*m.cfg.UploadFor+m.cfg.PingTimeout)
	defer cancel()
	body := &uploadBody{limit: m.cfg.UploadMaxBytes, stopAt: time.Now().Add(m.cfg.UploadFor), data: randomBlock()}
	body.onRead = func(sent int64) {
		frac := max(float64(sent)/float64(body.limit), 1-time.Until(body.stopAt).Seconds()/m.cfg.UploadFor.Seconds())
		m.progress(base+(progressTotal-base)*min(frac, 1), progressTotal, "upload")
	}
	req, err := http.NewRequestWithContext(uctx, http.MethodPost, m.cfg.UploadURL, body)
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	start := time.Now()
	resp, err := m.cfg.Client.Do(req)
	if err != nil {
		return m.stageProblem(ctx, n, "upload", err)
	}
	elapsed := time.Since(start)
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		n.Problems = append(n.Problems, "upload: the test URL answered "+resp.Status+"; it needs to accept POST")
		return nil
	}
	n.UpBytes, n.UpSeconds = body.sent, elapsed.Seconds()
	n.UpMbps = mbps(body.sent, elapsed)
	return nil
}

// uploadBody yields data repeatedly until limit bytes or stopAt.
type uploadBody struct {
	limit  int64
	sent   int64
	stopAt time.Time
	data   []byte
	onRead func(sent int64)
}

func (b *uploadBody) Read(p []byte) (int, error) {
	if b.sent >= b.limit || !time.Now().Before(b.stopAt) {
		return 0, io.EOF
	}
	k := copy(p[:min(int64(len(p)), b.limit-b.sent)], b.data[b.sent%int64(len(b.data)):])
	b.sent += int64(k)
	b.onRead(b.sent)
	return k, nil
}

// randomBlock returns bytes that do not compress, so a compressing proxy
// cannot shorten the upload.
func randomBlock() []byte {
	b := make([]byte, 256<<10)
	r := rand.NewChaCha8([32]byte{'t', 'e', 'c', 'h', 'w', 'a', 'l', 'k'})
	_, _ = r.Read(b)
	return b
}

func mbps(bytes int64, d time.Duration) *float64 {
	if bytes <= 0 || d <= 0 {
		return nil
	}
	v := round2(float64(bytes) * 8 / d.Seconds() / 1e6)
	return &v
}

// round2 rounds to two decimals, finer than any of the figures is accurate.
func round2(v float64) float64 { return math.Round(v*100) / 100 }

func ms(d time.Duration) float64 { return round2(float64(d) / float64(time.Millisecond)) }

// Median returns the middle value of samples (the mean of the two middle
// ones for an even count), or 0 for none.
func Median(samples []float64) float64 {
	if len(samples) == 0 {
		return 0
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return s[mid]
	}
	return (s[mid-1] + s[mid]) / 2
}

// Jitter returns the mean absolute difference between consecutive samples
// (in the order taken), or 0 for fewer than two.
func Jitter(samples []float64) float64 {
	if len(samples) < 2 {
		return 0
	}
	sum := 0.0
	for i := 1; i < len(samples); i++ {
		d := samples[i] - samples[i-1]
		if d < 0 {
			d = -d
		}
		sum += d
	}
	return sum / float64(len(samples)-1)
}
