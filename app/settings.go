package app

import (
	"bytes"
	"encoding/base64"
	"image"
	_ "image/jpeg" // logo previews
	_ "image/png"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
	"techwalk/audit/build"
	"techwalk/audit/postgres"
	"techwalk/audit/sqlite"
)

// paperSizes maps the paper choices on screen to their setting values.
var paperSizes = []struct{ label, value string }{{"A4", "a4"}, {"US Letter", "letter"}}

// settingsScreen edits the district-wide settings; each change is saved at once.
type settingsScreen struct {
	store *sqlite.Store
	u     *ui

	district  *widget.Entry
	auditor   *widget.Entry
	wifiURL   *widget.Entry
	hubURL    *widget.Entry // the district hub, saved without any password
	coverage  *widget.Entry // percentage of checks a room or visit needs to count as walked
	teams     *widget.Entry
	kioskPIN  *widget.Entry
	anonymise *widget.Check
	paper     *widget.Select
	logoBtn   *widget.Button
	logo      *canvas.Image
	saved     *statusBar
	version   *widget.Label // the About line
	loading   bool
}

func newSettingsScreen(u *ui) *settingsScreen {
	return &settingsScreen{store: u.store, u: u}
}

func (s *settingsScreen) buildUI() fyne.CanvasObject {
	s.saved = newStatusBar()
	s.district = s.textSetting(sqlite.SettingDistrict, "District name")
	s.auditor = s.textSetting(sqlite.SettingAuditor, "Your name, as it appears on reports")
	s.wifiURL = s.textSetting(sqlite.SettingWifiURL, "https://speedtest.example.org/ (your district's test server)")
	s.hubURL = widget.NewEntry()
	s.hubURL.SetPlaceHolder("postgres://you@hub.district.org/techwalk?sslmode=verify-full")
	s.hubURL.OnChanged = s.onHubURL
	s.teams = widget.NewMultiLineEntry()
	s.teams.SetPlaceHolder(strings.Join(audit.DefaultOwnerTeams, "\n"))
	s.teams.SetMinRowsVisible(4)
	s.teams.OnChanged = func(v string) { s.save(audit.SettingOwnerTeams, v) }
	s.kioskPIN = widget.NewEntry()
	s.kioskPIN.SetPlaceHolder("Optional: digits the auditor types to leave the teacher's form")
	s.kioskPIN.OnChanged = func(v string) { s.save(audit.SettingKioskPIN, v) }
	s.anonymise = widget.NewCheck("Anonymise teacher names in reports", s.onAnonymise)
	s.coverage = widget.NewEntry()
	s.coverage.SetPlaceHolder("80")
	s.coverage.OnChanged = s.onCoverage
	labels := make([]string, len(paperSizes))
	for i, p := range paperSizes {
		labels[i] = p.label
	}
	s.paper = widget.NewSelect(labels, s.onPaper)
	s.logo = canvas.NewImageFromResource(nil)
	s.logo.FillMode = canvas.ImageFillContain
	s.logo.SetMinSize(fyne.NewSize(160, 80))
	s.logoBtn = widget.NewButtonWithIcon("Choose logo…", theme.FileImageIcon(), s.openLogoDialog)
	s.load()
	form := container.NewVBox(
		heading("Settings"),
		labelled("District name", s.district),
		labelled("District logo (JPEG, PNG or GIF; shown on reports)", container.NewBorder(nil, nil, tallBox(s.logoBtn), nil, s.logo)),
		labelled("Auditor", s.auditor),
		s.anonymise,
		smallLabel("On by default: reports say \"a teacher\" instead of the teacher's name."),
		labelled("Paper size for reports", s.paper),
		labelled("Checks answered for a room or visit to count as walked (%)", s.coverage),
		smallLabel("Below it a room is partly walked (never ready to teach) and a visit a partial walk, with no verdict."),
		labelled("Owner teams findings are assigned to, one a line", s.teams),
		labelled("PIN to leave the teacher feedback form (after a long press)", s.kioskPIN),
		labelled("Wi-Fi test URL", s.wifiURL),
		labelled("District hub", s.hubURL),
		smallLabel("Sync on Home sends your visits to the district's PostgreSQL hub and brings the others'. The password goes in ~/.pgpass, never here."),
		smallLabel("TechWalk contacts nothing else: only the Wi-Fi test when you press Measure Wi-Fi, and the hub when you press Sync."),
		labelled("Data file", selectableLabel(s.store.Path())),
		smallLabel("Every answer is saved in this file the moment it is given."),
		labelled("Theme", wrapLabel("Follows your system's light or dark setting.")),
		labelled("About", s.about()),
	)
	return container.NewBorder(nil, s.saved.box, nil, nil, container.NewVScroll(container.NewPadded(form)))
}

// about says which TechWalk this is, for a help desk to ask.
func (s *settingsScreen) about() *widget.Label {
	s.version = selectableLabel(build.String())
	return s.version
}

// selectableLabel is a wrapping label whose text can be copied.
func selectableLabel(text string) *widget.Label {
	l := wrapLabel(text)
	l.Selectable = true
	return l
}

func (s *settingsScreen) textSetting(key, placeholder string) *widget.Entry {
	e := widget.NewEntry()
	e.SetPlaceHolder(placeholder)
	e.OnChanged = func(v string) { s.save(key, v) }
	return e
}

func (s *settingsScreen) load() {
	s.loading = true
	defer func() { s.loading = false }()
	get := func(key, def string) string {
		v, err := s.store.Setting(s.u.ctx, key, def)
		if err != nil {
			s.saved.failed(err)
		}
		return v
	}
	s.district.SetText(get(sqlite.SettingDistrict, ""))
	s.auditor.SetText(get(sqlite.SettingAuditor, ""))
	s.wifiURL.SetText(get(sqlite.SettingWifiURL, ""))
	s.hubURL.SetText(get(sqlite.SettingHubURL, ""))
	s.coverage.SetText(get(sqlite.SettingMinCoverage, "80"))
	s.teams.SetText(get(audit.SettingOwnerTeams, ""))
	s.kioskPIN.SetText(get(audit.SettingKioskPIN, ""))
	s.anonymise.SetChecked(s.store.Anonymise(s.u.ctx))
	paper := get(sqlite.SettingPaper, "a4")
	for _, p := range paperSizes {
		if p.value == paper {
			s.paper.SetSelected(p.label)
		}
	}
	s.showLogo(get(sqlite.SettingLogo, ""))
}

func (s *settingsScreen) save(key, value string) {
	if s.loading {
		return
	}
	s.saved.saved(s.store.SetSetting(s.u.ctx, key, value))
}

// onHubURL saves the hub URL once it reads as one, always without a
// password (it belongs in ~/.pgpass).
func (s *settingsScreen) onHubURL(v string) {
	if s.loading {
		return
	}
	if strings.TrimSpace(v) == "" {
		s.save(sqlite.SettingHubURL, "")
		return
	}
	clean, err := postgres.SaveableURL(strings.TrimSpace(v))
	if err != nil {
		s.saved.failed(err)
		return
	}
	s.save(sqlite.SettingHubURL, clean)
	if strings.Contains(postgres.Redact(v), "xxxxx") {
		s.saved.info("Saved without the password: Sync signs in with the one in ~/.pgpass (a line host:port:database:user:password).")
	}
}

func (s *settingsScreen) onAnonymise(on bool) {
	v := "false"
	if on {
		v = "true"
	}
	s.save(sqlite.SettingAnonymise, v)
}

// onCoverage saves the coverage threshold once it is a whole percentage.
func (s *settingsScreen) onCoverage(v string) {
	if s.loading {
		return
	}
	if _, err := sqlite.ParseMinCoverage(v); err != nil {
		s.saved.failed(err)
		return
	}
	s.save(sqlite.SettingMinCoverage, v)
}

func (s *settingsScreen) onPaper(label string) {
	for _, p := range paperSizes {
		if p.label == label {
			s.save(sqlite.SettingPaper, p.value)
		}
	}
}

func (s *settingsScreen) openLogoDialog() {
	d := dialog.NewFileOpen(s.onLogoFile, s.u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".jpg", ".jpeg", ".png", ".gif", ".JPG", ".JPEG", ".PNG", ".GIF"}))
	d.Resize(s.u.win.Canvas().Size())
	d.Show()
}

// onLogoFile downsizes the chosen image and stores it as base64.
func (s *settingsScreen) onLogoFile(rc fyne.URIReadCloser, err error) {
	name, data, err := readAll(rc, err)
	if err == errCancelled {
		return
	}
	if err == nil {
		var p audit.ProcessedPhoto
		p, err = audit.ProcessPhoto(name, data)
		if err == nil {
			enc := base64.StdEncoding.EncodeToString(p.Data)
			if err = s.store.SetSetting(s.u.ctx, sqlite.SettingLogo, enc); err == nil {
				s.showLogo(enc)
			}
		}
	}
	s.saved.saved(err)
	if err != nil {
		dialog.ShowError(err, s.u.win)
	}
}

func (s *settingsScreen) showLogo(b64 string) {
	data, err := base64.StdEncoding.DecodeString(b64)
	if b64 == "" || err != nil {
		s.logo.Hide()
		return
	}
	if img, _, err := image.Decode(bytes.NewReader(data)); err == nil {
		s.logo.Image = img
		s.logo.Resource = nil
		s.logo.Show()
		s.logo.Refresh()
	}
}
