package pdf

import (
	"bytes"
	"image"
	"image/draw"
	"image/png"
	"time"

	"github.com/jung-kurt/gofpdf"
)

// Sign-off block geometry, in millimetres.
const (
	signBoxW = 90.0
	signBoxH = 32.0
)

// signOff closes the report with who signed the visit off, on its last
// page: the signature over a line, then the name, role and time. A visit
// nobody signed says so and leaves a line to sign a printed copy on.
func (d *doc) signOff() error {
	so := d.r.SignOff
	lines := 3 * lineHeight(stBody)
	if !so.Signed() {
		d.heading("Sign-off", d.notSignedLead(), signBoxH+lines)
		d.signatureLine()
		d.signField("Name", "")
		d.signField("Role", "")
		d.signField("Date", "")
		return nil
	}
	d.heading("Sign-off", "Signed on the device at the end of the visit, as reviewed with the auditor.", signBoxH+lines)
	if missing := d.signatureImage(so.PNG); missing != "" {
		d.setInk(greyMid)
		d.textCentre(d.left()+signBoxW/2, d.y+signBoxH/2, missing, stSmall)
	}
	d.signatureLine()
	d.signField("Name", so.Name)
	d.signField("Role", so.Role)
	d.signField("Signed", signedAt(so.SignedAt))
	return nil
}

// notSignedLead explains a report without a signature.
func (d *doc) notSignedLead() string {
	if d.r.Visit.Finished() {
		return "Not signed: the visit was finished without a signature on the device. Sign below on a printed copy to acknowledge the walkthrough."
	}
	return "Not signed yet: the visit is still under way. It is signed on the device when it ends, or below on a printed copy."
}

// signatureLine draws the line a signature sits on and moves below it.
func (d *doc) signatureLine() {
	d.y += signBoxH
	d.setDraw(greyInk)
	d.pdf.SetLineWidth(0.3)
	d.pdf.Line(d.left(), d.y, d.left()+signBoxW, d.y)
	d.y += 2
}

// signField prints one labelled line under the signature; an empty value
// leaves a line to write on.
func (d *doc) signField(label, value string) {
	d.setInk(greyMid)
	d.text(d.left(), d.y, label, stBodyBold)
	d.setInk(greyInk)
	if value != "" {
		d.paragraphMax(d.left()+22, d.contentW()-22, value, stBody, 2)
		return
	}
	d.y += lineHeight(stBody)
	d.setDraw(greyLight)
	d.pdf.SetLineWidth(0.2)
	d.pdf.Line(d.left()+22, d.y-1, d.left()+signBoxW, d.y-1)
}

// signedAt prints the sign-off time with its zone: "2 November 2026, 14:30 UTC".
func signedAt(t time.Time) string {
	return t.Local().Format("2 January 2006, 15:04 MST")
}

// signatureImage places the signature in the box above the line, scaled
// to fit and resting on the line; it says why instead when the image
// cannot be read. The image is flattened on white and re-encoded as an
// 8-bit grey PNG, the kind the PDF writer embeds without fail.
func (d *doc) signatureImage(data []byte) string {
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		d.opt.Warn("signature left out: " + err.Error())
		return "signature could not be read"
	}
	b := img.Bounds()
	grey := image.NewGray(b)
	draw.Draw(grey, b, image.White, image.Point{}, draw.Src)
	draw.Draw(grey, b, img, b.Min, draw.Over)
	var buf bytes.Buffer
	if err := png.Encode(&buf, grey); err != nil {
		d.opt.Warn("signature left out: " + err.Error())
		return "signature could not be read"
	}
	opt := gofpdf.ImageOptions{ImageType: "PNG"}
	d.pdf.RegisterImageOptionsReader("signature", opt, &buf)
	w, h := fitBox(float64(b.Dx()), float64(b.Dy()), signBoxW, signBoxH-2)
	d.pdf.ImageOptions("signature", d.left()+(signBoxW-w)/2, d.y+signBoxH-1-h, w, h, false, opt, 0, "")
	return ""
}
