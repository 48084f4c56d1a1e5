package app

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// imageExtensions are the files the photo picker shows and a drop accepts.
var imageExtensions = []string{".jpg", ".jpeg", ".png", ".gif", ".JPG", ".JPEG", ".PNG", ".GIF"}

// thumbSide is the long side of a thumbnail on screen, a comfortable tap target.
const thumbSide = 64

// photosOf lists the photos of an item in a room (itemID "" for the room's own).
func (vs *visitScreen) photosOf(roomID, itemID string) []audit.Photo {
	var out []audit.Photo
	for _, p := range vs.photos {
		if p.RoomID == roomID && p.ItemID == itemID {
			out = append(out, p)
		}
	}
	return out
}

// roomPhotoCount counts every photo taken in a room, its items' included.
func (vs *visitScreen) roomPhotoCount(roomID string) int {
	n := 0
	for _, p := range vs.photos {
		if p.RoomID == roomID {
			n++
		}
	}
	return n
}

// thumbCache makes each photo's thumbnail once per visit screen. A stored
// photo is at most 1600 pixels a side, so one thumbnail takes a few
// milliseconds; a room holds a handful, so they are made as the room opens.
type thumbCache struct {
	store *sqlite.Store
	imgs  map[string]image.Image
}

func newThumbCache(store *sqlite.Store) thumbCache {
	return thumbCache{store: store, imgs: map[string]image.Image{}}
}

// get returns the photo's thumbnail, or nil when the photo cannot be read;
// the bytes come from the database through the store, never from a file.
func (c thumbCache) get(id string) image.Image {
	if img, ok := c.imgs[id]; ok {
		return img
	}
	data, err := c.store.PhotoData(context.Background(), id)
	if err != nil {
		return nil
	}
	img, err := audit.Thumbnail(data, 2*thumbSide)
	if err != nil {
		return nil
	}
	c.imgs[id] = img
	return img
}

// thumb is a tappable photo thumbnail.
type thumb struct {
	widget.BaseWidget
	photo audit.Photo
	img   *canvas.Image
	onTap func(audit.Photo)
}

func newThumb(p audit.Photo, cache thumbCache, onTap func(audit.Photo)) *thumb {
	t := &thumb{photo: p, onTap: onTap, img: canvas.NewImageFromResource(theme.FileImageIcon())}
	t.img.FillMode = canvas.ImageFillContain
	t.img.SetMinSize(fyne.NewSize(thumbSide, thumbSide))
	t.ExtendBaseWidget(t)
	if img := cache.get(p.ID); img != nil {
		t.img.Resource, t.img.Image = nil, img
	}
	return t
}

// Tapped opens the photo full size.
func (t *thumb) Tapped(*fyne.PointEvent) {
	if t.onTap != nil {
		t.onTap(t.photo)
	}
}

// CreateRenderer draws the image on the input background.
func (t *thumb) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.InputRadiusSize()
	return widget.NewSimpleRenderer(container.NewStack(bg, t.img))
}

// fillStrip puts a row of thumbnails in box; it takes no room while empty.
func fillStrip(box *fyne.Container, photos []audit.Photo, cache thumbCache, onTap func(audit.Photo)) {
	box.Objects = nil
	for _, p := range photos {
		box.Add(newThumb(p, cache, onTap))
	}
	box.Hidden = len(photos) == 0
	box.Refresh()
}

// --- the checklist's photos ---

// refreshPhotos updates the thumbnails and counts of the rows and the room.
func (c *checklist) refreshPhotos() {
	for _, r := range c.rows {
		r.photos = c.vs.photoCount(c.room.ID, r.item.ID)
		r.updatePhotoButton()
		if r.strip != nil {
			fillStrip(r.strip, c.vs.photosOf(c.room.ID, r.item.ID), c.vs.thumbs, c.onViewPhoto)
		}
	}
	if c.roomStrip != nil {
		fillStrip(c.roomStrip, c.vs.photosOf(c.room.ID, ""), c.vs.thumbs, c.onViewPhoto)
	}
	c.updateDone()
}

// onViewPhoto shows a photo full size, with Delete.
func (c *checklist) onViewPhoto(p audit.Photo) {
	img := canvas.NewImageFromResource(theme.FileImageIcon())
	img.FillMode = canvas.ImageFillContain
	size := c.u.win.Canvas().Size()
	img.SetMinSize(fyne.NewSize(size.Width*0.7, size.Height*0.6))
	if data, err := c.store.PhotoData(c.u.ctx, p.ID); err == nil {
		if full, err := audit.Thumbnail(data, audit.PhotoLongSide); err == nil {
			img.Resource, img.Image = nil, full
		}
	}
	var d dialog.Dialog
	del := widget.NewButtonWithIcon("Delete photo", theme.DeleteIcon(), func() { d.Hide(); c.onDeletePhoto(p) })
	del.Importance = widget.DangerImportance
	setEnabled(!c.readOnly(), del)
	mark := widget.NewButtonWithIcon("Mark up…", theme.DocumentCreateIcon(), func() { d.Hide(); c.onMarkUp(p) })
	setEnabled(!c.readOnly(), mark)
	closeBtn := widget.NewButtonWithIcon("Close", theme.CancelIcon(), func() { d.Hide() })
	buttons := container.NewGridWithColumns(3, tallBox(del), tallBox(mark), tallBox(closeBtn))
	d = dialog.NewCustomWithoutButtons(p.Caption, container.NewBorder(nil, buttons, nil, nil, img), c.u.win)
	c.viewer = d
	d.Show()
}

// onDeletePhoto deletes a photo and offers Undo in the status bar.
func (c *checklist) onDeletePhoto(p audit.Photo) {
	if c.readOnly() {
		c.saved.info(finishedHint)
		return
	}
	if err := c.store.DeletePhoto(c.u.ctx, p.ID); err != nil {
		c.saved.failed(err)
		return
	}
	at := slices.IndexFunc(c.vs.photos, func(q audit.Photo) bool { return q.ID == p.ID })
	if at >= 0 {
		c.vs.photos = slices.Delete(c.vs.photos, at, at+1)
	}
	c.refreshPhotos()
	c.saved.offer("Photo deleted.", "Undo", func() { c.onUndoDeletePhoto(at, p) })
}

func (c *checklist) onUndoDeletePhoto(at int, p audit.Photo) {
	if err := c.store.RestorePhoto(c.u.ctx, p.ID); err != nil {
		c.saved.failed(err)
		return
	}
	c.vs.photos = slices.Insert(c.vs.photos, min(max(at, 0), len(c.vs.photos)), p)
	c.refreshPhotos()
	c.saved.info("Photo is back.")
}

// onDropped attaches image files dropped on the window: to the item the
// drop landed on, else to the room. Only image files are opened.
func (c *checklist) onDropped(pos fyne.Position, uris []fyne.URI) {
	if c.readOnly() {
		c.saved.info(finishedHint)
		return
	}
	itemID := c.itemAt(pos)
	added := 0
	for _, u := range uris {
		if !c.u.isImageFile(u) {
			c.saved.failed(fmt.Errorf("%s is not a JPEG, PNG or GIF image; nothing was attached", u.Name()))
			continue
		}
		rc, err := storage.Reader(u)
		name, data, err := readAll(rc, err)
		if err != nil {
			c.photoFailed(err)
			continue
		}
		if c.addPhotoData(itemID, name, data) == nil {
			added++
		}
	}
	if added > 1 {
		c.saved.info(plural(added, "photo") + " added " + time.Now().Format("15:04:05"))
	}
}

// itemAt is the item whose row is under a window position, or "" (the room).
func (c *checklist) itemAt(pos fyne.Position) string {
	drv := fyne.CurrentApp().Driver()
	for k, r := range c.rows {
		if c.sectionOf[k] != c.section || !r.root.Visible() {
			continue
		}
		p, s := drv.AbsolutePositionForObject(r.root), r.root.Size()
		if pos.X >= p.X && pos.X < p.X+s.Width && pos.Y >= p.Y && pos.Y < p.Y+s.Height {
			return r.item.ID
		}
	}
	return ""
}

// isImageFile tells whether a dropped or picked file may be opened as a
// photo: an image by its name, and never the database or its journals.
func (u *ui) isImageFile(uri fyne.URI) bool {
	if uri == nil || !slices.Contains(imageExtensions, uri.Extension()) {
		return false
	}
	return uri.Scheme() != "file" || !sqlite.IsDatabaseFile(uri.Path())
}

// onDropped routes files dropped on the window to the checklist on show.
func (u *ui) onDropped(pos fyne.Position, uris []fyne.URI) {
	if cl := u.activeChecklist(); cl != nil {
		cl.onDropped(pos, uris)
		return
	}
	dialog.ShowInformation("Photos", "Open a room's checklist, then drop photos on the item they show.", u.win)
}

// picturesFolder is where the photo picker opens: the user's pictures
// folder ($XDG_PICTURES_DIR, else ~/Pictures), or nil to leave it to Fyne.
// On phones and tablets Fyne's own picker (with the camera) is used as is.
func picturesFolder() fyne.ListableURI {
	if fyne.CurrentDevice().IsMobile() {
		return nil
	}
	dir := os.Getenv("XDG_PICTURES_DIR")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil
		}
		dir = filepath.Join(home, "Pictures")
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() || strings.TrimSpace(dir) == "" {
		return nil
	}
	l, err := storage.ListerForURI(storage.NewFileURI(dir))
	if err != nil {
		return nil
	}
	return l
}
