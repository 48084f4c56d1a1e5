package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"sort"
	"strings"

	"github.com/jung-kurt/gofpdf"

	"techwalk/audit"
)

// Photo grid: two columns; each row is as tall as its photos need, so a
// page holds as many rows as fit.
const (
	photoCols       = 2
	photoGap        = 6.0
	photoMaxAspect  = 0.75 // tallest photo box, as a share of the cell width
	photoCaptionMax = 4    // caption lines
)

// photos prints the visit's photos with captions in rows of two, each
// photo scaled to its cell's width.
func (d *doc) photos() error {
	ps := d.sortedPhotos()
	if len(ps) == 0 {
		return nil
	}
	d.heading("Photo evidence", fmt.Sprintf("%d %s taken during the visit, in room order, with what was wrong and the auditor's note.",
		len(ps), plural(len(ps), "photo", "photos")), d.photoH()+photoCaptionMax*lineHeight(stSmall))
	for i := 0; i < len(ps); i += photoCols {
		if err := d.ctx.Err(); err != nil {
			return err
		}
		d.photoRow(ps[i:min(i+photoCols, len(ps))])
	}
	return nil
}

// photoRowsPerPage is how many rows of photos a page holds.
const photoRowsPerPage = 3

// photoH is the height of a photo box: a 4:3 photo at the cell's width,
// or less so that photoRowsPerPage rows and their captions fit a page.
func (d *doc) photoH() float64 {
	row := (d.bottom() - margin) / photoRowsPerPage
	return min(d.photoCellW()*photoMaxAspect, row-photoGap-1-3*lineHeight(stSmall))
}

// photoCellW is the width of a photo in the grid.
func (d *doc) photoCellW() float64 { return (d.contentW() - photoGap*(photoCols-1)) / photoCols }

// photoRow draws up to photoCols photos side by side with their captions,
// starting a page first when the row does not fit.
func (d *doc) photoRow(ps []audit.Photo) {
	cellW := d.photoCellW()
	imgH := d.photoH()
	captions := make([][]string, len(ps))
	lines := 1
	for i, p := range ps {
		captions[i] = d.fonts.wrapMax(d.photoCaption(p), stSmall, cellW, photoCaptionMax)
		lines = max(lines, len(captions[i]))
	}
	rowH := imgH + 1 + float64(lines)*lineHeight(stSmall)
	d.need(rowH)
	for i, p := range ps {
		x := d.left() + float64(i)*(cellW+photoGap)
		h, missing := d.photoImage(p, x, d.y, cellW, imgH)
		if missing != "" {
			h = cellW * 0.75
			d.setDraw(greyMid)
			d.pdf.Rect(x, d.y, cellW, h, "D")
			d.textCentre(x+cellW/2, d.y+h/2, missing, stSmall)
		}
		d.setInk(greyInk)
		for k, l := range captions[i] {
			d.text(x, d.y+h+1+float64(k)*lineHeight(stSmall), l, stSmall)
		}
		d.step()
	}
	d.y += rowH + photoGap
}

// sortedPhotos orders photos by room (as the room table does), then as taken.
func (d *doc) sortedPhotos() []audit.Photo {
	order := map[string]int{}
	for i, r := range d.r.Rooms {
		order[r.ID] = i
	}
	ps := append([]audit.Photo(nil), d.r.Photos...)
	sort.SliceStable(ps, func(i, j int) bool { return order[ps[i].RoomID] < order[ps[j].RoomID] })
	return ps
}

// photoSource gives the bytes of the photos the report prints.
type photoSource interface {
	PhotoData(ctx context.Context, id string) ([]byte, error)
}

// photoImage places the photo scaled to fit w x h, centred across and at
// the top, and returns its height; when it cannot, it says why instead:
// damaged (its bytes no longer match its checksum) or unreadable.
func (d *doc) photoImage(p audit.Photo, x, y, w, h float64) (float64, string) {
	data, err := d.photoSrc.PhotoData(d.ctx, p.ID)
	if errors.Is(err, audit.ErrPhotoDamaged) {
		d.opt.Warn(fmt.Sprintf("photo %s left out: %v", p.ID, err))
		return 0, "photo damaged in the database (run 'techwalk check')"
	}
	if err != nil {
		d.opt.Warn(fmt.Sprintf("photo %s left out: %v", p.ID, err))
		return 0, "photo could not be read"
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || format != "jpeg" || cfg.Width == 0 || cfg.Height == 0 {
		d.opt.Warn(fmt.Sprintf("photo %s left out: not a readable JPEG", p.ID))
		return 0, "photo could not be read"
	}
	opt := gofpdf.ImageOptions{ImageType: "JPG"}
	name := "photo-" + p.ID
	d.pdf.RegisterImageOptionsReader(name, opt, bytes.NewReader(data))
	iw, ih := fitBox(float64(cfg.Width), float64(cfg.Height), w, h)
	d.pdf.ImageOptions(name, x+(w-iw)/2, y, iw, ih, false, opt, 0, "")
	d.setDraw(greyLight)
	d.pdf.SetLineWidth(0.2)
	d.pdf.Rect(x+(w-iw)/2, y, iw, ih, "D")
	return ih, ""
}

// photoCaption says where the photo was taken and what was wrong there:
// "Room 104 · Remote and display pens broken — “remote missing since
// Sept”". A photo of an item that did not fail is named by its item.
func (d *doc) photoCaption(p audit.Photo) string {
	caption := roomTitle(d.r.rooms[p.RoomID])
	it, hasItem := d.r.Template.Item(p.ItemID)
	f, failed := d.r.findingAt(p.RoomID, p.ItemID)
	what := ""
	switch {
	case failed:
		what = sentence(problem(it, []string{f.Reason}))
	case hasItem:
		what = it.Label
	}
	if what != "" {
		caption += " · " + what
	}
	extra := strings.TrimSpace(d.r.scrubber.Scrub(p.Caption))
	if extra != "" && extra != it.Label && extra != what {
		caption += ": " + extra
	}
	if failed {
		if n := strings.TrimSpace(d.r.scrubber.Scrub(f.Note)); n != "" {
			caption += " — " + quoted(n)
		}
	}
	return caption
}
