package audit

import (
	"errors"
	"fmt"
)

// Errors a district hub store returns, classified from the server's
// SQLSTATE codes and connection failures, so callers test them with
// errors.Is and never by the text.
var (
	// ErrHubNewer is returned when the hub's schema was set up by a newer
	// TechWalk than this one; nothing on the hub was changed.
	ErrHubNewer = errors.New("the hub was set up by a newer TechWalk")
	// ErrHubNotSetUp is returned when the database has no TechWalk hub
	// schema yet ('techwalk hub init' creates it).
	ErrHubNotSetUp = errors.New("the hub is not set up")
	// ErrHubDenied is returned when the server refused the login, or its
	// roles and row-level security do not let this account do the change.
	ErrHubDenied = errors.New("the hub refused this account")
	// ErrHubUntrusted is returned when the hub's TLS certificate does not
	// verify (unknown authority, another host's name, expired): TechWalk
	// sends nothing to a server it cannot trust.
	ErrHubUntrusted = errors.New("the hub's certificate is not trusted")
	// ErrHubUnreachable is returned when the hub's server cannot be
	// reached (offline, wrong host or port, server down); work goes on locally.
	ErrHubUnreachable = errors.New("the hub cannot be reached")
	// ErrHubReadOnly is returned when a read-only account (a principal's
	// techwalk_reader login) is asked to send changes: it may pull the
	// schools it reads, never push. Nothing was sent.
	ErrHubReadOnly = errors.New("the hub account is read-only")
)

// Kinds of ErrHubDenied (errors.Is matches both), so a message can say
// what to do about it.
var (
	// ErrHubBadLogin is returned when the server refused the user name or
	// its password.
	ErrHubBadLogin = fmt.Errorf("%w: the user name or its password is wrong", ErrHubDenied)
	// ErrHubNoRole is returned when the login signed in but is neither a
	// TechWalk auditor nor a reader; the message names the GRANT to give.
	ErrHubNoRole = fmt.Errorf("%w: the login has no TechWalk role", ErrHubDenied)
	// ErrHubDeviceTaken is returned when this device already sends to the
	// hub as another login; the message says how to move it.
	ErrHubDeviceTaken = fmt.Errorf("%w: this device sends to the hub as another login", ErrHubDenied)
)
