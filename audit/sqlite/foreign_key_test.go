package sqlite

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"strings"
	"testing"

	"techwalk/audit"
)

// TestMissingParentRowsAreNamed: each save whose parent row does not
// exist is refused by SQLite's foreign key code and says what is missing.
func TestMissingParentRowsAreNamed(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	v, rooms := fixtureVisit(t, s)
	var pic bytes.Buffer
	if err := png.Encode(&pic, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		what string
		save func() error
		want string
	}{
		{"answer", func() error {
			return s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: "no-such-room", ItemID: "hdmi", Value: "ok"})
		}, "answer: its visit or room does not exist"},
		{"feedback", func() error {
			return s.SaveFeedback(ctx, &audit.Feedback{VisitID: "no-such-visit", RoomID: rooms[0].ID, SupportsTeaching: 4})
		}, "feedback: its visit or room does not exist"},
		{"action", func() error { return s.SaveAction(ctx, &audit.Action{FindingID: audit.NewID()}) }, "does not exist"},
		{"visit", func() error {
			return s.StartVisit(ctx, &audit.Visit{SchoolID: audit.NewID(), TemplateID: v.TemplateID, TemplateVersion: v.TemplateVersion})
		}, "visit: its school does not exist"},
		{"room", func() error {
			return s.SaveRoom(ctx, &audit.Room{SchoolID: audit.NewID(), Number: "9", Kind: audit.KindClassroom})
		}, `room "9": its school does not exist`},
		{"photo", func() error {
			_, err := s.AddPhoto(ctx, audit.PhotoInput{VisitID: v.ID, RoomID: "no-such-room", Name: "a.png", Data: pic.Bytes()})
			return err
		}, "photo: its visit or room does not exist"},
	} {
		if err := tc.save(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.what, err, tc.want)
		}
	}
}
