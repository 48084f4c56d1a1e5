// Package build says which TechWalk this is. Its version comes from one
// place, FyneApp.toml's Version, which `make build` and `make dist` stamp
// into the binary with -ldflags "-X techwalk/audit/build.Version=...".
// A binary built without the stamp (plain go build, go test) says "dev".
package build

// Version is this binary's version, stamped at build; "dev" when not.
var Version = "dev"

// Name is the product's name as people see it.
const Name = "TechWalk"

// String is the name and version on one line, as `techwalk version`, the
// About line in Settings and the report's method page print it.
func String() string { return Name + " " + Version }
