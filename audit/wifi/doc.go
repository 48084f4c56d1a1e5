// Package wifi measures Wi-Fi quality where the auditor stands.
//
// It does two separate things:
//
//   - Detect reads the current Wi-Fi connection from the operating system
//     (nmcli or iw on Linux, system_profiler and airport on macOS,
//     netsh on Windows): network name, access point, band, channel, signal
//     and link rate. The output of each tool is read by a pure parser
//     (ParseNmcli, ParseIwDev, ParseIwLink, ParseSystemProfiler,
//     ParseAirport, ParseNetsh) that never panics on odd input.
//   - MeasureNetwork times requests against a test URL the district
//     configures: latency and jitter, download and upload throughput. No
//     URL is built in; nothing is contacted unless the caller passes one.
//
// Measure does both and returns a Result whose Reading method gives the
// audit.WifiReading stored as the answer of a Wi-Fi checklist item.
//
// The package imports no UI code; progress is reported through a callback
// that runs on the measuring goroutine.
package wifi
