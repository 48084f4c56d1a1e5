package sqlite

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"techwalk/audit"
)

// signaturePNG is a w x h PNG with one dark stroke across.
func signaturePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, x*h/w, color.Gray{})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSignOffIsKeptPerVisitAndRedoneUntilFinished(t *testing.T) {
	now := time.Date(2026, 11, 2, 14, 30, 0, 0, time.UTC)
	s, err := Open(t.TempDir()+"/techwalk.db", WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	v, _ := fixtureVisit(t, s)
	if _, err := s.SignOff(ctx, v.ID); !errors.Is(err, audit.ErrNotSigned) {
		t.Fatalf("an unsigned visit: %v, want audit.ErrNotSigned", err)
	}
	first := signaturePNG(t, 300, 100)
	got, err := s.SaveSignOff(ctx, audit.SignOff{VisitID: v.ID, Name: "  Dana Okafor ", Role: audit.RolePrincipal, PNG: first})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Dana Okafor" || got.Role != audit.RolePrincipal || !got.SignedAt.Equal(now) || !bytes.Equal(got.PNG, first) || got.Device != s.Device() {
		t.Fatalf("stored sign-off %+v (signed %v), want Dana Okafor, principal, at %v with the signature", got.Record, got.SignedAt, now)
	}

	now = now.Add(5 * time.Minute) // signed again: the new one replaces the first
	second := signaturePNG(t, 320, 90)
	if _, err := s.SaveSignOff(ctx, audit.SignOff{VisitID: v.ID, Name: "Nguyễn Thị Hoa", Role: audit.RoleTeacher, PNG: second}); err != nil {
		t.Fatal(err)
	}
	var rows int
	if err := s.r.QueryRow("SELECT count(*) FROM signoffs WHERE visit_id = ?", v.ID).Scan(&rows); err != nil || rows != 1 {
		t.Fatalf("%d sign-off rows after signing twice (%v), want 1", rows, err)
	}
	d, err := s.LoadVisit(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if so := d.SignOff; so.Name != "Nguyễn Thị Hoa" || so.Role != audit.RoleTeacher || !so.SignedAt.Equal(now) || !bytes.Equal(so.PNG, second) {
		t.Fatalf("LoadVisit's sign-off: %s, %s at %v; want the second signature", so.Name, so.Role, so.SignedAt)
	}

	if _, err := s.FinishVisit(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveSignOff(ctx, audit.SignOff{VisitID: v.ID, Name: "Someone Else", Role: audit.RolePrincipal, PNG: first}); !errors.Is(err, audit.ErrVisitFinished) {
		t.Fatalf("signing a finished visit: %v, want audit.ErrVisitFinished", err)
	}
	if so, _ := s.SignOff(ctx, v.ID); so.Name != "Nguyễn Thị Hoa" {
		t.Fatalf("the refused sign-off changed the stored one to %q", so.Name)
	}
	if _, err := s.ReopenVisit(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveSignOff(ctx, audit.SignOff{VisitID: v.ID, Name: "Dana Okafor", Role: audit.RolePrincipal, PNG: first}); err != nil {
		t.Fatalf("signing a reopened visit: %v", err)
	}
}

func TestSignOffRefusesBadInputAndChangesNothing(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	v, _ := fixtureVisit(t, s)
	good := signaturePNG(t, 200, 80)
	for _, c := range []struct {
		name string
		so   audit.SignOff
		want string
	}{
		{"no name", audit.SignOff{VisitID: v.ID, Name: " ", Role: audit.RolePrincipal, PNG: good}, "name is empty"},
		{"no role", audit.SignOff{VisitID: v.ID, Name: "Dana", PNG: good}, "role is empty"},
		{"no signature", audit.SignOff{VisitID: v.ID, Name: "Dana", Role: audit.RolePrincipal}, "signature is empty"},
		{"not a PNG", audit.SignOff{VisitID: v.ID, Name: "Dana", Role: audit.RolePrincipal, PNG: []byte("GIF89a not really")}, "not a PNG"},
		{"truncated PNG", audit.SignOff{VisitID: v.ID, Name: "Dana", Role: audit.RolePrincipal, PNG: good[:20]}, "not a PNG"},
		{"huge", audit.SignOff{VisitID: v.ID, Name: "Dana", Role: audit.RolePrincipal, PNG: make([]byte, audit.MaxSignatureBytes+1)}, "the limit is"},
		{"too wide", audit.SignOff{VisitID: v.ID, Name: "Dana", Role: audit.RolePrincipal, PNG: signaturePNG(t, audit.MaxSignatureSide+1, 2)}, "pixels"},
		{"long name", audit.SignOff{VisitID: v.ID, Name: strings.Repeat("é", audit.MaxNameLen+1), Role: audit.RolePrincipal, PNG: good}, "sign-off: name is"},
		{"unknown visit", audit.SignOff{VisitID: "no-such-visit", Name: "Dana", Role: audit.RolePrincipal, PNG: good}, "not found"},
	} {
		if _, err := s.SaveSignOff(ctx, c.so); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.want)
		}
	}
	var rows int
	if err := s.r.QueryRow("SELECT count(*) FROM signoffs").Scan(&rows); err != nil || rows != 0 {
		t.Fatalf("%d sign-offs stored after only bad input (%v)", rows, err)
	}
}
