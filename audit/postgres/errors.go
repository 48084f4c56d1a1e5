package postgres

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"

	"github.com/jackc/pgx/v5/pgconn"

	"techwalk/audit"
)

// SQLSTATE codes the hub explains (PostgreSQL's errcodes).
const (
	codeInvalidAuthorization = "28000"
	codeInvalidPassword      = "28P01"
	codeInsufficientPriv     = "42501"
	codeUndefinedTable       = "42P01"
	codeInvalidSchemaName    = "3F000"
	codeInvalidCatalogName   = "3D000"
	classConnection          = "08"
	classOperatorIntervened  = "57"
)

// classify returns the domain's hub error err is an instance of, or nil.
func classify(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch code := pgErr.Code; {
		case code == codeInvalidPassword || code == codeInvalidAuthorization:
			return audit.ErrHubBadLogin
		case code == codeInsufficientPriv:
			return audit.ErrHubDenied
		case code == codeUndefinedTable || code == codeInvalidSchemaName || code == codeInvalidCatalogName:
			return audit.ErrHubNotSetUp
		case code[:2] == classConnection || code[:2] == classOperatorIntervened:
			return audit.ErrHubUnreachable
		}
		return nil
	}
	if untrusted(err) {
		return audit.ErrHubUntrusted
	}
	var netErr net.Error
	var connectErr *pgconn.ConnectError
	// A connection cut mid-statement (the server stopped, the Wi-Fi
	// dropped) ends in an unexpected EOF.
	if errors.As(err, &netErr) || errors.As(err, &connectErr) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || pgconn.SafeToRetry(err) {
		return audit.ErrHubUnreachable
	}
	return nil
}

// untrusted reports whether err is a failed check of the server's certificate.
func untrusted(err error) bool {
	var verify *tls.CertificateVerificationError
	var host x509.HostnameError
	var authority x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &verify) || errors.As(err, &host) || errors.As(err, &authority) || errors.As(err, &invalid)
}
