package postgres

import (
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// FuzzRedact builds hub URLs and key=value strings around a password and
// checks neither Redact nor SaveableURL's answer or error shows it.
func FuzzRedact(f *testing.F) {
	for _, seed := range []struct{ user, password, rest string }{
		{"alice", "s3cret-pass", "hub.district.org:5432/techwalk?sslmode=verify-full"},
		{"bob", "p@ss/w:rd?#", "hub/techwalk"},
		{"x", "ümlaut pass", "127.0.0.1:notaport/db"},
		{"", "only-password", "[::1]:5432/db?password=again"},
	} {
		f.Add(seed.user, seed.password, seed.rest)
	}
	f.Fuzz(func(t *testing.T, user, password, rest string) {
		if len(password) < 6 || strings.Contains("postgres://password=xxxxx host=hub user= dbname=techwalk", password) {
			t.Skip() // too short or not distinct from the rest of the string
		}
		forms := []string{
			"postgres://" + url.PathEscape(user) + ":" + url.PathEscape(password) + "@" + rest,
			"postgres://" + user + ":" + password + "@" + rest,
			"postgresql://" + user + "@" + rest + querySep(rest) + "password=" + url.QueryEscape(password),
			"host=hub user=" + user + " password=" + password + " dbname=techwalk",
			"host=hub password='" + strings.ReplaceAll(password, "'", `\'`) + "' user=" + user,
		}
		for _, raw := range forms {
			for _, secret := range secretsOf(raw, password) {
				if strings.Count(raw, secret) != 1 || strings.Contains(user+rest, secret) {
					continue // the password also spells part of the structure
				}
				shows := func(s string) bool { return strings.Contains(s, secret) || strings.Contains(s, url.PathEscape(secret)) }
				if got := Redact(raw); shows(got) {
					t.Fatalf("Redact(%q) = %q shows the password %q", raw, got, secret)
				}
				saved, err := SaveableURL(raw)
				if shows(saved) || (err != nil && shows(err.Error())) {
					t.Fatalf("SaveableURL(%q) = %q, %v keeps the password %q", raw, saved, err, secret)
				}
			}
		}
	})
}

// secretsOf is what must not show: the password the driver would send
// for raw, or, when the driver cannot read raw, the password it was
// built with.
func secretsOf(raw, password string) []string {
	cfg, err := pgconn.ParseConfig(raw)
	if err != nil {
		return []string{password}
	}
	if len(cfg.Password) < 6 {
		return nil
	}
	return []string{cfg.Password}
}

// querySep is what joins one more parameter to a URL's rest.
func querySep(rest string) string {
	if strings.Contains(rest, "?") {
		return "&"
	}
	return "?"
}
