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
// one transaction. Rows without a TechWalk id of this
// database are reported as unknown; rows that cannot be used are rejected,
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
	rep, actions, err := importer.PlanTickets(name, rows, findings, opt)
	if err != nil || opt.DryRun {
		return rep, err
	}
	if err := s.SaveActions(ctx, actions); err != nil {
		return rep, fmt.Errorf("%s: nothing was imported: %w", name, err)
	}
	rep.Applied = true
	return rep, nil
}
