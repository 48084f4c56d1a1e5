package bundle

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"techwalk/assets"
	"techwalk/audit"
)

const schema = 2 // the newest schema the reader is told it knows; tests derive versions from it

func jpegBytes(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, x%h, color.RGBA{200, 30, 30, 255})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func sampleChangeSet(t testing.TB, photo []byte, w, h int) *audit.ChangeSet {
	parsed, err := audit.ParseTemplate(assets.DefaultTemplateFile, assets.DefaultTemplateJSON)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(parsed)
	at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	clock := audit.NewClock("dev-a", func() time.Time { return at }, audit.HLC{})
	rec := func(id string) audit.Record {
		return audit.Record{ID: id, CreatedAt: at, UpdatedAt: at, Device: "dev-a"}
	}
	cs := &audit.ChangeSet{
		Schools:   []audit.SchoolChange{{School: audit.School{Record: rec("s1"), Name: "Lincoln Elementary", Code: "060000100001"}, Clock: clock.Now()}},
		Rooms:     []audit.RoomChange{{Room: audit.Room{Record: rec("r1"), SchoolID: "s1", Number: "214", Kind: audit.KindClassroom, Teacher: "Nguyễn Thị Lan"}, Clock: clock.Now()}},
		Templates: []audit.TemplateChange{{ID: parsed.ID, Version: parsed.Version, Name: parsed.Name, Body: string(body), Clock: clock.Now()}},
		Visits: []audit.VisitChange{{Visit: audit.Visit{Record: rec("v1"), SchoolID: "s1", TemplateID: parsed.ID, TemplateVersion: parsed.Version,
			Auditor: "Ana Muñoz", StartedAt: at}, Clock: clock.Now()}},
		VisitRooms: []audit.VisitRoomChange{{VisitID: "v1", RoomID: "r1", Done: true, Device: "dev-a", Clock: clock.Now()}},
		Answers: []audit.AnswerChange{{Answer: audit.Answer{Record: rec("a1"), VisitID: "v1", RoomID: "r1", ItemID: "hdmi",
			Value: "missing", Note: "東京 adapter 🙂"}, Clock: clock.Now()}},
		Photos: []audit.PhotoChange{{Photo: audit.Photo{Record: rec("p1"), VisitID: "v1", RoomID: "r1", ItemID: "hdmi",
			Mime: "image/jpeg", Width: w, Height: h, SHA256: sum(photo)}, Clock: clock.Now(), Data: photo}},
		Actions:  []audit.ActionChange{{FindingID: "a1", Status: audit.ActionField{Value: "open", Clock: clock.Now()}}},
		Settings: []audit.SettingChange{{Key: audit.SettingDistrict, Value: "Springfield USD", Clock: clock.Now()}},
	}
	return cs
}

func sampleManifest() Manifest {
	return Manifest{BundleID: "b-1", District: "Springfield USD", Device: "dev-a", SchemaVersion: schema,
		CreatedAt: time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC), Scope: "visit v1"}
}

func writeSample(t testing.TB) ([]byte, *audit.ChangeSet) {
	photo := jpegBytes(t, 32, 24)
	cs := sampleChangeSet(t, photo, 32, 24)
	var buf bytes.Buffer
	if _, err := Write(&buf, sampleManifest(), cs); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), cs
}

func TestBundleRoundTrip(t *testing.T) {
	data, cs := writeSample(t)
	b, err := Read(data, schema, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(b.ChangeSet.Canonical(), cs.Canonical()) {
		t.Fatalf("read back\n%+v\nwrote\n%+v", b.ChangeSet, *cs)
	}
	if !bytes.Equal(b.ChangeSet.Photos[0].Data, cs.Photos[0].Data) {
		t.Fatal("photo bytes differ")
	}
	if b.Manifest.Rows["answers"] != 1 || b.Manifest.ClockNewest.IsZero() || len(b.Manifest.Parts) != len(parts(cs))+1 {
		t.Fatalf("manifest %+v", b.Manifest)
	}
	var again bytes.Buffer
	if _, err := Write(&again, sampleManifest(), cs); err != nil || !bytes.Equal(again.Bytes(), data) {
		t.Fatalf("writing the same change set twice gave different bytes (%v)", err)
	}
}

// rezip rebuilds a bundle, letting edit change each entry (return a
// nil body to drop it); with rehash the manifest's sizes and SHA-256 are
// made to match the edited parts, so a check behind them is reached.
func rezip(t *testing.T, data []byte, rehash bool, edit func(name string, body []byte) (string, []byte)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	type entry struct {
		name string
		body []byte
	}
	var entries []entry
	var m Manifest
	for _, f := range zr.File {
		rc, _ := f.Open()
		body, _ := io.ReadAll(rc)
		rc.Close()
		name, body := edit(f.Name, body)
		if name == manifestName {
			if err := json.Unmarshal(body, &m); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if body != nil {
			entries = append(entries, entry{name, body})
		}
	}
	if rehash {
		m.Parts = nil
		for _, e := range entries {
			m.Parts = append(m.Parts, Part{Name: e.name, Size: int64(len(e.body)), SHA256: sum(e.body)})
		}
	}
	mb, _ := json.Marshal(m)
	entries = append(entries, entry{manifestName, mb})
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.SetComment(strings.Repeat("0", sealLen))
	for _, e := range entries {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.body)
	}
	zw.Close()
	out := buf.Bytes()
	copy(out[len(out)-sealLen:], seal(out)) // a crafted file seals itself: the checks behind the seal must hold alone
	return out
}

func editManifest(fn func(m *Manifest)) func(string, []byte) (string, []byte) {
	return func(name string, body []byte) (string, []byte) {
		if name != manifestName {
			return name, body
		}
		var m Manifest
		json.Unmarshal(body, &m)
		fn(&m)
		out, _ := json.Marshal(m)
		return name, out
	}
}

// bigJPEG is a real small JPEG whose header claims w x h pixels.
func bigJPEG(t *testing.T, w, h uint16) []byte {
	data := jpegBytes(t, 16, 16)
	for i := 0; i+9 < len(data); i++ {
		if data[i] == 0xFF && data[i+1] == 0xC0 { // SOF0: length(2) precision(1) height(2) width(2)
			binary.BigEndian.PutUint16(data[i+5:], h)
			binary.BigEndian.PutUint16(data[i+7:], w)
			return data
		}
	}
	t.Fatal("no SOF0 marker")
	return nil
}

func TestBundleBadFilesAreRefusedByName(t *testing.T) {
	good, _ := writeSample(t)
	flip := func(at int) []byte {
		b := append([]byte(nil), good...)
		b[at] ^= 0x40
		return b
	}
	photoAt := bytes.Index(good, jpegBytes(t, 32, 24)[200:240])
	bomb := bigJPEG(t, 30000, 30000)
	bombCS := sampleChangeSet(t, bomb, 30000, 30000)
	var bombBundle bytes.Buffer
	if _, err := Write(&bombBundle, sampleManifest(), bombCS); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"byte flip in a photo", flip(photoAt), ErrChecksum},
		{"byte flip in the zip directory", flip(len(good) - 100), ErrChecksum},
		{"byte flip in the seal", flip(len(good) - 1), ErrChecksum},
		{"byte flip in a resealed photo", rezip(t, good, false, func(n string, b []byte) (string, []byte) {
			if photoName.MatchString(n) {
				b[len(b)/2] ^= 1
			}
			return n, b
		}), ErrChecksum},
		{"truncated", good[:len(good)*2/3], ErrNotBundle},
		{"empty", nil, ErrNotBundle},
		{"newer schema", rezip(t, good, false, editManifest(func(m *Manifest) { m.SchemaVersion = schema + 1 })), ErrNewerSchema},
		{"newer format", rezip(t, good, false, editManifest(func(m *Manifest) { m.FormatVersion = FormatVersion + 1 })), ErrNewerFormat},
		{"a ../ path", rezip(t, good, true, func(n string, b []byte) (string, []byte) {
			if n == "answers.ndjson" {
				return "../answers.ndjson", b
			}
			return n, b
		}), ErrUnsafePath},
		{"an absolute path", rezip(t, good, true, func(n string, b []byte) (string, []byte) {
			if n == "rooms.ndjson" {
				return "/etc/rooms.ndjson", b
			}
			return n, b
		}), ErrUnsafePath},
		{"an unknown part", rezip(t, good, true, func(n string, b []byte) (string, []byte) {
			if n == "rooms.ndjson" {
				return "run.sh", b
			}
			return n, b
		}), ErrUnknownPart},
		{"photo bomb", bombBundle.Bytes(), ErrPhotoBomb},
		{"count mismatch", rezip(t, good, false, editManifest(func(m *Manifest) { m.Rows["answers"] = 2 })), ErrCountMismatch},
		{"a row added behind the manifest's back", rezip(t, good, true, func(n string, b []byte) (string, []byte) {
			if n == "answers.ndjson" {
				return n, append(b, b...)
			}
			return n, b
		}), ErrCountMismatch},
		{"a part changed under its SHA-256", rezip(t, good, false, func(n string, b []byte) (string, []byte) {
			if n == "answers.ndjson" {
				return n, bytes.Replace(b, []byte("missing"), []byte("ok\u00a0\u00a0\u00a0"), 1)
			}
			return n, b
		}), ErrChecksum},
		{"a part dropped", rezip(t, good, false, func(n string, b []byte) (string, []byte) {
			if n == "visits.ndjson" {
				return n, nil
			}
			return n, b
		}), ErrDamaged},
		{"a row that is not valid", rezip(t, good, true, func(n string, b []byte) (string, []byte) {
			if n == "rooms.ndjson" {
				return n, bytes.Replace(b, []byte(`"Kind":"classroom"`), []byte(`"Kind":"dungeon"`), 1)
			}
			return n, b
		}), ErrBadRow},
		{"an unknown field", rezip(t, good, true, func(n string, b []byte) (string, []byte) {
			if n == "rooms.ndjson" {
				return n, bytes.Replace(b, []byte(`{`), []byte(`{"Evil":1,`), 1)
			}
			return n, b
		}), ErrBadRow},
		{"clock range off", rezip(t, good, false, editManifest(func(m *Manifest) { m.ClockNewest.Wall++ })), ErrManifestMismatch},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := Read(c.data, schema, DefaultLimits)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v (bundle %v); want %v", err, b != nil, c.want)
			}
			if b != nil {
				t.Fatal("a refused bundle returned its contents")
			}
		})
	}
}

func TestBundleLimits(t *testing.T) {
	good, _ := writeSample(t)
	lim := DefaultLimits
	lim.File = int64(len(good)) - 1
	if _, err := Read(good, schema, lim); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("file over its limit: %v", err)
	}
	lim = DefaultLimits
	lim.Part = 100
	if _, err := Read(good, schema, lim); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("part over its limit: %v", err)
	}
	lim = DefaultLimits
	lim.Photo = 100
	if _, err := Read(good, schema, lim); !errors.Is(err, ErrPhotoBomb) {
		t.Fatalf("photo over its byte limit: %v", err)
	}
}

func FuzzReadBundle(f *testing.F) {
	good, _ := writeSample(f)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Read(data, schema, DefaultLimits)
		if err != nil {
			if b != nil {
				t.Fatal("an error came with contents")
			}
			return
		}
		var out bytes.Buffer
		if _, err := Write(&out, b.Manifest, &b.ChangeSet); err != nil {
			t.Fatalf("an accepted bundle cannot be written again: %v", err)
		}
		again, err := Read(out.Bytes(), schema, DefaultLimits)
		if err != nil || !reflect.DeepEqual(again.ChangeSet.Canonical(), b.ChangeSet.Canonical()) {
			t.Fatalf("an accepted bundle does not read back the same: %v", err)
		}
	})
}

func TestNDJSONIsOneRowALine(t *testing.T) {
	type row struct{ A int }
	cases := map[string]error{
		"{\"A\":1}\n{\"A\":2}\n":   nil,
		"{\"A\":1}{\"A\":2}\n":     ErrBadRow,
		"{\"A\":1}\n\n{\"A\":2}\n": ErrBadRow,
		"{\"A\":\n1}\n":            ErrBadRow,
		"{\"A\":1,\"B\":2}\n":      ErrBadRow,
		"{\"A\":1}":                ErrDamaged,
		"{\"A\":1} x\n":            ErrBadRow,
		"{\"A\":100000000000}\n":   ErrBadRow, // over the line limit below
	}
	for text, want := range cases {
		var rows []row
		n, err := decodeLines("test", []byte(text), 14, &rows, nil)
		if !errors.Is(err, want) || want == nil && n != 2 {
			t.Errorf("%q: %d rows, %v; want %v", text, n, err, want)
		}
	}
}

// TestFormatOneBundleIsReadWithoutSettings: a bundle written before
// settings travelled (format 1) has no settings part and is still read;
// a newer one missing the part is refused as damaged.
func TestFormatOneBundleIsReadWithoutSettings(t *testing.T) {
	good, cs := writeSample(t)
	dropSettings := func(name string, body []byte) (string, []byte) {
		if name == "settings.ndjson" {
			return name, nil
		}
		return name, body
	}
	older := rezip(t, good, true, func(name string, body []byte) (string, []byte) {
		name, body = dropSettings(name, body)
		return editManifest(func(m *Manifest) {
			without := *cs
			without.Settings = nil
			m.FormatVersion = 1
			m.ClockOldest, m.ClockNewest = without.ClockRange()
			delete(m.Rows, "settings")
		})(name, body)
	})
	b, err := Read(older, 99, DefaultLimits)
	if err != nil {
		t.Fatalf("a format 1 bundle: %v", err)
	}
	if len(b.ChangeSet.Settings) != 0 || len(b.ChangeSet.Answers) != len(cs.Answers) {
		t.Fatalf("a format 1 bundle read as %d settings, %d answers", len(b.ChangeSet.Settings), len(b.ChangeSet.Answers))
	}
	if _, err := Read(rezip(t, good, true, dropSettings), 99, DefaultLimits); !errors.Is(err, ErrDamaged) {
		t.Fatalf("a format %d bundle without its settings part: %v; want ErrDamaged", FormatVersion, err)
	}
}
