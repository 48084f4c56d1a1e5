// Package assets holds the files TechWalk embeds in its binary: the app
// icon, the default checklist template and the report fonts.
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

// NotoSansRegular is the Noto Sans Regular TrueType font the PDF report
// embeds for body text (SIL Open Font License, see fonts/OFL.txt).
//
//go:embed fonts/NotoSans-Regular.ttf
var NotoSansRegular []byte

// NotoSansBold is the Noto Sans Bold TrueType font the PDF report embeds
// for headings and figures (SIL Open Font License, see fonts/OFL.txt).
//
//go:embed fonts/NotoSans-Bold.ttf
var NotoSansBold []byte

// FontLicense is the SIL Open Font License text that covers the Noto Sans fonts.
//
//go:embed fonts/OFL.txt
var FontLicense []byte
