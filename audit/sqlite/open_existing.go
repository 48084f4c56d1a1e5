package sqlite

// OpenExisting opens the TechWalk database at path for reading and writing
// like Open, but never creates it: a missing file (or a folder or device)
// is refused with ErrNoDatabase or ErrNotAFile and nothing is created. It
// serves commands that change an existing database, such as an export that
// records its findings as in backlog.
func OpenExisting(path string, opts ...Option) (*Store, error) {
	if err := statDatabase(path); err != nil {
		return nil, err
	}
	return Open(path, opts...)
}
