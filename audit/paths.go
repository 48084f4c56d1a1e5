package audit

import (
	"os"
	"path/filepath"
	"runtime"
)

// EnvDB names the environment variable that overrides the database location.
const EnvDB = "TECHWALK_DB"

// DefaultPath is where the database lives when neither --db nor TECHWALK_DB
// says otherwise: the user's data folder.
//   - Linux and BSD: $XDG_DATA_HOME/techwalk/techwalk.db (~/.local/share/techwalk)
//   - macOS: ~/Library/Application Support/TechWalk/techwalk.db
//   - Windows: %LOCALAPPDATA%\TechWalk\techwalk.db
func DefaultPath() (string, error) {
	switch runtime.GOOS {
	case "windows":
		if dir := os.Getenv("LOCALAPPDATA"); dir != "" {
			return filepath.Join(dir, "TechWalk", "techwalk.db"), nil
		}
		dir, err := os.UserConfigDir()
		return filepath.Join(dir, "TechWalk", "techwalk.db"), err
	case "darwin":
		dir, err := os.UserConfigDir() // ~/Library/Application Support
		return filepath.Join(dir, "TechWalk", "techwalk.db"), err
	}
	if dir := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "techwalk", "techwalk.db"), nil
	}
	home, err := os.UserHomeDir()
	return filepath.Join(home, ".local", "share", "techwalk", "techwalk.db"), err
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
