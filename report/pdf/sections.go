package pdf

import (
	"fmt"
	"strings"

	"techwalk/audit"
	"techwalk/audit/build"
)

// issues lists the top issues ranked by severity weight x rooms affected.
func (d *doc) issues() error {
	all := d.r.topIssues()
	d.heading("Top issues", "What costs the most teaching time across the school comes first: "+
		"the more serious the problem and the more rooms it reaches, the higher it stands. The auditor's notes follow each issue.", 0)
	if len(all) == 0 {
		d.paragraph(d.left(), d.contentW(), "Nothing failed in the rooms visited.", stBody)
		return nil
	}
	shown := all[:min(len(all), maxIssues)]
	rows := make([][]string, len(shown))
	for i, is := range shown {
		rows[i] = []string{fmt.Sprint(i + 1), is.withNotes(), is.item.Category, string(is.severity)}
	}
	cols := []column{{"#", 0, true}, {"Issue", 6, false}, {"Category", 2, false}, {"Severity", 0, false}}
	if err := d.table(cols, rows, stBody); err != nil {
		return err
	}
	if len(all) > len(shown) {
		d.y += 2
		d.paragraph(d.left(), d.contentW(), fmt.Sprintf("%d more issues are listed in the room table and the action plan.", len(all)-len(shown)), stSmall)
	}
	return nil
}

// roomTable lists every room with its score, Wi-Fi figures and what failed.
func (d *doc) roomTable() error {
	d.y += 6
	d.subheading("Room by room", 30)
	d.paragraph(d.left(), d.contentW(), "Ready: walked, and no critical or high-severity item failing. * partly walked: too few checks answered to count the room as ready. Wi-Fi: signal dBm / latency ms / download Mbps.", stSmall)
	d.y += 1
	rows := make([][]string, 0, len(d.r.Score.Rooms))
	for _, rs := range d.r.Score.Rooms {
		rows = append(rows, d.r.roomRow(rs))
	}
	cols := []column{{"Room", 2.2, false}, {"Score", 0, true}, {"Ready", 0, false}, {"Wi-Fi", 0, false}, {"What failed", 6, false}}
	return d.table(cols, rows, stSmall)
}

// actions prints the action plan: each finding with its owner, priority,
// due date, status and ticket.
func (d *doc) actions() error {
	rows := d.r.actionRows()
	d.heading("Action plan", "Every problem found, most urgent first, with who fixes it and by when. The ID on the right matches the backlog exports, so a ticket can be traced back to this report.", 0)
	if len(rows) == 0 {
		d.paragraph(d.left(), d.contentW(), "No actions: nothing failed.", stBody)
		return nil
	}
	cols := []column{{"Problem", 4, false}, {"Room", 1.2, false}, {"Owner", 1.6, false},
		{"Priority", 0, false}, {"Due", 0, false}, {"Status", 0, false}, {"Ticket", 1.2, false}, {"ID", 0, false}}
	return d.table(cols, rows, stSmall)
}

// method explains how the figures were made.
func (d *doc) method() error {
	t := d.r.Template
	d.heading("Method", "", 0)
	d.methodPart("Checklist", fmt.Sprintf("%s, version %s (id %s). Every visit keeps the exact checklist version it used, so this report never changes when the checklist does.",
		t.Name, t.Version, t.ID))
	d.methodPart("Experience score", "Every scored answer (not n/a, not free text or photos) carries its item's severity weight. "+
		"A room scores 100 x (1 - weight of failing answers / weight of all scored answers), so one missing critical item costs a room as much as ten low ones. "+
		fmt.Sprintf("The room's score is then capped: a failing critical item caps it at %.0f and a failing high-severity item at %.0f, ", audit.CriticalCap, audit.HighCap)+
		"so one broken display cannot hide behind thirty working cables. "+
		"The school's score is the mean of its visited rooms' scores: each room counts the same, because each is one teacher's day. "+
		fmt.Sprintf("A category's score uses the same formula, uncapped, over that category's answers in every room; a category with fewer than %d answers shows \"too few answers\".", audit.MinCategoryAnswers))
	d.methodPart("Severity weights", "critical 10, high 5, medium 2, low 1.")
	d.methodPart("Coverage", fmt.Sprintf("Every score carries its coverage: the share of the scored checks that apply which were answered (n/a counts as answered). "+
		"A room under %.0f%% is partly walked: its score is marked and it is not counted as ready to teach. "+
		"A visit under %.0f%% is a partial walk: its figures describe the rooms walked, and it gets no verdict.", 100*d.r.Rules.MinCoverage, 100*d.r.Rules.MinCoverage))
	d.methodPart("Ready to teach", "A room is ready to teach when it was walked (not partly) and none of its critical or high-severity items fails.")
	d.methodPart("Verdicts", "90 and above: "+audit.Verdict(90)+" 75-89: "+audit.Verdict(75)+" 60-74: "+audit.Verdict(60)+" Below 60: "+audit.Verdict(0)+
		" When more than half the rooms visited are not ready to teach, a score of 75 or more says so instead. Because of the caps, a school where most rooms have a failing critical item scores under 75.")
	d.methodPart("Change since the last visit", "Both visits are scored again on only the checks answered on both (the same item in the same room), "+
		"so a shorter or longer walk does not read as a rise or a fall.")
	d.methodPart("Faults over visits", "A check that fails in the same room on visit after visit is one fault: it keeps the date it was first seen, "+
		"its first finding's id in the backlog exports and the ticket IT gave it. When a later visit finds the check passing, the fault is fixed, verified on that visit's date.")
	d.methodPart("Teacher feedback", "Ratings are means of the answers given (1-5); unanswered questions are left out. "+
		"Would-choose-again is the share of yes among the teachers who answered. Quotes appear only when the teacher agreed to be quoted"+
		d.anonymityNote())
	d.methodPart("Top issues", "Findings are grouped by checklist item and ranked by severity weight x rooms affected "+
		"(a critical item failing in one room weighs 10, a low one failing in three rooms weighs 3); ties go to the more severe item. "+
		"The cover's \"Most urgent\" list is the first three.")
	d.methodPart("Generated", d.opt.Now.Format("2 January 2006, 15:04 MST")+" by "+build.String()+".")
	if len(d.fonts.missing) > 0 {
		d.methodPart("Characters", fmt.Sprintf("%d characters had no glyph in the available fonts and are printed as %c.", len(d.fonts.missing), placeholder))
	}
	return nil
}

func (d *doc) anonymityNote() string {
	if d.opt.Anonymise {
		return "; teachers are named by their room only, and their names are removed from quotes and notes."
	}
	return "; teachers are named because the district turned anonymisation off."
}

func (d *doc) methodPart(title, body string) {
	d.need(lineHeight(stBodyBold) + 2*lineHeight(stBody))
	d.setInk(greyInk)
	d.text(d.left(), d.y, title, stBodyBold)
	d.y += lineHeight(stBodyBold)
	d.paragraph(d.left(), d.contentW(), strings.TrimSpace(body), stBody)
	d.y += 3
}
