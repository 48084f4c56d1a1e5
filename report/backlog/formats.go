package backlog

import (
	"html"
	"strconv"
	"strings"

	"techwalk/audit"
)

// jiraPriority maps priorities to Jira's default priority names.
func jiraPriority(s audit.Severity) string {
	switch s {
	case audit.Critical:
		return "Highest"
	case audit.High:
		return "High"
	case audit.Low:
		return "Low"
	}
	return "Medium"
}

// azurePriority maps priorities to Azure DevOps' 1 (highest) to 4.
func azurePriority(s audit.Severity) string {
	return strconv.Itoa(min(s.Rank(), 3) + 1)
}

// serviceNowImpactUrgency maps a priority to impact and urgency (1 high to
// 3 low). With ServiceNow's default matrix, critical becomes P2 High,
// high P3 Moderate, medium P4 Low and low P5 Planning: P1 stays for outages.
func serviceNowImpactUrgency(s audit.Severity) (impact, urgency string) {
	switch s {
	case audit.Critical:
		return "1", "2"
	case audit.High:
		return "2", "2"
	case audit.Medium:
		return "2", "3"
	}
	return "3", "3"
}

// labels are the issue's tags, without spaces: techwalk, school, severity.
func (is backlogItem) labels() []string {
	f := is.first()
	school := f.SchoolCode
	if school == "" {
		school = f.SchoolName
	}
	out := []string{"techwalk", "school-" + slug(school), "severity-" + string(is.severity())}
	if is.Grouped {
		out = append(out, "grouped")
	}
	return out
}

func (ex *exporter) jiraRows(items []backlogItem, emit func([]string) error) error {
	nLabels := 1
	for _, is := range items {
		nLabels = max(nLabels, len(is.labels()))
	}
	header := []string{"Summary", "Issue Type", "Description", "Priority"}
	for range nLabels {
		header = append(header, "Labels")
	}
	header = append(header, "Component", "Due Date", "External ID")
	if err := emit(header); err != nil {
		return err
	}
	for _, is := range items {
		row := []string{is.title(), "Task", plainText(ex.describe(is)), jiraPriority(is.priority())}
		labels := is.labels()
		for i := range nLabels {
			row = append(row, at(labels, i))
		}
		_, due, _ := is.action()
		if err := emit(append(row, is.first().Category, due, is.ID)); err != nil {
			return err
		}
	}
	return nil
}

func at(list []string, i int) string {
	if i < len(list) {
		return list[i]
	}
	return ""
}

func (ex *exporter) azureRows(items []backlogItem, emit func([]string) error) error {
	kind := ex.opt.AzureWorkItemType
	if kind == "" {
		kind = "Task"
	}
	if err := emit([]string{"Work Item Type", "Title", "Description", "Priority", "Tags", "Area Path"}); err != nil {
		return err
	}
	for _, is := range items {
		f := is.first()
		tags := []string{"techwalk", f.Category, f.SchoolName, string(is.severity())}
		for i, t := range tags {
			tags[i] = strings.ReplaceAll(t, ";", ",")
		}
		if err := emit([]string{kind, is.title(), htmlText(ex.describe(is)), azurePriority(is.priority()),
			strings.Join(tags, "; "), ex.opt.AzureAreaPath}); err != nil {
			return err
		}
	}
	return nil
}

// htmlText renders description lines as escaped HTML paragraphs.
func htmlText(lines []line) string {
	var b strings.Builder
	for _, l := range lines {
		text := strings.ReplaceAll(html.EscapeString(l.Text), "\n", "<br>")
		b.WriteString("<p><b>" + html.EscapeString(l.Label) + ":</b> " + text + "</p>")
	}
	return b.String()
}

// serviceNowShort is the incident's short_description limit.
const serviceNowShort = 160

func (ex *exporter) serviceNowRows(items []backlogItem, emit func([]string) error) error {
	if err := emit([]string{"short_description", "description", "impact", "urgency", "category", "assignment_group", "location", "correlation_id"}); err != nil {
		return err
	}
	for _, is := range items {
		impact, urgency := serviceNowImpactUrgency(is.priority())
		owner, _, _ := is.action()
		f := is.first()
		if err := emit([]string{truncate(is.title(), serviceNowShort), plainText(ex.describe(is)), impact, urgency,
			f.Category, owner, f.SchoolName, is.ID}); err != nil {
			return err
		}
	}
	return nil
}

// GitHubIssue is one element of the GitHub export: the body of a request to
// POST /repos/{owner}/{repo}/issues.
type GitHubIssue struct {
	Title  string   `json:"title"`
	Body   string   `json:"body"`
	Labels []string `json:"labels"`
}

func (ex *exporter) githubIssues(items []backlogItem) []GitHubIssue {
	out := make([]GitHubIssue, len(items))
	for i, is := range items {
		labels := []string{"techwalk", "priority:" + string(is.priority()), "category:" + slug(is.first().Category)}
		out[i] = GitHubIssue{Title: is.title(), Body: markdownText(ex.describe(is)) + "\n\n<!-- techwalk-id: " + is.ID + " -->", Labels: labels}
	}
	return out
}

// markdownText renders description lines as bold-labelled Markdown
// paragraphs; HTML comments in user text are defused so they cannot hide
// text or fake a TechWalk id.
func markdownText(lines []line) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		text := strings.ReplaceAll(l.Text, "<!--", "&lt;!--")
		parts[i] = "**" + l.Label + ":** " + strings.ReplaceAll(text, "\n", "  \n")
	}
	return strings.Join(parts, "\n\n")
}

func (ex *exporter) githubRows(items []backlogItem, emit func([]string) error) error {
	if err := emit([]string{"title", "labels", "body"}); err != nil {
		return err
	}
	for _, g := range ex.githubIssues(items) {
		if err := emit([]string{g.Title, strings.Join(g.Labels, ", "), g.Body}); err != nil {
			return err
		}
	}
	return nil
}
