package app

import (
	"testing"

	"techwalk/audit/build"
)

func TestSettingsAboutNamesTheVersion(t *testing.T) {
	defer func(v string) { build.Version = v }(build.Version)
	build.Version = "9.8.7"
	u, _, _ := newTestUI(t)
	st := u.showSettings()
	if got := st.version.Text; got != "TechWalk 9.8.7" {
		t.Errorf("About line says %q, want \"TechWalk 9.8.7\"", got)
	}
}
