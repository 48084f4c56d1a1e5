// Package pdf draws the experience report a principal reads: a visit's
// score, what teachers said, the top issues, photos, the action plan and
// the change since the last visit, with its charts drawn in the PDF.
// It reads the visit through Source, never a store of its own choosing.
package pdf

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"

	"techwalk/audit"
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
	// Scope, when set, says on the district report's cover that its
	// figures cover only part of the district (ReadOnlyScope).
	Scope string
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

// Source is what a report reads: a visit with the school's earlier ones,
// and photo bytes. The device store's methods of the same names implement it.
type Source interface {
	// LoadVisit returns a visit with everything it holds.
	LoadVisit(ctx context.Context, visitID string) (*audit.VisitData, error)
	// PreviousVisit returns the school's finished visit before v, if any.
	PreviousVisit(ctx context.Context, v audit.Visit) (audit.Visit, bool, error)
	// ScoreOf computes a visit's experience score, without loading the rest.
	ScoreOf(ctx context.Context, visitID string) (audit.VisitScore, error)
	// PhotoData returns a photo's bytes.
	PhotoData(ctx context.Context, id string) ([]byte, error)
}

// Settings is what OptionsFromStore reads: the device store's methods of
// the same names implement it.
type Settings interface {
	// Setting returns the value of a setting, or def when it is unset.
	Setting(ctx context.Context, key, def string) (string, error)
	// Anonymise reports whether teachers are anonymised.
	Anonymise(ctx context.Context) bool
	// TeacherNames lists every teacher name in the database.
	TeacherNames(ctx context.Context) ([]string, error)
}

// OptionsFromStore fills Options from the store's settings: district name,
// logo, paper size and whether teachers are anonymised (yes unless set to "false").
func OptionsFromStore(ctx context.Context, store Settings) (Options, error) {
	var opt Options
	var err error
	if opt.District, err = store.Setting(ctx, audit.SettingDistrict, ""); err != nil {
		return opt, fmt.Errorf("read the district name setting: %w", err)
	}
	if opt.Paper, err = store.Setting(ctx, audit.SettingPaper, PaperA4); err != nil {
		return opt, fmt.Errorf("read the paper setting: %w", err)
	}
	logo, err := store.Setting(ctx, audit.SettingLogo, "")
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

// Write writes the experience report of a visit, read from src, to w. It
// stops with ctx's error when ctx is cancelled; nothing useful is written
// then, so callers should write to a temporary file and rename it on success.
func Write(ctx context.Context, w io.Writer, src Source, visitID string, opt Options) error {
	opt = opt.withDefaults()
	paper, err := paperSize(opt.Paper)
	if err != nil {
		return err
	}
	data, err := loadReportData(ctx, src, visitID, opt)
	if err != nil {
		return err
	}
	d, err := newDoc(ctx, src, data, paper)
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
	return []func() error{d.cover, d.teachers, d.scorecard, d.issues, d.roomTable, d.photos, d.actions, d.method, d.signOff}
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

// newDoc sets up the PDF writer of a school report, its fonts, metadata and footer.
func newDoc(ctx context.Context, photos photoSource, data *reportData, paper string) (*doc, error) {
	d, err := newPDFDoc(ctx, data.opt, paper, data.School.Name+" · Technology experience report")
	if err != nil {
		return nil, err
	}
	d.r, d.photoSrc = data, photos
	d.total = len(d.sections()) + len(data.Photos) + 1
	setMetadata(d.pdf, data)
	return d, nil
}

// newPDFDoc sets up a PDF writer with the report fonts, margins and a
// footer of footerTitle and the page number: what every report shares.
func newPDFDoc(ctx context.Context, opt Options, paper, footerTitle string) (*doc, error) {
	pdf := gofpdf.New("P", "mm", paper, "")
	fonts, err := newFontSet(pdf, opt.FallbackFonts, opt.Warn)
	if err != nil {
		return nil, err
	}
	pdf.AliasNbPages(pageCountAlias)
	pdf.SetCatalogSort(true)
	pdf.SetCompression(true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(margin, margin, margin)
	w, h := pdf.GetPageSize()
	d := &doc{pdf: pdf, fonts: fonts, opt: opt, footerTitle: footerTitle, ctx: ctx, pageW: w, pageH: h}
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
	d.opt.Progress(min(d.done, d.total), d.total)
}

func nonEmpty(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}
