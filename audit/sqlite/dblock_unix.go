//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package sqlite

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"techwalk/audit"
	"time"
)

// useLock takes a shared flock on the database's -lock file for as long as
// a store has the database open, so Restore can tell it is in use. A flock
// belongs to its open file description: no other open or close in this
// process releases it. It waits up to wait while a restore holds the lock.
// A read-only folder where the lock file cannot be made is no obstacle for
// reading (nil file, nil error); writing opens refuse such folders earlier.
func useLock(path string, wait time.Duration) (*os.File, error) {
	f, err := os.OpenFile(path+lockSuffix, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		if f, err = os.Open(path + lockSuffix); err != nil {
			return nil, nil
		}
	}
	deadline := time.Now().Add(wait)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, fmt.Errorf("%s: %w (a restore is replacing the file); try again in a moment", path, audit.ErrBusy)
			}
			return nil, nil // the filesystem has no flock: nothing to coordinate with
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// replaceLock takes the exclusive flock on the database's -lock file that
// Restore holds while it swaps the file; it fails with ErrInUse, at once,
// while any TechWalk store (in this process or another) has the database open.
func replaceLock(path string) (*os.File, error) {
	f, err := os.OpenFile(path+lockSuffix, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s before replacing it: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: %w (a TechWalk window or command is using it); close it and try again; nothing was changed", path, audit.ErrInUse)
		}
		return nil, fmt.Errorf("lock %s before replacing it: %w", path, err)
	}
	return f, nil
}

// canWrite reports, without opening it, whether this process may write path.
func canWrite(path string) error {
	return syscall.Access(path, 2) // W_OK
}
