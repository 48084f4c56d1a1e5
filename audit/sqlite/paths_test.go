package sqlite

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestDataPathFollowsEachSystem(t *testing.T) {
	env := map[string]string{
		"HOME":          "/home/coach",
		"XDG_DATA_HOME": "/data/coach",
		"LOCALAPPDATA":  `C:\Users\coach\AppData\Local`,
		"APPDATA":       `C:\Users\coach\AppData\Roaming`,
		"FILESDIR":      "/data/user/0/org.techwalk.app/files",
	}
	cases := []struct {
		goos string
		want string
	}{
		{"linux", filepath.Join("/data/coach", "techwalk", "techwalk.db")},
		{"freebsd", filepath.Join("/data/coach", "techwalk", "techwalk.db")},
		{"darwin", filepath.Join("/home/coach", "Library", "Application Support", "TechWalk", "techwalk.db")},
		{"windows", filepath.Join(`C:\Users\coach\AppData\Local`, "TechWalk", "techwalk.db")},
		// Android's HOME is not the app's own folder; FILESDIR is.
		{"android", filepath.Join("/data/user/0/org.techwalk.app/files", "techwalk.db")},
		// iOS keeps the app's HOME inside its sandbox.
		{"ios", filepath.Join("/home/coach", "Library", "Application Support", "TechWalk", "techwalk.db")},
	}
	for _, c := range cases {
		got, err := dataPath(c.goos, func(k string) string { return env[k] })
		if err != nil || got != c.want {
			t.Errorf("%s: %q, %v; want %q", c.goos, got, err, c.want)
		}
	}
}

func TestDataPathFallbacksAndMissingFolders(t *testing.T) {
	lookup := func(env map[string]string) func(string) string { return func(k string) string { return env[k] } }
	got, err := dataPath("linux", lookup(map[string]string{"HOME": "/home/coach", "XDG_DATA_HOME": "relative/dir"}))
	if want := filepath.Join("/home/coach", ".local", "share", "techwalk", "techwalk.db"); err != nil || got != want {
		t.Errorf("linux with a relative XDG_DATA_HOME: %q, %v; want %q", got, err, want)
	}
	got, err = dataPath("windows", lookup(map[string]string{"APPDATA": `C:\Roaming`}))
	if want := filepath.Join(`C:\Roaming`, "TechWalk", "techwalk.db"); err != nil || got != want {
		t.Errorf("windows without LOCALAPPDATA: %q, %v; want %q", got, err, want)
	}
	for goos, env := range map[string]map[string]string{
		"linux":   {},
		"darwin":  {},
		"windows": {"HOME": "/home/coach"},
		"android": {"HOME": "/sdcard"},
	} {
		got, err := dataPath(goos, lookup(env))
		if err == nil || !strings.Contains(err.Error(), EnvDB) {
			t.Errorf("%s with no data folder: %q, %v; want an error naming %s", goos, got, err, EnvDB)
		}
	}
}
