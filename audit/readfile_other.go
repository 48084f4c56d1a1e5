//go:build !unix

package audit

import "os"

// openInput opens path for reading.
func openInput(path string) (*os.File, error) {
	return os.Open(path)
}
