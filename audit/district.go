package audit

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// The district picture: one row per school, the district's most common
// problems, its trend by term and which schools were not visited this term.
// Both stores load the same values (DistrictInput) and this one function
// turns them into the figures the District screen and the district report
// show, so a hub and a local database of merged bundles agree.

// DistrictVisit is one visit with what scoring it needs: its summary, or
// its answers and feedback. When every visit of a school carries its
// summary (a store's stored one), the picture reads the summaries and needs
// no answers; otherwise it computes the school's summaries from the answers.
type DistrictVisit struct {
	Visit    Visit
	Template *Template
	Answers  []Answer
	Feedback []Feedback
	Summary  *VisitSummary
}

// DistrictSchool is one school with its rooms and visits, in any order.
type DistrictSchool struct {
	School School
	Rooms  []Room
	Visits []DistrictVisit
}

// DistrictInput is everything the district picture is made from.
type DistrictInput struct {
	Schools []DistrictSchool  // one entry a school
	Actions map[string]Action // IT's actions by finding (answer) id; only a school whose visits carry no summary needs them
	Rules   ScoreRules
	Now     time.Time // today, in the district's time zone
}

// SchoolPicture is one school's row of the district picture, read from its
// latest finished visit.
type SchoolPicture struct {
	School    School
	Latest    Visit      // the latest finished visit; zero when none
	Score     VisitScore // the latest finished visit's score and KPIs
	Scored    bool       // the latest finished visit checked some room
	Change    Change     // against the previous finished visit, on the checks both answered
	HasChange bool       // a previous visit exists and Change is comparable
	// FindingsOpen counts the latest visit's findings IT has not closed
	// (resolved or won't fix), the loop's inherited status included.
	FindingsOpen int
	// FixedSinceLast counts faults an earlier visit saw failing that the
	// latest visit found passing.
	FixedSinceLast int
	LastVisit      time.Time // start of the newest visit, finished or not; zero when never visited
	DaysSinceLast  int       // whole days from LastVisit to Now; -1 when never visited
	ThisTerm       bool      // the newest visit began this term
	// Teachers sums the latest finished visit's teacher feedback, with
	// the n of every mean.
	Teachers TeacherTally
}

// Visited reports whether the school has a finished visit to show figures
// of; a school without one is "not visited", never a 0.
func (p SchoolPicture) Visited() bool { return p.Latest.ID != "" }

// CountsInDistrict reports whether the school's score enters the district
// score: a finished visit that checked rooms and is not a partial walk.
func (p SchoolPicture) CountsInDistrict() bool { return p.Scored && !p.Score.Partial }

// InconveniencesPerRoom is the latest visit's failing answers per room checked.
func (p SchoolPicture) InconveniencesPerRoom() float64 {
	if p.Score.RoomsVisited == 0 {
		return 0
	}
	return float64(p.Score.Failures) / float64(p.Score.RoomsVisited)
}

// Cells are the school's figures as the district table shows them: the latest finished visit's date, score, change,
// rooms ready of rooms checked, inconveniences per room, teacher rating
// and would-choose-again with their n, findings open, fixed since the
// last visit, days since the last visit. A school without a finished visit
// reads "not visited", never 0, or "not finished" while its first visit
// is under way; a visit that checked no room "no room
// checked"; a partial walk's score says "partial"; "-" stands for no figure.
func (p SchoolPicture) Cells() []string {
	days := "never"
	if p.DaysSinceLast >= 0 {
		days = fmt.Sprint(p.DaysSinceLast)
	}
	switch {
	case !p.Visited() && p.LastVisit.IsZero():
		return []string{"not visited", "-", "-", "-", "-", "-", "-", "-", "-", days}
	case !p.Visited():
		return []string{"not finished", "-", "-", "-", "-", "-", "-", "-", "-", days}
	case !p.Scored:
		return []string{p.Latest.StartedAt.Format("2 Jan 2006"), "no room checked", "-", "-", "-", "-", "-", "-", "-", days}
	}
	s, t := p.Score, p.Teachers
	score := fmt.Sprintf("%.0f", s.Score)
	if s.Partial {
		score += " partial"
	}
	change := "-"
	if p.HasChange {
		change = "0"
		if n := math.Round(p.Change.Delta()); n != 0 {
			change = fmt.Sprintf("%+.0f", n)
		}
	}
	rating, again := "-", "-"
	if t.SupportsN > 0 {
		rating = fmt.Sprintf("%.1f (n=%d)", t.MeanSupportsTeaching(), t.SupportsN)
	}
	if t.ChooseAgainAnswers > 0 {
		again = fmt.Sprintf("%.0f%% (n=%d)", 100*t.ChooseAgainShare(), t.ChooseAgainAnswers)
	}
	return []string{p.Latest.StartedAt.Format("2 Jan 2006"), score, change, fmt.Sprintf("%d/%d", s.RoomsReady, s.RoomsVisited),
		fmt.Sprintf("%.1f", p.InconveniencesPerRoom()), rating, again, fmt.Sprint(p.FindingsOpen), fmt.Sprint(p.FixedSinceLast), days}
}

// CommonProblem is one checklist item failing across the district's
// latest visits.
type CommonProblem struct {
	ItemID   string
	Label    string
	Kind     ItemKind
	Reason   string // the shared reason of a check or choice item ("missing"); "" when reasons vary
	Severity Severity
	Rooms    int
	Schools  int
}

// String is "HDMI adapter: missing in 34 rooms across 12 schools" (the
// colon keeps it readable for labels that are statements, "Projector mount
// is secure: broken in ...").
func (c CommonProblem) String() string {
	what := "failing"
	if c.Reason != "" {
		what = c.Reason
	}
	return fmt.Sprintf("%s: %s in %s across %s", c.Label, what, countOf(c.Rooms, "room"), countOf(c.Schools, "school"))
}

// TermScore is the district score of one term: the mean of the latest
// finished, fully walked visit of every school visited that term.
type TermScore struct {
	Start   time.Time
	Score   float64
	Schools int
}

// Label is "Autumn 2026" (from 1 August) or "Spring 2027" (from 1 January).
func (t TermScore) Label() string {
	if t.Start.Month() >= time.August {
		return fmt.Sprintf("Autumn %d", t.Start.Year())
	}
	return fmt.Sprintf("Spring %d", t.Start.Year())
}

// District is the district picture.
type District struct {
	Schools         []SchoolPicture // by name
	Score           float64         // mean of the schools that count (CountsInDistrict)
	HasScore        bool
	Problems        []CommonProblem // most rooms first
	Trend           []TermScore     // oldest term first
	TermStart       time.Time       // the current term's first day
	VisitedThisTerm int
	NotThisTerm     []School // schools whose newest visit began before this term, or never visited; by name
	KPIs            DistrictKPIs
}

// DistrictKPIs are the district's headline figures. Rooms, inconveniences
// and teachers are summed over the schools that count in the district
// score (their latest finished visit is a full walk), so every figure
// describes the same visits; findings and fixes over every school with a
// finished visit.
type DistrictKPIs struct {
	Schools        int // schools that count
	RoomsVisited   int
	RoomsReady     int
	Failures       int // inconveniences found: failing answers
	Teachers       TeacherTally
	PartialWalks   int // schools whose latest finished visit is a partial walk, left out
	NotVisited     int // schools without a finished visit (never visited, or the first visit under way)
	FindingsOpen   int
	FixedSinceLast int
}

// InconveniencesPerRoom is the failing answers per room checked; 0 when no room was.
func (k DistrictKPIs) InconveniencesPerRoom() float64 { return ratio(k.Failures, k.RoomsVisited) }

// ReadyShare is the share (0-1) of checked rooms ready to teach.
func (k DistrictKPIs) ReadyShare() float64 { return ratio(k.RoomsReady, k.RoomsVisited) }

func (k *DistrictKPIs) add(p SchoolPicture) {
	switch {
	case !p.Visited():
		k.NotVisited++
		return
	case p.CountsInDistrict():
		k.Schools++
		k.RoomsVisited += p.Score.RoomsVisited
		k.RoomsReady += p.Score.RoomsReady
		k.Failures += p.Score.Failures
		k.Teachers = k.Teachers.Plus(p.Teachers)
	case p.Score.Partial:
		k.PartialWalks++
	}
	k.FindingsOpen += p.FindingsOpen
	k.FixedSinceLast += p.FixedSinceLast
}

// DistrictVerdict reads the district for a superintendent in plain words:
// the score's verdict, unless too few rooms are ready for it to praise,
// and how much of the district was visited this term.
func DistrictVerdict(d District) string {
	k := d.KPIs
	if !d.HasScore {
		return "No school has a finished, fully walked visit yet: too little to judge the district."
	}
	text := Verdict(d.Score)
	if notReady := k.RoomsVisited - k.RoomsReady; d.Score >= 75 && 2*notReady > k.RoomsVisited {
		text = fmt.Sprintf("Most checks pass, but serious problems keep %d of %d rooms from being ready to teach.", notReady, k.RoomsVisited)
	}
	if total := len(d.Schools); 2*d.VisitedThisTerm < total {
		text += fmt.Sprintf(" Only %d of %d schools were visited this term.", d.VisitedThisTerm, total)
	}
	return text
}

// DistrictPicture computes the district picture from loaded values.
func DistrictPicture(in DistrictInput) District {
	d := District{TermStart: TermStart(in.Now)}
	problems := map[problemKey]*problemTally{}
	terms := map[time.Time]map[string]float64{}
	var scores []float64
	for _, s := range in.Schools {
		if s.School.Deleted {
			continue
		}
		p, finished, sums := in.school(s)
		if p.ThisTerm {
			d.VisitedThisTerm++
		} else {
			d.NotThisTerm = append(d.NotThisTerm, s.School)
		}
		if p.CountsInDistrict() {
			scores = append(scores, p.Score.Score)
		}
		if len(finished) > 0 {
			latest := finished[len(finished)-1]
			tallyProblems(problems, latest.Template, sums[latest.Visit.ID].Failing)
		}
		in.addTerms(terms, s, finished, sums)
		d.KPIs.add(p)
		d.Schools = append(d.Schools, p)
	}
	d.Score, d.HasScore = DistrictScore(scores)
	sort.SliceStable(d.Schools, func(i, j int) bool { return lessName(d.Schools[i].School, d.Schools[j].School) })
	sort.SliceStable(d.NotThisTerm, func(i, j int) bool { return lessName(d.NotThisTerm[i], d.NotThisTerm[j]) })
	d.Problems = sortProblems(problems)
	d.Trend = trend(terms)
	return d
}

func lessName(a, b School) bool {
	if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
		return c < 0
	}
	return a.ID < b.ID
}

// school computes one school's row and returns its finished visits, oldest
// first, and the summaries of its visits.
func (in DistrictInput) school(s DistrictSchool) (SchoolPicture, []DistrictVisit, map[string]VisitSummary) {
	p := SchoolPicture{School: s.School, DaysSinceLast: -1}
	var finished []DistrictVisit
	for _, v := range s.Visits {
		if v.Visit.Deleted || v.Template == nil {
			continue
		}
		if v.Visit.StartedAt.After(p.LastVisit) {
			p.LastVisit = v.Visit.StartedAt
		}
		if v.Visit.Finished() {
			finished = append(finished, v)
		}
	}
	sortFinished(finished)
	if !p.LastVisit.IsZero() {
		p.DaysSinceLast = max(0, int(in.Now.Sub(p.LastVisit).Hours()/24))
		p.ThisTerm = !p.LastVisit.Before(TermStart(in.Now))
	}
	if len(finished) == 0 {
		return p, finished, nil
	}
	sums := in.summaries(s)
	latest := finished[len(finished)-1]
	sum := sums[latest.Visit.ID]
	p.Latest = latest.Visit
	p.Score = sum.Score
	p.Scored = p.Score.RoomsVisited > 0
	p.Teachers = p.Score.Teachers
	p.Change, p.HasChange = sum.Change, sum.HasChange
	p.FindingsOpen, p.FixedSinceLast = sum.FindingsOpen, sum.FixedSinceLast
	return p, finished, sums
}

// summaries returns the school's visit summaries: the ones its visits
// carry when all do, else computed from the answers.
func (in DistrictInput) summaries(s DistrictSchool) map[string]VisitSummary {
	out := map[string]VisitSummary{}
	for _, v := range s.Visits {
		if v.Visit.Deleted || v.Template == nil {
			continue
		}
		if v.Summary == nil {
			return in.Rules.SummariseSchool(s, in.Actions)
		}
		out[v.Visit.ID] = *v.Summary
	}
	return out
}

func visitBefore(a, b Visit) bool {
	if !a.StartedAt.Equal(b.StartedAt) {
		return a.StartedAt.Before(b.StartedAt)
	}
	return a.ID < b.ID
}

func liveRooms(rooms []Room) []Room {
	out := make([]Room, 0, len(rooms))
	for _, r := range rooms {
		if !r.Deleted {
			out = append(out, r)
		}
	}
	return out
}

// loops traces every room's item across the finished visits (the loop
// rules of TraceLoops and LinkFindings) and counts the latest visit's
// findings still open and the faults it found fixed.
func loops(finished []DistrictVisit, actions map[string]Action) (open, fixed int) {
	latest := finished[len(finished)-1]
	sightings := map[[2]string][]Sighting{}
	var findings []Finding
	for _, v := range finished {
		for _, a := range v.Answers {
			it, ok := v.Template.Item(a.ItemID)
			if a.Deleted || !ok {
				continue
			}
			out, _ := it.Evaluate(a.Value)
			key := [2]string{a.RoomID, a.ItemID}
			sightings[key] = append(sightings[key], Sighting{AnswerID: a.ID, VisitID: v.Visit.ID, VisitDate: v.Visit.StartedAt, Outcome: out})
			if out == Fail && v.Visit.ID == latest.Visit.ID {
				findings = append(findings, Finding{ID: a.ID, Action: actions[a.ID]})
			}
		}
	}
	loopOf := map[string]Loop{}
	for key, s := range sightings {
		for _, f := range TraceLoops(key[0], key[1], s, loopOf) {
			if f.VisitID == latest.Visit.ID {
				fixed++
			}
		}
	}
	LinkFindings(findings, loopOf, actions)
	for _, f := range findings {
		if f.Action.Status != StatusResolved && f.Action.Status != StatusWontFix {
			open++
		}
	}
	return open, fixed
}

// problemKey groups failing answers: the item, and the reason when the
// item's reasons are words (check and choice items), not figures.
type problemKey struct{ item, reason string }

type problemTally struct {
	label    string
	kind     ItemKind
	severity Severity
	rooms    int // rooms failing it, each counted once
	schools  int
}

// tallyProblems adds a school's latest visit's failing checks: every room
// failing a problem counts once, and the school once. It is called once a
// school, so a room or school seen in this call is new to the tally.
func tallyProblems(problems map[problemKey]*problemTally, t *Template, failing []FailingCheck) {
	numberOf := make(map[problemKey]int, 64) // the problem's number in ofSchool
	ofSchool := make([]*problemTally, 0, 64) // nil: the item is not in the template
	roomOf := make(map[string]int, 64)
	seen := make(map[[2]int]bool, len(failing)) // problem, room
	for _, f := range failing {
		key := problemKey{item: f.ItemID, reason: f.Reason}
		n, ok := numberOf[key]
		if !ok {
			n = len(ofSchool)
			numberOf[key] = n
			ofSchool = append(ofSchool, schoolProblem(problems, key, t))
		}
		room, ok := roomOf[f.RoomID]
		if !ok {
			room = len(roomOf)
			roomOf[f.RoomID] = room
		}
		if p := ofSchool[n]; p != nil && !seen[[2]int{n, room}] {
			seen[[2]int{n, room}] = true
			p.rooms++
		}
	}
}

// schoolProblem returns the tally of a problem a school's template has,
// counting the school; nil when the template has no such item.
func schoolProblem(problems map[problemKey]*problemTally, key problemKey, t *Template) *problemTally {
	it, ok := t.Item(key.item)
	if !ok {
		return nil
	}
	p := problems[key]
	if p == nil {
		p = &problemTally{label: it.Label, kind: it.Kind, severity: it.Severity}
		problems[key] = p
	}
	p.schools++
	return p
}

// sortProblems orders the problems by rooms, then schools, then severity, then label.
func sortProblems(problems map[problemKey]*problemTally) []CommonProblem {
	out := make([]CommonProblem, 0, len(problems))
	for k, t := range problems {
		out = append(out, CommonProblem{ItemID: k.item, Label: t.label, Kind: t.kind, Reason: k.reason, Severity: t.severity,
			Rooms: t.rooms, Schools: t.schools})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.Rooms != b.Rooms:
			return a.Rooms > b.Rooms
		case a.Schools != b.Schools:
			return a.Schools > b.Schools
		case a.Severity.Rank() != b.Severity.Rank():
			return a.Severity.Rank() < b.Severity.Rank()
		case a.Label != b.Label:
			return a.Label < b.Label
		}
		return a.Reason < b.Reason
	})
	return out
}

// addTerms records, for every term a school had finished visits in, the
// score of its latest one that term when it counts (a full walk).
func (in DistrictInput) addTerms(terms map[time.Time]map[string]float64, s DistrictSchool, finished []DistrictVisit, sums map[string]VisitSummary) {
	latestOfTerm := map[time.Time]DistrictVisit{}
	for _, v := range finished { // oldest first: the last one of a term wins
		latestOfTerm[TermStart(v.Visit.StartedAt.In(in.Now.Location()))] = v
	}
	for term, v := range latestOfTerm {
		vs := sums[v.Visit.ID].Score
		if vs.RoomsVisited == 0 || vs.Partial {
			continue
		}
		if terms[term] == nil {
			terms[term] = map[string]float64{}
		}
		terms[term][s.School.ID] = vs.Score
	}
}

func trend(terms map[time.Time]map[string]float64) []TermScore {
	out := make([]TermScore, 0, len(terms))
	for start, bySchool := range terms {
		scores := make([]float64, 0, len(bySchool))
		for _, sc := range bySchool {
			scores = append(scores, sc)
		}
		sort.Float64s(scores) // a fixed order, so the mean is the same on every run
		score, _ := DistrictScore(scores)
		out = append(out, TermScore{Start: start, Score: score, Schools: len(scores)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

// countOf is "1 room" or "34 rooms".
func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
