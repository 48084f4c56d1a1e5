//go:build unix

package audit

import (
	"os"
	"syscall"
)

// openInput opens path for reading without blocking on a FIFO that has
// no writer; ReadInputFile then refuses it as not a regular file.
func openInput(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
