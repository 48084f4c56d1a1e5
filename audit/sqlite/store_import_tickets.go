package sqlite

import (
	"context"
	"fmt"

	"techwalk/audit"
	"techwalk/audit/importer"
)

// ImportTickets records the ticket keys and statuses of a tracker export
// on the findings they were made from (a grouped issue's id stands for all
// its findings, a fault's backlog id for every visit's finding of it), in
// one transaction. A row may carry the id another device gave a finding
// this database holds under its own (a backlog exported there before a
// merge). Rows without a TechWalk id of this database are reported as unknown; rows that cannot be used are rejected,
// and then nothing changes unless opt.Partial is set.
func (s *Store) ImportTickets(ctx context.Context, name string, data []byte, opt importer.ImportOptions) (*importer.ImportReport, error) {
	rows, err := importer.ParseTickets(name, data)
	if err != nil {
		return nil, err
	}
	findings, err := s.Findings(ctx, audit.FindingFilter{})
	if err != nil {
		return nil, err
	}
	other, err := s.otherIDs(ctx)
	if err != nil {
		return nil, err
	}
	rep, actions, err := importer.PlanTickets(name, rows, findings, other, opt)
	if err != nil || opt.DryRun {
		return rep, err
	}
	if err := s.SaveActions(ctx, actions); err != nil {
		return rep, fmt.Errorf("%s: nothing was imported: %w", name, err)
	}
	rep.Applied = true
	return rep, nil
}

// otherIDs reads the id map: the ids other devices gave the schools and
// answers this database holds under its own.
func (s *Store) otherIDs(ctx context.Context) (importer.OtherIDs, error) {
	other := importer.OtherIDs{Schools: map[string]string{}, Answers: map[string]string{}}
	rows, err := s.r.QueryContext(ctx, "SELECT kind, other_id, local_id FROM id_map WHERE kind IN ('school', 'answer')")
	if err != nil {
		return other, s.readError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, o, local string
		if err := rows.Scan(&kind, &o, &local); err != nil {
			return other, s.readError(err)
		}
		if kind == "school" {
			other.Schools[o] = local
		} else {
			other.Answers[o] = local
		}
	}
	return other, s.readError(rows.Err())
}
