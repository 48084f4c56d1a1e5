//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package sqlite

import (
	"os"
	"time"
)

// useLock is a no-op where flock does not exist; Windows refuses to
// replace a file another process has open on its own.
func useLock(path string, wait time.Duration) (*os.File, error) { return nil, nil }

// replaceLock is a no-op where flock does not exist.
func replaceLock(path string) (*os.File, error) { return nil, nil }

// canWrite reports whether path may be written, judged by its mode bits.
func canWrite(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if info.Mode().Perm()&0o200 == 0 {
		return os.ErrPermission
	}
	return nil
}
