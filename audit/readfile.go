package audit

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrNotRegularFile refuses a FIFO, a device, a socket or a folder given as
// an input file: reading one could block forever or never end.
var ErrNotRegularFile = errors.New("not a regular file")

// ErrTooLarge refuses an input file over its limit.
var ErrTooLarge = errors.New("the file is too large")

// ReadInputFile reads an outside file (a template, a CSV, a tracker
// export, a photo) of at most limit bytes. It refuses anything but a
// regular file, opened without waiting for a writer, and reads through a
// limit of limit+1 bytes, so a sparse file, a file that grows while it is
// read or one that reports a wrong size is never read whole. Errors name
// the file.
func ReadInputFile(path string, limit int64) ([]byte, error) {
	f, err := openInput(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w (%s); give the path of a saved file", path, ErrNotRegularFile, fileKind(info.Mode()))
	}
	return ReadLimited(path, f, limit)
}

// ReadLimited reads r up to limit bytes; one byte more is refused as
// ErrTooLarge naming name, whatever size the source claimed.
func ReadLimited(name string, r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: %w: the limit is %s", name, ErrTooLarge, byteSize(limit))
	}
	return data, nil
}

func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

func byteSize(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
