package sqlite

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"image/png"
	"techwalk/audit"
	"testing"
)

func TestAddPhotoStoresDownscaledCopy(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	v, rooms := fixtureVisit(t, s)
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 2400, 600))); err != nil {
		t.Fatal(err)
	}
	p, err := s.AddPhoto(ctx, audit.PhotoInput{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "hdmi", Caption: "Adapter gone", Name: "a.png", Data: buf.Bytes()})
	if err != nil {
		t.Fatal(err)
	}
	if p.Width != 1600 || p.Height != 400 || p.Mime != "image/jpeg" {
		t.Fatalf("stored photo %dx%d %s", p.Width, p.Height, p.Mime)
	}
	data, err := s.PhotoData(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != 1600 {
		t.Fatalf("stored bytes decode to %v (%v)", cfg, err)
	}
	if _, err := s.AddPhoto(ctx, audit.PhotoInput{VisitID: v.ID, RoomID: rooms[0].ID, Name: "x.txt", Data: []byte("hello")}); err == nil {
		t.Error("a text file was stored as a photo")
	}
	photos, _ := s.Photos(ctx, v.ID)
	if len(photos) != 1 {
		t.Errorf("%d photos stored, want 1", len(photos))
	}
}
