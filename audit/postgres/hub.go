package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"techwalk/audit"
)

// Hub is an open connection pool to a district hub.
type Hub struct {
	pool     *pgxpool.Pool
	target   string
	password string
}

// connectTimeout bounds how long Open waits for the server when neither
// the URL (connect_timeout) nor PGCONNECT_TIMEOUT says; an offline device
// must not hang.
const connectTimeout = 10 * time.Second

// Open connects to the hub named by rawURL, a postgres:// URL or libpq
// key=value string; an empty one means the PG* environment variables
// alone. Missing parts come from PGHOST, PGUSER, PGDATABASE... and the
// password from ~/.pgpass (PGPASSFILE), as libpq does. The password never
// appears in an error. A hub whose schema is newer than this TechWalk
// knows is refused with audit.ErrHubNewer; one not set up yet opens, and
// Version reports 0.
func Open(ctx context.Context, rawURL string) (*Hub, error) {
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		// The parser's message can quote the URL, password and all: say
		// only which URL, redacted.
		return nil, fmt.Errorf("hub URL %s cannot be read; write it as %s", Redact(rawURL), urlForm)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	if cfg.ConnConfig.RuntimeParams["application_name"] == "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = "techwalk"
	}
	h := &Hub{target: describe(cfg), password: cfg.ConnConfig.Password}
	h.pool, err = pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, h.wrap(err)
	}
	if err := h.pool.Ping(ctx); err != nil {
		h.pool.Close()
		return nil, h.wrap(err)
	}
	if _, err := h.checkVersion(ctx); err != nil {
		if errors.Is(err, audit.ErrHubDenied) {
			err = h.explainDenied(ctx, err)
		}
		h.pool.Close()
		return nil, err
	}
	return h, nil
}

// Close closes every connection to the hub.
func (h *Hub) Close() { h.pool.Close() }

// Target names the hub for messages: user, host, port and database, never
// the password.
func (h *Hub) Target() string { return h.target }

func describe(cfg *pgxpool.Config) string {
	c := cfg.ConnConfig
	return fmt.Sprintf("%s@%s:%d/%s", c.User, c.Host, c.Port, c.Database)
}

// urlForm is how a hub URL is written.
const urlForm = "postgres://USER@HOST:PORT/DATABASE?sslmode=verify-full"

// Redact returns a hub URL or key=value string fit to print: any password
// in it is replaced by xxxxx, also in a URL too broken to parse.
func Redact(raw string) string {
	if scheme, rest, ok := strings.Cut(raw, "://"); ok && (scheme == "postgres" || scheme == "postgresql") {
		return redactURL(raw, scheme, rest)
	}
	return kvPassword.ReplaceAllString(raw, "${1}=xxxxx")
}

// kvPassword matches a password in a libpq key=value string, quoted or not.
var kvPassword = regexp.MustCompile(`\b(password|sslpassword)\s*=\s*('(?:[^'\\]|\\.)*'?|\S*)`)

func redactURL(raw, scheme, rest string) string {
	u, err := url.Parse(raw)
	if err != nil || strings.Contains(u.Path, "@") {
		// Unparseable, or a '/' in the user or password put the '@' in
		// the path: keep the user and the part after the last '@' of
		// the authority, and nothing of the query or fragment (they may
		// hold a password).
		rest, _, _ = strings.Cut(rest, "?")
		rest, _, _ = strings.Cut(rest, "#")
		at := strings.LastIndex(rest, "@")
		if at < 0 {
			return scheme + "://" + rest
		}
		user, _, _ := strings.Cut(rest[:at], ":")
		return scheme + "://" + user + ":xxxxx" + rest[at:]
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := url.Values{}
	for k, v := range u.Query() {
		switch {
		case k == "password" || k == "sslpassword":
			q.Set(k, "xxxxx")
		case shownParams[k]:
			q[k] = v
		}
	}
	u.RawQuery = q.Encode()
	u.Fragment, u.RawFragment = "", "" // libpq ignores it; it may hold anything
	return u.String()
}

// shownParams are the libpq URL parameters Redact shows and SaveableURL
// keeps; any other one, a typo that may hold a password among them, is
// left out.
var shownParams = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "dbname": true, "user": true, "sslmode": true,
	"sslrootcert": true, "sslcert": true, "sslkey": true, "sslsni": true, "connect_timeout": true,
	"application_name": true, "target_session_attrs": true, "channel_binding": true, "service": true,
	"sslcrl": true, "sslnegotiation": true, "gssencmode": true, "krbsrvname": true, "requirepeer": true,
	"client_encoding": true, "options": true, "keepalives": true, "keepalives_idle": true,
}

// SaveableURL returns the hub URL with any password taken out, and with
// only the parameters libpq knows, the only form TechWalk ever stores (the
// password belongs in ~/.pgpass).
func SaveableURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || strings.Contains(u.Path, "@") {
		return "", fmt.Errorf("hub URL %s: give it as %s", Redact(raw), urlForm)
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	q := url.Values{}
	for k, v := range u.Query() {
		if shownParams[k] {
			q[k] = v
		}
	}
	u.RawQuery = q.Encode()
	u.Fragment, u.RawFragment = "", ""
	return u.String(), nil
}

// errRedacted carries an error whose message had the password taken out;
// errors.Is and errors.As still see the original.
type errRedacted struct {
	msg string
	err error
}

func (e *errRedacted) Error() string { return e.msg }
func (e *errRedacted) Unwrap() error { return e.err }

// redactedErr hides password (and any URL password) in err's message.
func redactedErr(err error, password string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if password != "" {
		msg = strings.ReplaceAll(msg, password, "xxxxx")
		msg = strings.ReplaceAll(msg, url.QueryEscape(password), "xxxxx")
		msg = strings.ReplaceAll(msg, url.PathEscape(password), "xxxxx")
	}
	return &errRedacted{msg: msg, err: err}
}

// wrap classifies err by its SQLSTATE code or connection failure into the
// domain's hub errors, names the hub and hides the password.
func (h *Hub) wrap(err error) error {
	if err == nil {
		return nil
	}
	kind := classify(err)
	err = redactedErr(err, h.password)
	if kind == nil {
		return fmt.Errorf("hub %s: %w", h.target, err)
	}
	return fmt.Errorf("hub %s: %w (%w)", h.target, kind, err)
}
