// Package importer reads what districts and trackers hand TechWalk: CSV
// files of schools and rooms (with their column mapping) and ticket
// exports of Jira, Azure DevOps, ServiceNow and GitHub. It parses and plans;
// the store saves.
package importer
