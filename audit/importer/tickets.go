package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"techwalk/audit"
)

// TicketRow is one ticket read from a tracker's export.
type TicketRow struct {
	Line       int    // line the row (or JSON object) starts on
	Key        string // "IT-123", "INC0010001", "owner/repo#12"
	Status     string // the tracker's own status word
	Resolution string // why a closed ticket was closed (Jira resolution, Azure reason, ServiceNow close code, GitHub state_reason)
	FindingID  string // the TechWalk id found in the row; empty when none
	Problem    string // why the row cannot be used, when it cannot
}

// The exports put a finding's id in one place per format, and the import
// reads only that place, so an id quoted in a note never redirects a
// ticket: Jira's External ID and ServiceNow's correlation_id columns; the
// Azure DevOps description's "<b>TechWalk ID:</b> UUID" paragraph, whose
// markup the notes (HTML-escaped) cannot contain; GitHub's
// "<!-- techwalk-id: UUID -->" comment, which the notes (defused) cannot contain.
const uuidPattern = `([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})`

var (
	azureIDPattern  = regexp.MustCompile(`(?i)<(b|strong)>\s*TechWalk ID:\s*</(b|strong)>\s*` + uuidPattern)
	githubIDPattern = regexp.MustCompile(`(?i)<!--\s*techwalk-id:\s*` + uuidPattern + `\s*-->`)
)

// Header names recognised in tracker CSV exports (Jira, ServiceNow, Azure DevOps).
var (
	ticketKeyColumns        = []string{"Issue key", "number", "key", "ticket", "ticket key", "ID"}
	ticketStatusColumns     = []string{"Status", "state", "issue status"}
	ticketResolutionColumns = []string{"Resolution", "Reason", "close_code", "close code", "state_reason"}
	ticketIDColumns         = []string{"External ID", "Custom field (External ID)", "correlation_id", "TechWalk ID", "techwalk-id", "u_techwalk_id"}
	ticketTextColumns       = []string{"Description", "body", "description (html)"}
)

// ParseTickets reads a tracker export: a CSV from Jira (Issue key, Status,
// Resolution, our External ID column), ServiceNow (number, state,
// close_code, correlation_id) or Azure DevOps (ID, State, Reason, the
// Description our export wrote), or a GitHub issues JSON array (number,
// state, state_reason, the body's id comment).
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
	keyCol, statusCol, resCol := f.Column(ticketKeyColumns...), f.Column(ticketStatusColumns...), f.Column(ticketResolutionColumns...)
	idCol, textCol := f.Column(ticketIDColumns...), f.Column(ticketTextColumns...)
	if keyCol < 0 {
		return nil, fmt.Errorf("%s: line 1: no ticket key column; expected one of %s", f.Name, strings.Join(ticketKeyColumns, ", "))
	}
	if idCol < 0 && textCol < 0 {
		return nil, fmt.Errorf("%s: line 1: no column holds the TechWalk id; expected one of %s, or the Description of an Azure DevOps export",
			f.Name, strings.Join(ticketIDColumns, ", "))
	}
	rows := make([]TicketRow, 0, len(f.Rows))
	for _, r := range f.Rows {
		t := TicketRow{Line: r.Line, Key: r.Field(keyCol), Status: r.Field(statusCol), Resolution: r.Field(resCol)}
		if idCol >= 0 {
			t.FindingID, t.Problem = idFromColumn(f.Header[idCol], r.Field(idCol))
		} else {
			t.FindingID, t.Problem = idFromText(f.Header[textCol], r.Field(textCol), azureIDPattern, "<b>TechWalk ID:</b>")
		}
		rows = append(rows, t)
	}
	return rows, nil
}

// idFromColumn reads the id column's cell: a UUID, or empty.
func idFromColumn(column, cell string) (string, string) {
	if cell == "" {
		return "", ""
	}
	id, err := uuid.Parse(cell)
	if err != nil || len(cell) != 36 {
		return "", fmt.Sprintf("column %q: %q is not a TechWalk id", column, cell)
	}
	return id.String(), ""
}

// idFromText finds the one id marker our export wrote into a description
// or body; two different ids are a problem, not a guess.
func idFromText(column, text string, marker *regexp.Regexp, name string) (string, string) {
	var id string
	for _, m := range marker.FindAllStringSubmatch(text, -1) {
		found := strings.ToLower(m[len(m)-1])
		if id != "" && found != id {
			return "", fmt.Sprintf("column %q holds two %s ids, %s and %s; keep the one this ticket was made from", column, name, id, found)
		}
		id = found
	}
	return id, ""
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
		line, _ := audit.LineCol(data, nextValue(data, dec.InputOffset())+1)
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
	t := TicketRow{Line: line, Status: is.State, Resolution: strings.ReplaceAll(is.StateReason, "_", " ")}
	if n, err := strconv.ParseInt(is.Number.String(), 10, 64); err == nil && n > 0 {
		t.Key = "#" + strconv.FormatInt(n, 10)
		if m := githubIssueURL.FindStringSubmatch(is.HTMLURL); m != nil {
			t.Key = m[1] + t.Key
		}
	}
	t.FindingID, t.Problem = idFromText("body", is.Body, githubIDPattern, "<!-- techwalk-id -->")
	return t
}

// ticketStatusWords maps tracker statuses and states (lower case) that
// are not "in backlog": Jira, Azure DevOps, ServiceNow (1-8) and GitHub.
// Any other status means the ticket is live: in backlog.
var ticketStatusWords = map[string]audit.Status{
	"done": audit.StatusResolved, "closed": audit.StatusResolved, "resolved": audit.StatusResolved, "fixed": audit.StatusResolved,
	"complete": audit.StatusResolved, "completed": audit.StatusResolved, "6": audit.StatusResolved, "7": audit.StatusResolved,
	"cancelled": audit.StatusWontFix, "canceled": audit.StatusWontFix, "8": audit.StatusWontFix, "won't do": audit.StatusWontFix,
	"won't fix": audit.StatusWontFix, "wontfix": audit.StatusWontFix, "rejected": audit.StatusWontFix, "declined": audit.StatusWontFix,
	"not planned": audit.StatusWontFix, "removed": audit.StatusWontFix, "duplicate": audit.StatusInBacklog,
}

// ticketResolutionWords maps why a closed ticket was closed (lower case):
// Jira resolutions, Azure DevOps reasons, ServiceNow close codes and
// GitHub's state_reason. A duplicate goes on in another ticket: in backlog.
var ticketResolutionWords = map[string]audit.Status{
	"done": audit.StatusResolved, "fixed": audit.StatusResolved, "completed": audit.StatusResolved, "complete": audit.StatusResolved,
	"work finished": audit.StatusResolved, "fixed and verified": audit.StatusResolved, "verified": audit.StatusResolved,
	"solved (permanently)": audit.StatusResolved, "solved (work around)": audit.StatusResolved, "solved remotely (permanently)": audit.StatusResolved,
	"solved remotely (work around)": audit.StatusResolved, "resolved by caller": audit.StatusResolved, "resolved by change": audit.StatusResolved,
	"resolved by problem": audit.StatusResolved, "resolved": audit.StatusResolved,
	"won't do": audit.StatusWontFix, "won't fix": audit.StatusWontFix, "wontfix": audit.StatusWontFix, "not planned": audit.StatusWontFix,
	"cannot reproduce": audit.StatusWontFix, "as designed": audit.StatusWontFix, "obsolete": audit.StatusWontFix, "cut": audit.StatusWontFix,
	"abandoned": audit.StatusWontFix, "deferred": audit.StatusWontFix, "rejected": audit.StatusWontFix, "declined": audit.StatusWontFix,
	"removed from the backlog": audit.StatusWontFix, "not solved (not reproducible)": audit.StatusWontFix,
	"not solved (too costly)": audit.StatusWontFix, "closed/resolved by caller": audit.StatusResolved, "canceled": audit.StatusWontFix,
	"cancelled": audit.StatusWontFix, "duplicate": audit.StatusInBacklog,
}

// MapTicketStatus maps a tracker's status to a finding status: done,
// closed or resolved (ServiceNow 6, 7) are resolved; cancelled, won't do,
// not planned, removed (ServiceNow 8) are "won't fix", since IT closed the
// ticket without fixing anything; every other status (to do, new, in
// progress, on hold...) means the finding is in the backlog.
func MapTicketStatus(s string) audit.Status {
	if st, ok := ticketStatusWords[strings.ToLower(strings.TrimSpace(s))]; ok {
		return st
	}
	return audit.StatusInBacklog
}

// MapTicketOutcome maps a ticket's status and, once it is closed, the
// reason it was closed (a Jira "Done" resolved as "Won't Do" is "won't
// fix"; a "Duplicate" stays in backlog, in the ticket it duplicates). A
// resolution of a ticket that is not closed is ignored.
func MapTicketOutcome(status, resolution string) audit.Status {
	st := MapTicketStatus(status)
	if st == audit.StatusInBacklog && strings.TrimSpace(status) != "" {
		return st
	}
	if r, ok := ticketResolutionWords[strings.ToLower(strings.TrimSpace(resolution))]; ok {
		return r
	}
	return st
}

// ErrNoTicketMatched is returned when a ticket file has rows but none of
// them is a ticket of a finding in this database: the wrong file, another
// database, or an export that lost its TechWalk ids.
var ErrNoTicketMatched = errors.New("no ticket matched a finding of this database")

func (p *ticketPlan) noneMatched(rows int) error {
	if p.rep.Count(RowMatched)+p.rep.Count(RowUnchanged) > 0 {
		return nil
	}
	if rows == 0 {
		return fmt.Errorf("%s: line 1: the file lists no tickets; nothing was imported: %w", p.rep.File, ErrNoTicketMatched)
	}
	return fmt.Errorf("%s: none of its %d ticket(s) carries the TechWalk id of a finding in this database (%d unknown, %d rejected); nothing was imported: %w",
		p.rep.File, rows, p.rep.Count(RowUnknown), p.rep.Count(RowRejected), ErrNoTicketMatched)
}

// ticketPlan decides, row by row, which actions a ticket import saves.
type ticketPlan struct {
	rep     *ImportReport
	byID    map[string][]audit.Finding
	claimed map[string]TicketRow // finding id -> the row that set it
	actions []audit.Action
}

// OtherIDs are the ids other devices gave schools and answers (findings)
// that this database holds under its own, other id -> this database's id:
// a backlog exported on another device before a merge carries them.
type OtherIDs struct {
	Schools, Answers map[string]string
}

func newTicketPlan(name string, findings []audit.Finding, other OtherIDs) *ticketPlan {
	p := &ticketPlan{rep: &ImportReport{File: name, Kind: "tickets"}, byID: map[string][]audit.Finding{}, claimed: map[string]TicketRow{}}
	otherSchools := map[string][]string{}
	for o, local := range other.Schools {
		otherSchools[local] = append(otherSchools[local], o)
	}
	for _, f := range findings {
		p.byID[f.ID] = append(p.byID[f.ID], f)
		p.byID[f.GroupID()] = append(p.byID[f.GroupID()], f)
		if b := f.BacklogID(); b != f.ID {
			p.byID[b] = append(p.byID[b], f)
		}
		for _, o := range otherSchools[f.SchoolID] { // the grouped issue as the other device named it
			g := audit.GroupID(o, f.ItemID)
			p.byID[g] = append(p.byID[g], f)
		}
	}
	for o, local := range other.Answers {
		if len(p.byID[o]) == 0 {
			p.byID[o] = p.byID[local]
		}
	}
	return p
}

func (p *ticketPlan) plan(r TicketRow) {
	subject := "ticket " + strconv.Quote(r.Key)
	switch {
	case r.Problem != "":
		p.rep.Add(r.Line, RowRejected, subject, r.Problem)
		return
	case r.FindingID == "":
		p.rep.Add(r.Line, RowUnknown, subject, "no TechWalk id in the row")
		return
	case len(p.byID[r.FindingID]) == 0:
		p.rep.Add(r.Line, RowUnknown, subject, "finding "+r.FindingID+" is not a finding in this database (fixed since, deleted, or another database)")
		return
	}
	if reason := checkTicketKey(r.Key); reason != "" {
		p.rep.Add(r.Line, RowRejected, subject, reason)
		return
	}
	p.planFindings(r, subject)
}

func checkTicketKey(key string) string {
	if key == "" {
		return "the ticket key is empty"
	}
	if err := audit.CheckText("ticket key", key, audit.MaxNameLen); err != nil {
		return err.Error()
	}
	if r, ok := audit.ControlRune(key); ok {
		return fmt.Sprintf("the ticket key contains the control character %U", r)
	}
	return ""
}

func (p *ticketPlan) planFindings(r TicketRow, subject string) {
	fs := p.byID[r.FindingID]
	for _, f := range fs {
		if prev, ok := p.claimed[f.ID]; ok && prev.Key != r.Key {
			p.rep.Add(r.Line, RowRejected, subject, fmt.Sprintf("finding %s is also ticket %q on line %d", f.ShortID(), prev.Key, prev.Line))
			return
		}
	}
	status, changed := MapTicketOutcome(r.Status, r.Resolution), 0
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
		p.rep.Add(r.Line, RowUnchanged, subject, what)
		return
	}
	p.rep.Add(r.Line, RowMatched, subject, what)
}

// PlanTickets decides what a ticket import of rows saves on findings: the
// report row by row and the actions to save. A row may name a finding by
// the id another device gave it (other). An error (rejected rows
// without opt.Partial, or no row matching a finding) means nothing is to
// be saved; so does opt.DryRun, whose actions the caller does not save.
func PlanTickets(name string, rows []TicketRow, findings []audit.Finding, other OtherIDs, opt ImportOptions) (*ImportReport, []audit.Action, error) {
	p := newTicketPlan(name, findings, other)
	for _, r := range rows {
		p.plan(r)
	}
	if p.rep.Count(RowRejected) > 0 && !opt.Partial {
		return p.rep, nil, p.rep.RejectedError()
	}
	if err := p.noneMatched(len(rows)); err != nil {
		return p.rep, nil, err
	}
	return p.rep, p.actions, nil
}
