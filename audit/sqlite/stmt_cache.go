package sqlite

import (
	"context"
	"database/sql"
	"errors"
)

// writerStatements are the statements every autosave runs. They are
// compiled once, when the store opens, instead of on each save: compiling
// the answer upsert with its clock triggers costs more than the write.
var writerStatements = []string{tickSQL, saveAnswerSQL}

// prepareWriter compiles writerStatements on the writer connection. It
// runs in Open, before any transaction holds that single connection. A
// statement that does not compile (a test's older schema) is left out:
// cached then compiles it in its transaction, which reports the error.
func (s *Store) prepareWriter(ctx context.Context) {
	s.stmts = make(map[string]*sql.Stmt, len(writerStatements))
	for _, query := range writerStatements {
		if stmt, err := s.w.PrepareContext(ctx, query); err == nil {
			s.stmts[query] = stmt
		}
	}
}

// cached returns query as a statement of the write transaction tx: the
// one prepareWriter compiled, or, for a query it did not, one compiled
// for tx alone.
func (s *Store) cached(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	if stmt, ok := s.stmts[query]; ok {
		return tx.StmtContext(ctx, stmt), nil
	}
	return tx.PrepareContext(ctx, query)
}

// closeStatements closes the statements prepareWriter compiled.
func (s *Store) closeStatements() error {
	var err error
	for _, stmt := range s.stmts {
		err = errors.Join(err, stmt.Close())
	}
	s.stmts = nil
	return err
}
