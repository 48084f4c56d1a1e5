package main

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"
)

// The release packages are checked when TECHWALK_DIST is set, after
// make dist has built them (make test does both when the variable is set,
// as .ci/run does). TECHWALK_DIST_DIR names another folder than dist/.
// TECHWALK_DIST=nowine leaves out starting the exe under Wine.
const (
	envDist    = "TECHWALK_DIST"
	envDistDir = "TECHWALK_DIST_DIR"
)

// distDir is the folder make dist wrote, or skips the test when the
// packages are not to be checked.
func distDir(t *testing.T) string {
	t.Helper()
	if os.Getenv(envDist) == "" {
		t.Skipf("set %s=1 after make dist to check the release packages", envDist)
	}
	dir := os.Getenv(envDistDir)
	if dir == "" {
		dir = filepath.Join("..", "..", "dist")
	}
	if _, err := os.Stat(filepath.Join(dir, "SHA256SUMS")); err != nil {
		t.Fatalf("%s is set but %s has no packages (run make dist): %v", envDist, dir, err)
	}
	return dir
}

// needTool fails when a tool the package checks use is missing: with
// TECHWALK_DIST set, .ci/setup.sh should have installed it.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is not installed (bash .ci/setup.sh installs it)", name)
	}
}

func TestDistLinuxArchive(t *testing.T) {
	dir := distDir(t)
	needTool(t, "tar")
	archive := filepath.Join(dir, "TechWalk.tar.xz")
	out, err := exec.Command("tar", "-tJf", archive).CombinedOutput()
	if err != nil {
		t.Fatalf("tar -tJf %s: %v\n%s", archive, err, out)
	}
	files := map[string]bool{}
	for _, name := range strings.Fields(string(out)) {
		// fyne lays the tree out under techwalk/usr/local/ (or usr/ where
		// the building machine has no /usr/local).
		files[strings.Replace(strings.TrimPrefix(name, "./"), "/usr/local/", "/usr/", 1)] = true
	}
	for _, want := range []string{"techwalk/usr/bin/techwalk", "techwalk/usr/share/pixmaps/org.techwalk.app.png",
		"techwalk/usr/share/applications/org.techwalk.app.desktop", "techwalk/Makefile"} {
		if !files[want] {
			t.Errorf("%s lacks %s; it lists:\n%s", archive, want, out)
		}
	}

	unpacked := t.TempDir()
	if out, err := exec.Command("tar", "-xJf", archive, "-C", unpacked).CombinedOutput(); err != nil {
		t.Fatalf("unpack %s: %v\n%s", archive, err, out)
	}
	bin, _ := filepath.Glob(filepath.Join(unpacked, "techwalk", "usr", "*", "techwalk"))
	bin2, _ := filepath.Glob(filepath.Join(unpacked, "techwalk", "usr", "*", "*", "techwalk"))
	bins := append(bin, bin2...)
	if len(bins) != 1 {
		t.Fatalf("unpacked archive has %d techwalk binaries: %v", len(bins), bins)
	}
	got, err := exec.Command(bins[0], "version").Output()
	if want := "TechWalk " + fyneAppVersion(t) + "\n"; err != nil || string(got) != want {
		t.Errorf("the archive's techwalk version: %q, %v; want %q", got, err, want)
	}
	desktop, _ := filepath.Glob(filepath.Join(unpacked, "techwalk", "usr", "*", "applications", "org.techwalk.app.desktop"))
	desktop2, _ := filepath.Glob(filepath.Join(unpacked, "techwalk", "usr", "*", "*", "applications", "org.techwalk.app.desktop"))
	desktop = append(desktop, desktop2...)
	if len(desktop) != 1 {
		t.Fatalf("unpacked archive has %d desktop files", len(desktop))
	}
	entry, err := os.ReadFile(desktop[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Name=TechWalk", "Exec=techwalk", "Icon=org.techwalk.app"} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(want) + `$`).Match(entry) {
			t.Errorf("desktop file lacks the line %q:\n%s", want, entry)
		}
	}
}

func TestDistMetainfo(t *testing.T) {
	dir := distDir(t)
	needTool(t, "appstreamcli")
	path := filepath.Join(dir, "org.techwalk.app.metainfo.xml")
	if out, err := exec.Command("appstreamcli", "validate", "--no-net", "--pedantic", path).CombinedOutput(); err != nil {
		t.Errorf("appstreamcli validate %s: %v\n%s", path, err, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := `<release version="` + fyneAppVersion(t) + `" date="`; !bytes.Contains(data, []byte(want)) {
		t.Errorf("metainfo has no %s...> for FyneApp.toml's version:\n%s", want, data)
	}
}

func TestDistWindowsExe(t *testing.T) {
	dir := distDir(t)
	needTool(t, "file")
	exe := filepath.Join(dir, "techwalk.exe")
	out, err := exec.Command("file", "-b", exe).Output()
	if err != nil || !regexp.MustCompile(`^PE32\+ executable \(GUI\) x86-64`).Match(out) {
		t.Fatalf("file calls techwalk.exe %q (%v); want a PE32+ GUI executable for x86-64", out, err)
	}
	rsrc := resourceSection(t, exe)
	types := resourceTypes(rsrc)
	const rtIcon, rtGroupIcon, rtVersion = 3, 14, 16
	for _, want := range []uint32{rtIcon, rtGroupIcon, rtVersion} {
		if !types[want] {
			t.Errorf("techwalk.exe has no resource of type %d (icon 3, icon group 14, version 16); it has %v", want, types)
		}
	}
	// The version resource carries the version as fyne writes it: x.y.z.build.
	for _, want := range []string{"TechWalk", fyneAppVersion(t) + "."} {
		if !bytes.Contains(rsrc, utf16le(want)) {
			t.Errorf("techwalk.exe's version information lacks %q", want)
		}
	}
}

func TestDistWindowsExeStartsUnderWine(t *testing.T) {
	dir := distDir(t)
	if os.Getenv(envDist) == "nowine" {
		t.Skipf("%s=nowine", envDist)
	}
	needTool(t, "wine")
	exe, err := filepath.Abs(filepath.Join(dir, "techwalk.exe"))
	if err != nil {
		t.Fatal(err)
	}
	// A prefix of its own (wine refuses one that another user owns), no
	// display, no debug chatter, no offer to install Mono or Gecko.
	env := append(os.Environ(), "WINEPREFIX="+t.TempDir(), "WINEDEBUG=-all", "DISPLAY=", "WINEDLLOVERRIDES=mscoree,mshtml=")
	wine := func(args ...string) (string, string, error) {
		cmd := exec.Command("wine", args...)
		cmd.Env = env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.String(), stderr.String(), err
	}
	if _, errOut, err := wine("wineboot", "--init"); err != nil {
		t.Fatalf("wineboot --init: %v\n%s", err, errOut)
	}
	addProcessPrng(t, env)
	out, errOut, err := wine(exe, "version")
	if err != nil {
		t.Fatalf("wine techwalk.exe version: %v\nstdout: %s\nstderr: %s", err, out, errOut)
	}
	if want := "TechWalk " + fyneAppVersion(t); strings.TrimSpace(out) != want {
		t.Errorf("wine techwalk.exe version printed %q; want %q\nstderr: %s", out, want, errOut)
	}
}

// addProcessPrng gives a Wine prefix the bcryptprimitives.dll that Go's
// runtime loads from system32, when this Wine has none (Wine 8.0, Debian
// 12's): built from testdata/wine with mingw-w64.
func addProcessPrng(t *testing.T, env []string) {
	t.Helper()
	var prefix string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "WINEPREFIX="); ok {
			prefix = v
		}
	}
	system32 := filepath.Join(prefix, "drive_c", "windows", "system32")
	dll := filepath.Join(system32, "bcryptprimitives.dll")
	if _, err := os.Stat(dll); err == nil {
		return
	}
	needTool(t, "x86_64-w64-mingw32-gcc")
	out, err := exec.Command("x86_64-w64-mingw32-gcc", "-shared", "-O2", "-o", dll,
		filepath.Join("testdata", "wine", "bcryptprimitives.c"), "-ladvapi32").CombinedOutput()
	if err != nil {
		t.Fatalf("build bcryptprimitives.dll for Wine: %v\n%s", err, out)
	}
}

func TestDistChecksums(t *testing.T) {
	dir := distDir(t)
	needTool(t, "sha256sum")
	cmd := exec.Command("sha256sum", "--check", "--strict", "SHA256SUMS")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sha256sum --check: %v\n%s", err, out)
	}
	for _, name := range []string{"TechWalk.tar.xz", "techwalk.exe", "org.techwalk.app.metainfo.xml"} {
		if !strings.Contains(string(out), name+": OK") {
			t.Errorf("SHA256SUMS does not cover %s:\n%s", name, out)
		}
	}
}

// resourceSection returns the raw .rsrc section of a PE file.
func resourceSection(t *testing.T, path string) []byte {
	t.Helper()
	f, err := pe.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := f.Section(".rsrc")
	if s == nil {
		t.Fatalf("%s has no resource section", path)
	}
	data, err := s.Data()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// resourceTypes lists the type ids in a resource section's root directory
// (IMAGE_RESOURCE_DIRECTORY: 16 bytes, the named and id entry counts at
// 12 and 14, then 8-byte entries whose first word is the id).
func resourceTypes(rsrc []byte) map[uint32]bool {
	types := map[uint32]bool{}
	if len(rsrc) < 16 {
		return types
	}
	named := int(binary.LittleEndian.Uint16(rsrc[12:]))
	ids := int(binary.LittleEndian.Uint16(rsrc[14:]))
	for i := named; i < named+ids; i++ {
		at := 16 + 8*i
		if at+8 > len(rsrc) {
			break
		}
		types[binary.LittleEndian.Uint32(rsrc[at:])] = true
	}
	return types
}

func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}
