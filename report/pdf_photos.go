package report

import (
	"bytes"
	"fmt"
	"image"
	"sort"
	"strings"

	"github.com/jung-kurt/gofpdf"

	"techwalk/audit"
)

// photosPerPage is the photo grid on a page: two columns, two rows.
const (
	photoCols = 2
	photoRows = 2
)

// photos prints the visit's photos with captions, four to a page, each
// scaled to fit its cell.
func (d *doc) photos() error {
	ps := d.sortedPhotos()
	if len(ps) == 0 {
		return nil
	}
	d.heading("Photo evidence", fmt.Sprintf("%d %s taken during the visit, in room order.", len(ps), plural(len(ps), "photo", "photos")))
	top := d.y
	for i, p := range ps {
		if err := d.ctx.Err(); err != nil {
			return err
		}
		slot := i % (photoCols * photoRows)
		if i > 0 && slot == 0 {
			d.newPage()
			top = d.y
		}
		d.photoCell(p, slot, top)
		d.step()
	}
	return nil
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

// photoCell draws one photo and its caption in slot of the grid below top.
func (d *doc) photoCell(p audit.Photo, slot int, top float64) {
	gap := 6.0
	cellW := (d.contentW() - gap*(photoCols-1)) / photoCols
	cellH := (d.bottom() - top - gap*(photoRows-1)) / photoRows
	x := d.left() + float64(slot%photoCols)*(cellW+gap)
	y := top + float64(slot/photoCols)*(cellH+gap)
	captionH := 3 * lineHeight(stSmall)
	imgH, ok := d.photoImage(p, x, y, cellW, cellH-captionH-2)
	if !ok {
		imgH = cellW * 0.75
		d.setDraw(greyMid)
		d.pdf.Rect(x, y, cellW, imgH, "D")
		d.textCentre(x+cellW/2, y+imgH/2, "photo could not be read", stSmall)
	}
	d.setInk(greyInk)
	lines := d.fonts.wrap(d.photoCaption(p), stSmall, cellW)
	for i, l := range lines[:min(len(lines), 3)] {
		d.text(x, y+imgH+1+float64(i)*lineHeight(stSmall), l, stSmall)
	}
}

// photoImage places the photo scaled to fit w x h, centred across and at
// the top, and returns its height; false when its bytes cannot be read as a JPEG.
func (d *doc) photoImage(p audit.Photo, x, y, w, h float64) (float64, bool) {
	data, err := d.store.PhotoData(d.ctx, p.ID)
	if err != nil {
		d.r.opt.Warn(fmt.Sprintf("photo %s left out: %v", p.ID, err))
		return 0, false
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || format != "jpeg" || cfg.Width == 0 || cfg.Height == 0 {
		d.r.opt.Warn(fmt.Sprintf("photo %s left out: not a readable JPEG", p.ID))
		return 0, false
	}
	opt := gofpdf.ImageOptions{ImageType: "JPG"}
	name := "photo-" + p.ID
	d.pdf.RegisterImageOptionsReader(name, opt, bytes.NewReader(data))
	iw, ih := fitBox(float64(cfg.Width), float64(cfg.Height), w, h)
	d.pdf.ImageOptions(name, x+(w-iw)/2, y, iw, ih, false, opt, 0, "")
	d.setDraw(greyLight)
	d.pdf.SetLineWidth(0.2)
	d.pdf.Rect(x+(w-iw)/2, y, iw, ih, "D")
	return ih, true
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
	extra := strings.TrimSpace(d.r.scrubber.scrub(p.Caption))
	if extra != "" && extra != it.Label && extra != what {
		caption += ": " + extra
	}
	if failed {
		if n := strings.TrimSpace(d.r.scrubber.scrub(f.Note)); n != "" {
			caption += " — " + quoted(n)
		}
	}
	return caption
}
