package postgres

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"techwalk/audit"
)

// Access is what the login may do on the hub, from its roles.
type Access struct {
	Login string // the login role connected
	// Write is true for an auditor (techwalk_auditor) or the schema's
	// owner, who push and pull; false for a principal's read-only
	// techwalk_reader login, which pulls only the schools it may read.
	Write bool
}

// Access reads the login's TechWalk roles. A hub without the schema
// returns audit.ErrHubNotSetUp; a login that is neither an auditor nor a
// reader returns audit.ErrHubDenied naming the login and what to grant.
func (h *Hub) Access(ctx context.Context) (Access, error) {
	tx, err := h.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return Access{}, h.wrap(err)
	}
	defer tx.Rollback(ctx)
	// Not the version itself: a login without a TechWalk role may not read it.
	exists, err := hasSchema(ctx, tx)
	if err != nil {
		return Access{}, h.wrap(err)
	}
	if !exists {
		return Access{}, fmt.Errorf("hub %s: %w (the database has no TechWalk schema)", h.target, audit.ErrHubNotSetUp)
	}
	login, names, err := roles(ctx, tx)
	if err != nil {
		return Access{}, h.wrap(err)
	}
	a := Access{Login: login, Write: slices.Contains(names, "owner") || slices.Contains(names, "auditor")}
	if !a.Write && !slices.Contains(names, "reader") {
		return a, fmt.Errorf("hub %s: %w: login %s is neither a TechWalk auditor nor a reader; the district's database administrator "+
			"grants it one of the roles 'techwalk hub init' created: GRANT techwalk_auditor TO %s (a coach or CIO), or "+
			"GRANT techwalk_reader TO %s with its schools in techwalk.reader_schools (a principal)",
			h.target, audit.ErrHubNoRole, login, sqlName(login), sqlName(login))
	}
	return a, nil
}

// plainName is a role name SQL takes without quotes.
var plainName = regexp.MustCompile(`^[a-z_][a-z0-9_$]*$`)

// sqlName is login as SQL names it: quoted only when it must be.
func sqlName(login string) string {
	if plainName.MatchString(login) {
		return login
	}
	return pgx.Identifier{login}.Sanitize()
}

// sqlLiteral is s as an SQL string literal.
func sqlLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// where names the hub without the login: host, port and database.
func (h *Hub) where() string {
	_, where, _ := strings.Cut(h.target, "@")
	return where
}

// explainDenied returns, for a login refused the hub's version, the
// error of Access naming what to grant when the login has no TechWalk
// role, else err.
func (h *Hub) explainDenied(ctx context.Context, err error) error {
	if _, aerr := h.Access(ctx); aerr != nil {
		return aerr
	}
	return err
}

// ReadOnly is the error a push from a read-only account gets: it says
// the login may bring the schools it reads and send nothing.
func (h *Hub) ReadOnly(a Access) error {
	return fmt.Errorf("login %s on hub %s is a read-only (principal) account: it can bring the schools it may read, not send changes; nothing was sent (%w)",
		a.Login, h.where(), audit.ErrHubReadOnly)
}

// TargetOf names the hub rawURL connects to as Hub.Target does (user,
// host, port and database, never the password) without connecting: what a
// device keeps its record of the hub's last pull under, offline too.
func TargetOf(rawURL string) (string, error) {
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return "", fmt.Errorf("hub URL %s cannot be read; write it as %s", Redact(rawURL), urlForm)
	}
	return describe(cfg), nil
}
