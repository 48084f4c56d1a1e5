package bundle

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"techwalk/audit"
)

// FuzzAnswerLineReadsLikeJSON: whatever line the answers' fast reader
// accepts, the JSON decoder reads into the same row; what it refuses is
// left to the decoder.
func FuzzAnswerLineReadsLikeJSON(f *testing.F) {
	at := time.Date(2026, 11, 3, 9, 0, 0, 123456789, time.UTC)
	a := audit.AnswerChange{Answer: audit.Answer{Record: audit.Record{ID: "a1", CreatedAt: at, UpdatedAt: at.Add(time.Second), Device: "dev-a"},
		VisitID: "v1", RoomID: "r1", ItemID: "hdmi", Value: "missing", Note: "東京 adapter 🙂"},
		Clock: audit.HLC{Wall: at.UnixMilli(), Counter: 3, Device: "dev-a"}}
	plain, _ := json.Marshal(a)
	a.Note, a.Deleted = "a <b> & \"c\"\n", true
	escaped, _ := json.Marshal(a)
	for _, seed := range [][]byte{plain, escaped, bytes.Replace(plain, []byte(`"ID"`), []byte(`"id"`), 1),
		bytes.Replace(plain, []byte(`false`), []byte(`true`), 1), append(bytes.Clone(plain), ' '),
		bytes.Replace(plain, []byte(`"Clock":"`), []byte(`"Clock":"x`), 1), bytes.Replace(plain, []byte(`2026-11-03`), []byte(`2026-13-03`), 1),
		bytes.Replace(plain, []byte("東京"), []byte{0xff, 0xfe}, 1), plain[:len(plain)-1]} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		var fast audit.AnswerChange
		if !readAnswerLine(line, &fast) {
			return
		}
		var slow audit.AnswerChange
		if err := decodeLine(line, &slow); err != nil {
			t.Fatalf("the fast reader took %q, which the decoder refuses: %v", line, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q reads as\n%+v\nfast, and as\n%+v\nby the decoder", line, fast, slow)
		}
	})
}

func TestAnswerLineFastReaderTakesWhatWriteWrites(t *testing.T) {
	_, cs := writeSample(t)
	line, _ := json.Marshal(cs.Answers[0])
	var got audit.AnswerChange
	if !readAnswerLine(line, &got) {
		t.Fatalf("the fast reader refused a written answer %s", line)
	}
}
