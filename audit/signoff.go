package audit

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"time"
)

// SignOff is the signature that closes a visit: who signed, in what role,
// when (stamped by the store's clock) and the signature as drawn, a PNG.
type SignOff struct {
	Record
	VisitID  string
	Name     string
	Role     string
	SignedAt time.Time
	PNG      []byte
}

// The roles a sign-off offers; any other short role is accepted too.
const (
	RolePrincipal          = "Principal"
	RoleAssistantPrincipal = "Assistant principal"
	RoleTeacher            = "Teacher"
)

// SignOffRoles lists the roles the sign-off screen offers, in order.
var SignOffRoles = []string{RolePrincipal, RoleAssistantPrincipal, RoleTeacher}

// Bounds of a signature image: small enough to keep in every report, large
// enough for a tablet-wide pad at twice its resolution.
const (
	MaxSignatureBytes = 1 << 20
	MaxSignatureSide  = 4000
)

// ErrVisitFinished is returned when a finished visit would change: it has
// to be reopened first.
var ErrVisitFinished = errors.New("the visit is finished; reopen it to change it")

// ErrNotSigned is returned when a visit has no sign-off.
var ErrNotSigned = errors.New("the visit is not signed")

// Signed reports whether the sign-off holds a signature.
func (s SignOff) Signed() bool { return len(s.PNG) > 0 }

// Validate checks the name, the role and that the signature is a PNG of a
// sensible size; the message names the field at fault.
func (s SignOff) Validate() error {
	if strings.TrimSpace(s.Name) == "" {
		return errors.New("sign-off: name is empty; type the name of the person signing")
	}
	if strings.TrimSpace(s.Role) == "" {
		return errors.New("sign-off: role is empty; choose the role of the person signing")
	}
	if err := FirstError(CheckText("sign-off: name", s.Name, MaxNameLen), CheckText("sign-off: role", s.Role, MaxNameLen)); err != nil {
		return err
	}
	return checkSignature(s.PNG)
}

// checkSignature makes sure the signature is a non-empty PNG within bounds.
func checkSignature(data []byte) error {
	switch {
	case len(data) == 0:
		return errors.New("sign-off: signature is empty; sign in the box first")
	case len(data) > MaxSignatureBytes:
		return fmt.Errorf("sign-off: signature image is %d bytes; the limit is %d", len(data), MaxSignatureBytes)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("sign-off: signature is not a PNG image: %v", err)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxSignatureSide || cfg.Height > MaxSignatureSide {
		return fmt.Errorf("sign-off: signature image is %dx%d pixels; each side must be 1 to %d", cfg.Width, cfg.Height, MaxSignatureSide)
	}
	return nil
}
