// Package assets holds the files TechWalk embeds in its binary: the app
// icon and the default checklist template.
package assets

import _ "embed"

//go:generate go run ./internal/mkicon -o icon.png

// Icon is the 512x512 PNG app icon: a white clipboard with a green check
// mark on a deep-blue rounded square. internal/mkicon draws it.
//
//go:embed icon.png
var Icon []byte

// DefaultTemplateJSON is the "K-12 classroom technology walkthrough" checklist
// every new database starts with.
//
//go:embed templates/k12-classroom.json
var DefaultTemplateJSON []byte

// DefaultTemplateFile names the embedded template in error messages.
const DefaultTemplateFile = "assets/templates/k12-classroom.json"
