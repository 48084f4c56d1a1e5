package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// TicketRow is one ticket read from a tracker's export.
type TicketRow struct {
	Line      int    // line the row (or JSON object) starts on
	Key       string // "IT-123", "INC0010001", "owner/repo#12"
	Status    string // the tracker's own status word
	FindingID string // the TechWalk id found in the row; empty when none
	Problem   string // why the row cannot be used, when it cannot
}

// techwalkIDPattern finds the id the exports write into descriptions and
// bodies ("TechWalk ID: UUID" or "<!-- techwalk-id: UUID -->").
var techwalkIDPattern = regexp.MustCompile(`(?i)techwalk[ _-]?id:\s*([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})`)

// Header names recognised in tracker CSV exports (Jira, ServiceNow, Azure DevOps).
var (
	ticketKeyColumns    = []string{"Issue key", "number", "key", "ticket", "ticket key", "ID"}
	ticketStatusColumns = []string{"Status", "state", "issue status"}
	ticketIDColumns     = []string{"External ID", "Custom field (External ID)", "correlation_id", "TechWalk ID", "techwalk-id", "u_techwalk_id"}
	ticketTextColumns   = []string{"Description", "body", "description (html)"}
)

// ParseTickets reads a tracker export: a CSV from Jira (Issue key, Status
// and our External ID column or the id in the description), ServiceNow
// (number, state, correlation_id) or Azure DevOps, or a GitHub issues JSON
// array (number, state, body with the id comment).
func ParseTickets(name string, data []byte) ([]TicketRow, error) {
	if LooksLikeJSON(data) {
		if err := CheckImportSize(name, int64(len(data))); err != nil {
			return nil, err
		}
		return parseTicketJSON(name, data)
	}
	f, err := ReadCSV(name, data)
	if err != nil {
		return nil, err
	}
	return parseTicketCSV(f)
}

func parseTicketCSV(f *CSVFile) ([]TicketRow, error) {
	keyCol, statusCol := f.Column(ticketKeyColumns...), f.Column(ticketStatusColumns...)
	idCol, textCol := f.Column(ticketIDColumns...), f.Column(ticketTextColumns...)
	if keyCol < 0 {
		return nil, fmt.Errorf("%s: line 1: no ticket key column; expected one of %s", f.Name, strings.Join(ticketKeyColumns, ", "))
	}
	if idCol < 0 && textCol < 0 {
		return nil, fmt.Errorf("%s: line 1: no column holds the TechWalk id; expected one of %s, or a Description with \"TechWalk ID: ...\"",
			f.Name, strings.Join(ticketIDColumns, ", "))
	}
	rows := make([]TicketRow, 0, len(f.Rows))
	for _, r := range f.Rows {
		t := TicketRow{Line: r.Line, Key: r.Field(keyCol), Status: r.Field(statusCol)}
		t.FindingID, t.Problem = ticketID(r.Field(idCol), r.Field(textCol), f.Header, idCol)
		rows = append(rows, t)
	}
	return rows, nil
}

// ticketID takes the id from the id column, else from the text.
func ticketID(idCell, text string, header []string, idCol int) (string, string) {
	if idCell != "" {
		id, err := uuid.Parse(idCell)
		if err != nil {
			return "", fmt.Sprintf("column %q: %q is not a TechWalk id", header[idCol], idCell)
		}
		return id.String(), ""
	}
	if m := techwalkIDPattern.FindStringSubmatch(text); m != nil {
		return strings.ToLower(m[1]), ""
	}
	return "", ""
}

// githubIssue is the part of a GitHub issue (REST API shape) the import reads.
type githubIssue struct {
	Number      json.Number `json:"number"`
	State       string      `json:"state"`
	StateReason string      `json:"state_reason"`
	Body        string      `json:"body"`
	HTMLURL     string      `json:"html_url"`
}

var githubIssueURL = regexp.MustCompile(`^https://github\.com/([^/]+/[^/]+)/issues/\d+$`)

func parseTicketJSON(name string, data []byte) ([]TicketRow, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, fmt.Errorf("%s: line 1: expected a JSON array of issues", name)
	}
	var rows []TicketRow
	for dec.More() {
		line, _ := lineCol(data, nextValue(data, dec.InputOffset())+1)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%s: line %d: %v", name, line, err)
		}
		rows = append(rows, githubRow(line, raw))
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%s: the JSON array is not closed: %v", name, err)
	}
	return rows, nil
}

// nextValue skips the spaces and comma before the next JSON value.
func nextValue(data []byte, offset int64) int64 {
	for offset < int64(len(data)) && strings.IndexByte(" \t\r\n,", data[offset]) >= 0 {
		offset++
	}
	return offset
}

func githubRow(line int, raw json.RawMessage) TicketRow {
	var is githubIssue
	if err := json.Unmarshal(raw, &is); err != nil {
		return TicketRow{Line: line, Problem: "not a GitHub issue object: " + err.Error()}
	}
	t := TicketRow{Line: line, Status: is.State}
	if is.State == "closed" && is.StateReason == "not_planned" {
		t.Status = "not planned"
	}
	if n, err := strconv.ParseInt(is.Number.String(), 10, 64); err == nil && n > 0 {
		t.Key = "#" + strconv.FormatInt(n, 10)
		if m := githubIssueURL.FindStringSubmatch(is.HTMLURL); m != nil {
			t.Key = m[1] + t.Key
		}
	}
	if m := techwalkIDPattern.FindStringSubmatch(is.Body); m != nil {
		t.FindingID = strings.ToLower(m[1])
	}
	return t
}

// ticketStatusWords maps tracker statuses (lower case) that are not "in
// backlog". Any other status means the ticket is live: in backlog.
var ticketStatusWords = map[string]Status{
	"done": StatusResolved, "closed": StatusResolved, "resolved": StatusResolved, "fixed": StatusResolved,
	"complete": StatusResolved, "completed": StatusResolved, "6": StatusResolved, "7": StatusResolved,
	"cancelled": StatusOpen, "canceled": StatusOpen, "8": StatusOpen, "won't do": StatusOpen, "won't fix": StatusOpen,
	"wontfix": StatusOpen, "rejected": StatusOpen, "declined": StatusOpen, "not planned": StatusOpen, "removed": StatusOpen,
	"duplicate": StatusOpen,
}

// MapTicketStatus maps a tracker's status to a finding status: done,
// closed or resolved (ServiceNow 6, 7) are resolved; cancelled, won't do,
// not planned (ServiceNow 8) return the finding to open, since nothing
// was fixed; every other status (to do, new, in progress, on hold...)
// means the finding is in the backlog.
func MapTicketStatus(s string) Status {
	if st, ok := ticketStatusWords[strings.ToLower(strings.TrimSpace(s))]; ok {
		return st
	}
	return StatusInBacklog
}

// ImportTickets records the ticket keys and statuses of a tracker export
// on the findings they were made from (a grouped issue's id stands for all
// its findings, a fault's backlog id for every visit's finding of it), in
// one transaction. Rows without a TechWalk id of this
// database are reported as unknown; rows that cannot be used are rejected,
// and then nothing changes unless opt.Partial is set.
func (s *Store) ImportTickets(ctx context.Context, name string, data []byte, opt ImportOptions) (*ImportReport, error) {
	rows, err := ParseTickets(name, data)
	if err != nil {
		return nil, err
	}
	findings, err := s.Findings(ctx, FindingFilter{})
	if err != nil {
		return nil, err
	}
	p := newTicketPlan(name, findings)
	for _, r := range rows {
		p.plan(r)
	}
	if p.rep.Count(RowRejected) > 0 && !opt.Partial {
		return p.rep, p.rep.rejectedError()
	}
	if opt.DryRun {
		return p.rep, nil
	}
	if err := s.SaveActions(ctx, p.actions); err != nil {
		return p.rep, fmt.Errorf("%s: nothing was imported: %w", name, err)
	}
	p.rep.Applied = true
	return p.rep, nil
}

// ticketPlan decides, row by row, which actions a ticket import saves.
type ticketPlan struct {
	rep     *ImportReport
	byID    map[string][]Finding
	claimed map[string]TicketRow // finding id -> the row that set it
	actions []Action
}

func newTicketPlan(name string, findings []Finding) *ticketPlan {
	p := &ticketPlan{rep: &ImportReport{File: name, Kind: "tickets"}, byID: map[string][]Finding{}, claimed: map[string]TicketRow{}}
	for _, f := range findings {
		p.byID[f.ID] = append(p.byID[f.ID], f)
		p.byID[f.GroupID()] = append(p.byID[f.GroupID()], f)
		if b := f.BacklogID(); b != f.ID {
			p.byID[b] = append(p.byID[b], f)
		}
	}
	return p
}

func (p *ticketPlan) plan(r TicketRow) {
	subject := "ticket " + strconv.Quote(r.Key)
	switch {
	case r.Problem != "":
		p.rep.add(r.Line, RowRejected, subject, r.Problem)
		return
	case r.FindingID == "":
		p.rep.add(r.Line, RowUnknown, subject, "no TechWalk id in the row")
		return
	case len(p.byID[r.FindingID]) == 0:
		p.rep.add(r.Line, RowUnknown, subject, "finding "+r.FindingID+" is not a finding in this database (fixed since, deleted, or another database)")
		return
	}
	if reason := checkTicketKey(r.Key); reason != "" {
		p.rep.add(r.Line, RowRejected, subject, reason)
		return
	}
	p.planFindings(r, subject)
}

func checkTicketKey(key string) string {
	if key == "" {
		return "the ticket key is empty"
	}
	if err := checkText("ticket key", key, MaxNameLen); err != nil {
		return err.Error()
	}
	return ""
}

func (p *ticketPlan) planFindings(r TicketRow, subject string) {
	fs := p.byID[r.FindingID]
	for _, f := range fs {
		if prev, ok := p.claimed[f.ID]; ok && prev.Key != r.Key {
			p.rep.add(r.Line, RowRejected, subject, fmt.Sprintf("finding %s is also ticket %q on line %d", f.ShortID(), prev.Key, prev.Line))
			return
		}
	}
	status, changed := MapTicketStatus(r.Status), 0
	for _, f := range fs {
		p.claimed[f.ID] = r
		if f.Action.TicketKey == r.Key && f.Action.Status == status {
			continue
		}
		a := f.Action
		a.FindingID, a.TicketKey, a.Status = f.ID, r.Key, status
		p.actions, changed = append(p.actions, a), changed+1
	}
	what := fmt.Sprintf("%d finding(s) %s", len(fs), status)
	if changed == 0 {
		p.rep.add(r.Line, RowUnchanged, subject, what)
		return
	}
	p.rep.add(r.Line, RowMatched, subject, what)
}
