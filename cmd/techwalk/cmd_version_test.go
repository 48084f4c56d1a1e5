package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"techwalk/audit/build"
)

func TestVersionCommandAndFlag(t *testing.T) {
	defer func(v string) { build.Version = v }(build.Version)
	build.Version = "9.8.7"
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		code, out, errOut := runCLI(args...)
		if code != 0 || out != "TechWalk 9.8.7\n" {
			t.Errorf("techwalk %s: exit %d, printed %q %q; want \"TechWalk 9.8.7\"", args[0], code, out, errOut)
		}
	}
	if code, _, _ := runCLI("version", "extra"); code == 0 {
		t.Error("techwalk version extra: exit 0, want a usage error")
	}
	if code, out, _ := runCLI("help"); code != 0 || !strings.Contains(out, "version") {
		t.Errorf("help does not list the version command:\n%s", out)
	}
}

// fyneAppVersion reads Version from FyneApp.toml, the one place the
// version is written.
func fyneAppVersion(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^Version\s*=\s*"([^"]+)"`).FindSubmatch(data)
	if m == nil {
		t.Fatal("FyneApp.toml has no Version")
	}
	return string(m[1])
}

func TestVersionHasAChangelogEntry(t *testing.T) {
	v := fyneAppVersion(t)
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(v) {
		t.Errorf("FyneApp.toml Version %q is not MAJOR.MINOR.PATCH (Windows version information needs numbers)", v)
	}
	log, err := os.ReadFile("../../CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	entry := regexp.MustCompile(`(?m)^## \[` + regexp.QuoteMeta(v) + `\] - \d{4}-\d{2}-\d{2}$`)
	if !entry.Match(log) {
		t.Errorf("CHANGELOG.md has no \"## [%s] - YYYY-MM-DD\" entry; make dist needs it for the AppStream release", v)
	}
	if !strings.Contains(string(log), "## [Unreleased]") {
		t.Error("CHANGELOG.md has no [Unreleased] section to collect the next changes")
	}
}
