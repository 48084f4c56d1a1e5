package app

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
	"techwalk/audit/bundle"
	"techwalk/audit/sqlite"
)

// bundleFlow moves visits between devices: Share visit… writes a visit
// as a bundle file, Import bundle… merges one into this database. Both
// run in the background behind a progress dialog and end with a report.
type bundleFlow struct {
	u     *ui
	store *sqlite.Store
	work  job

	busy    dialog.Dialog
	report  *widget.Label // the last result, as shown in the result dialog
	result  dialog.Dialog
	lastErr error
	lastRep audit.ApplyReport
}

func newBundleFlow(u *ui) *bundleFlow {
	return &bundleFlow{u: u, store: u.store, report: wrapLabel("")}
}

// onImport asks for a bundle file to import.
func (b *bundleFlow) onImport() {
	d := dialog.NewFileOpen(b.onImportFile, b.u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{bundle.Extension}))
	d.Resize(b.u.win.Canvas().Size())
	d.Show()
}

func (b *bundleFlow) onImportFile(rc fyne.URIReadCloser, err error) {
	name, data, err := readUpTo(rc, err, bundle.DefaultLimits.File)
	if errors.Is(err, errCancelled) {
		return
	}
	if err == nil && int64(len(data)) > bundle.DefaultLimits.File {
		err = fmt.Errorf("%s: %w", name, bundle.ErrTooLarge)
	}
	if err != nil {
		b.showResult("Import bundle", "", err)
		return
	}
	b.importData(name, data)
}

// importData checks and merges a bundle in the background.
func (b *bundleFlow) importData(name string, data []byte) {
	b.showBusy("Importing " + name + "…")
	b.work.start(func() func() {
		schema, err := sqlite.SchemaVersion()
		var rep audit.ApplyReport
		if err == nil {
			rep, _, err = bundle.ImportBytes(b.u.ctx, b.store, name, data, schema, false)
		}
		return func() {
			b.lastRep = rep
			b.showResult("Import bundle", importSummary(name, rep), err)
			if err == nil && !rep.AlreadyImported {
				b.u.dataChanged()
			}
		}
	})
}

// importSummary words an import's report: the counts, then each part,
// then what to do about conflicts.
func importSummary(name string, rep audit.ApplyReport) string {
	if rep.AlreadyImported {
		return name + " was imported before; nothing changed."
	}
	t := rep.Total()
	lines := []string{fmt.Sprintf("Imported %s: %d added, %d updated, %d unchanged, %s.", name, t.Added, t.Updated, t.Unchanged,
		plural(len(rep.Conflicts), "conflict"))}
	parts := make([]string, 0, len(rep.Parts))
	for part, p := range rep.Parts {
		if p.Added+p.Updated > 0 {
			parts = append(parts, fmt.Sprintf("%s: %d added, %d updated", strings.ReplaceAll(part, "_", " "), p.Added, p.Updated))
		}
	}
	sort.Strings(parts)
	lines = append(lines, parts...)
	if n := len(rep.Conflicts); n > 0 {
		lines = append(lines, fmt.Sprintf("%s differ between the devices: open the visit to keep mine, keep theirs or keep both notes.", plural(n, "answer")))
	}
	return strings.Join(lines, "\n")
}

// onShare asks where to save the visit's bundle.
func (b *bundleFlow) onShare(v audit.Visit, school audit.School) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) { b.onShareFile(v, w, err) }, b.u.win)
	d.SetFileName(shareName(school, v))
	d.Resize(b.u.win.Canvas().Size())
	d.Show()
}

func shareName(school audit.School, v audit.Visit) string {
	slug := strings.Trim(unsafeFileChars.Replace(strings.ToLower(nonEmpty(school.Code, school.Name))), "-")
	return fmt.Sprintf("techwalk-%s-%s%s", nonEmpty(slug, "visit"), v.StartedAt.Format("2006-01-02"), bundle.Extension)
}

var unsafeFileChars = strings.NewReplacer(" ", "-", "/", "-", "\\", "-", ":", "-", "*", "-", "?", "-", "\"", "-", "<", "-", ">", "-", "|", "-")

func nonEmpty(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// onShareFile writes the visit's bundle into the file the dialog made, in the background.
func (b *bundleFlow) onShareFile(v audit.Visit, w fyne.URIWriteCloser, err error) {
	if err != nil || w == nil {
		if w != nil {
			w.Close()
		}
		if err != nil {
			b.showResult("Share visit", "", err)
		}
		return
	}
	b.showBusy("Writing " + w.URI().Name() + "…")
	b.work.start(func() func() {
		msg, err := b.share(v, w)
		return func() { b.showResult("Share visit", msg, err) }
	})
}

// share writes the visit's bundle to w and closes it.
func (b *bundleFlow) share(v audit.Visit, w fyne.URIWriteCloser) (string, error) {
	district, err := b.store.Setting(b.u.ctx, sqlite.SettingDistrict, "")
	schema, serr := sqlite.SchemaVersion()
	var data []byte
	var m bundle.Manifest
	if err = errors.Join(err, serr); err == nil {
		data, m, err = bundle.ExportBytes(b.u.ctx, b.store, audit.ExportScope{VisitIDs: []string{v.ID}}, district, "visit "+v.ID, schema)
	}
	if err == nil {
		_, err = w.Write(data)
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	settleFile(w.URI(), err)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("Saved %s: %s, %s and %s. On the other device: Home › Import bundle…",
		w.URI().Path(), plural(m.Rows["rooms"], "room"), plural(m.Rows["answers"], "answer"), plural(m.Rows["photos"], "photo")), nil
}

func (b *bundleFlow) showBusy(msg string) {
	bar := widget.NewProgressBarInfinite()
	b.busy = dialog.NewCustomWithoutButtons("Please wait", container.NewVBox(wrapLabel(msg), bar), b.u.win)
	b.busy.Resize(dialogSize(b.u.win, 480))
	b.busy.Show()
}

// showResult ends the progress dialog with the outcome.
func (b *bundleFlow) showResult(title, msg string, err error) {
	if b.busy != nil {
		b.busy.Hide()
		b.busy = nil
	}
	b.lastErr = err
	if err != nil {
		msg = "Nothing was changed: " + err.Error()
	}
	b.report.SetText(msg)
	b.result = dialog.NewCustom(title, "Close", container.NewVScroll(b.report), b.u.win)
	b.result.Resize(fyne.NewSize(dialogSize(b.u.win, 640).Width, 320))
	b.result.Show()
}

// conflictsDialog lists a visit's open conflicts, each with keep mine /
// keep theirs / keep both notes.
type conflictsDialog struct {
	vs      *visitScreen
	list    []sqlite.Disagreement
	buttons []*widget.Button // keep mine, keep theirs, keep both notes for each, in order
	dlg     dialog.Dialog
}

// conflictsButtonText is "2 answers differ…", or "" when none do.
func conflictsButtonText(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "1 answer differs…"
	}
	return fmt.Sprintf("%d answers differ…", n)
}

func (vs *visitScreen) onConflicts() {
	list, err := vs.store.Conflicts(vs.u.ctx, vs.visit.ID)
	if err != nil {
		dialog.ShowError(err, vs.u.win)
		return
	}
	cd := &conflictsDialog{vs: vs, list: list}
	cd.dlg = dialog.NewCustom(conflictsButtonText(len(list)), "Close", container.NewVScroll(cd.buildUI()), vs.u.win)
	cd.dlg.Resize(fyne.NewSize(dialogSize(vs.u.win, 720).Width, vs.u.win.Canvas().Size().Height*0.8))
	vs.conflicts = cd
	cd.dlg.Show()
}

func (cd *conflictsDialog) buildUI() fyne.CanvasObject {
	box := container.NewVBox()
	for _, d := range cd.list {
		for _, other := range d.Others {
			box.Add(heading(fmt.Sprintf("%s · %s: 2 answers differ", cd.vs.roomName(d.Kept.RoomID), cd.vs.itemLabel(d.Kept.ItemID))))
			box.Add(wrapLabel("Mine (kept): " + answerWords(d.Kept)))
			box.Add(wrapLabel("Theirs: " + answerWords(other)))
			mine := widget.NewButtonWithIcon("Keep mine", theme.ConfirmIcon(), cd.resolve(other, audit.KeepMine))
			theirs := widget.NewButtonWithIcon("Keep theirs", theme.ContentRedoIcon(), cd.resolve(other, audit.KeepTheirs))
			both := widget.NewButtonWithIcon("Keep both notes", theme.ContentCopyIcon(), cd.resolve(other, audit.KeepBothNotes))
			cd.buttons = append(cd.buttons, mine, theirs, both)
			box.Add(container.NewGridWithColumns(3, tallBox(mine), tallBox(theirs), tallBox(both)))
			box.Add(widget.NewSeparator())
		}
	}
	return box
}

func answerWords(c audit.Conflict) string {
	value := c.Value
	if c.Deleted {
		value = "(deleted)"
	}
	if c.Note == "" {
		return value
	}
	return fmt.Sprintf("%s — %q", value, c.Note)
}

func (cd *conflictsDialog) resolve(other audit.Conflict, r audit.Resolution) func() {
	return func() {
		if err := cd.vs.store.ResolveConflict(cd.vs.u.ctx, other, r); err != nil {
			dialog.ShowError(err, cd.vs.u.win)
			return
		}
		cd.dlg.Hide()
		cd.vs.reload()
	}
}
