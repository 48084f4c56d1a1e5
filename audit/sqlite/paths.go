package sqlite

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// EnvDB names the environment variable that overrides the database location.
const EnvDB = "TECHWALK_DB"

// DefaultPath is where the database lives when neither --db nor TECHWALK_DB
// says otherwise: the user's data folder, as each system names it.
//   - Linux and BSD: $XDG_DATA_HOME/techwalk/techwalk.db (~/.local/share/techwalk)
//   - macOS: ~/Library/Application Support/TechWalk/techwalk.db
//   - Windows: %LOCALAPPDATA%\TechWalk\techwalk.db
//   - iOS: the app sandbox's Library/Application Support/TechWalk/techwalk.db
//   - Android: the app's private files folder, techwalk.db
func DefaultPath() (string, error) {
	return dataPath(runtime.GOOS, os.Getenv)
}

// dataPath is DefaultPath for the system goos, reading the environment
// through getenv.
func dataPath(goos string, getenv func(string) string) (string, error) {
	in := func(env string, parts ...string) (string, error) {
		dir := getenv(env)
		if dir == "" {
			return "", fmt.Errorf("no data folder: %s is not set; use --db PATH or %s", env, EnvDB)
		}
		return filepath.Join(append([]string{dir}, parts...)...), nil
	}
	switch goos {
	case "windows":
		if getenv("LOCALAPPDATA") == "" && getenv("APPDATA") != "" {
			return in("APPDATA", "TechWalk", "techwalk.db")
		}
		return in("LOCALAPPDATA", "TechWalk", "techwalk.db")
	case "darwin", "ios": // on iOS, HOME is the app's sandbox
		return in("HOME", "Library", "Application Support", "TechWalk", "techwalk.db")
	case "android": // the app's private files folder, set by Fyne's Android runtime
		return in("FILESDIR", "techwalk.db")
	}
	if filepath.IsAbs(getenv("XDG_DATA_HOME")) { // a relative one is invalid and ignored
		return in("XDG_DATA_HOME", "techwalk", "techwalk.db")
	}
	return in("HOME", ".local", "share", "techwalk", "techwalk.db")
}

// ResolvePath picks the database path: the flag if given, else TECHWALK_DB,
// else DefaultPath.
func ResolvePath(flagValue string) (string, error) {
	if flagValue != "" {
		return filepath.Abs(flagValue)
	}
	if env := os.Getenv(EnvDB); env != "" {
		return filepath.Abs(env)
	}
	return DefaultPath()
}
