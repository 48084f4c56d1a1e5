// Package assets holds the files TechWalk embeds in its binary: the app
// icon and the default checklist template.
package assets

import _ "embed"

// DefaultTemplateJSON is the "K-12 classroom technology walkthrough" checklist
// every new database starts with.
//
//go:embed templates/k12-classroom.json
var DefaultTemplateJSON []byte

// DefaultTemplateFile names the embedded template in error messages.
const DefaultTemplateFile = "assets/templates/k12-classroom.json"
