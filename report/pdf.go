// Package report turns TechWalk visits into outputs for people outside the
// walkthrough: the PDF experience report a principal reads, with its charts
// drawn in the PDF, and the backlog exports an IT team imports.
package report

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"

	"techwalk/audit/sqlite"
)

// Paper sizes the report can be printed on.
const (
	PaperA4     = "a4"
	PaperLetter = "letter"
)

// Options shape one PDF report.
type Options struct {
	// Paper is PaperA4 (the default when empty) or PaperLetter.
	Paper string
	// Anonymise prints teachers as "Teacher, room 101" and removes their
	// names from quotes and notes. OptionsFromStore turns it on unless the
	// district's setting says otherwise.
	Anonymise bool
	// TeacherNames are every teacher name in the database: with Anonymise,
	// each is scrubbed from the report's free text, whichever school it is
	// from (the visit's own teachers are always added).
	TeacherNames []string
	// District is printed at the top of the cover.
	District string
	// Logo is a PNG, JPEG or GIF printed beside the district name; a logo
	// that cannot be read is skipped with a warning.
	Logo []byte
	// Now stamps the report ("generated on") and the PDF creation date;
	// the zero value means the current time. Fix it for reproducible files.
	Now time.Time
	// Progress, when set, is called as the report is built (done of total steps).
	Progress func(done, total int)
	// Warn, when set, receives what the report could not do as asked (a
	// character no font has, a photo that cannot be read, an unusable logo).
	Warn func(msg string)
	// FallbackFonts are TrueType files tried, in order, for characters Noto
	// Sans lacks; nil means DefaultFallbackFonts, an empty slice means none.
	FallbackFonts []string
}

// OptionsFromStore fills Options from the store's settings: district name,
// logo, paper size and whether teachers are anonymised (yes unless set to "false").
func OptionsFromStore(ctx context.Context, store *sqlite.Store) (Options, error) {
	var opt Options
	var err error
	if opt.District, err = store.Setting(ctx, sqlite.SettingDistrict, ""); err != nil {
		return opt, fmt.Errorf("read the district name setting: %w", err)
	}
	if opt.Paper, err = store.Setting(ctx, sqlite.SettingPaper, PaperA4); err != nil {
		return opt, fmt.Errorf("read the paper setting: %w", err)
	}
	logo, err := store.Setting(ctx, sqlite.SettingLogo, "")
	if err != nil {
		return opt, fmt.Errorf("read the logo setting: %w", err)
	}
	if logo != "" {
		if opt.Logo, err = base64.StdEncoding.DecodeString(strings.TrimSpace(logo)); err != nil {
			return opt, fmt.Errorf("the district logo setting is not base64 image data: %w", err)
		}
	}
	opt.Anonymise = store.Anonymise(ctx)
	if opt.TeacherNames, err = store.TeacherNames(ctx); err != nil {
		return opt, fmt.Errorf("read the teacher names: %w", err)
	}
	return opt, nil
}

// WritePDF writes the experience report of a visit to w. It stops with
// ctx's error when ctx is cancelled; nothing useful is written then, so
// callers should write to a temporary file and rename it on success.
func WritePDF(ctx context.Context, w io.Writer, store *sqlite.Store, visitID string, opt Options) error {
	opt = opt.withDefaults()
	paper, err := paperSize(opt.Paper)
	if err != nil {
		return err
	}
	data, err := loadReportData(ctx, store, visitID, opt)
	if err != nil {
		return err
	}
	d, err := newDoc(ctx, store, data, paper)
	if err != nil {
		return err
	}
	if err := d.build(); err != nil {
		return err
	}
	if w := d.fonts.missingWarning(); w != "" {
		opt.Warn(w)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("write the PDF: %w", err)
	}
	d.step()
	return nil
}

func (o Options) withDefaults() Options {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Progress == nil {
		o.Progress = func(int, int) {}
	}
	if o.Warn == nil {
		o.Warn = func(string) {}
	}
	if o.FallbackFonts == nil {
		o.FallbackFonts = DefaultFallbackFonts()
	}
	return o
}

func paperSize(p string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(p)) {
	case "", PaperA4:
		return "A4", nil
	case PaperLetter:
		return "Letter", nil
	}
	return "", fmt.Errorf("paper %q is unknown; use %s or %s", p, PaperA4, PaperLetter)
}

// sections are the parts of the report in print order.
func (d *doc) sections() []func() error {
	return []func() error{d.cover, d.teachers, d.scorecard, d.issues, d.roomTable, d.photos, d.actions, d.method}
}

// build draws every section, checking for cancellation between them.
func (d *doc) build() error {
	for _, section := range d.sections() {
		if err := d.ctx.Err(); err != nil {
			return err
		}
		if err := section(); err != nil {
			return err
		}
		if d.pdf.Err() {
			return fmt.Errorf("draw the report: %w", d.pdf.Error())
		}
		d.step()
	}
	return nil
}

// newDoc sets up the PDF writer, its fonts, metadata and footer.
func newDoc(ctx context.Context, store *sqlite.Store, data *reportData, paper string) (*doc, error) {
	pdf := gofpdf.New("P", "mm", paper, "")
	fonts, err := newFontSet(pdf, data.opt.FallbackFonts, data.opt.Warn)
	if err != nil {
		return nil, err
	}
	pdf.AliasNbPages(pageCountAlias)
	pdf.SetCatalogSort(true)
	pdf.SetCompression(true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(margin, margin, margin)
	setMetadata(pdf, data)
	w, h := pdf.GetPageSize()
	d := &doc{pdf: pdf, fonts: fonts, r: data, ctx: ctx, store: store, pageW: w, pageH: h}
	d.total = len(d.sections()) + len(data.Photos) + 1
	pdf.SetFooterFunc(d.footer)
	return d, nil
}

// setMetadata fills the document information without personal data.
func setMetadata(pdf *gofpdf.Fpdf, data *reportData) {
	pdf.SetTitle("Technology experience report: "+data.School.Name, true)
	pdf.SetSubject("School technology walkthrough of "+data.Visit.StartedAt.Format("2 January 2006"), true)
	pdf.SetCreator("TechWalk", true)
	pdf.SetProducer("TechWalk", true)
	pdf.SetAuthor(nonEmpty(data.opt.District, "TechWalk"), true)
	pdf.SetCreationDate(data.opt.Now)
	pdf.SetModificationDate(data.opt.Now)
}

// step reports one more finished step to the progress callback.
func (d *doc) step() {
	d.done++
	d.r.opt.Progress(min(d.done, d.total), d.total)
}

func nonEmpty(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}
