package audit

import (
	"math/rand"
	"testing"
)

func clockAt(wall int64, device string) HLC { return HLC{Wall: wall, Device: device} }

func TestLastWriterDeleteWinsOnlyWhenNewer(t *testing.T) {
	edit, del := clockAt(100, "a"), clockAt(200, "b")
	if got := LastWriter(true, edit, del); got != MergeUpdated {
		t.Fatalf("a newer delete over an edit: %v", got)
	}
	if got := LastWriter(true, del, edit); got != MergeUnchanged {
		t.Fatalf("an older edit over a delete brought it back: %v", got)
	}
	if got := LastWriter(true, del, del); got != MergeUnchanged {
		t.Fatalf("the same version again: %v", got)
	}
	if got := LastWriter(false, HLC{}, edit); got != MergeAdded {
		t.Fatalf("a new row: %v", got)
	}
}

func TestMatchSchoolByCodeThenName(t *testing.T) {
	have := []School{
		{Record: Record{ID: "s2"}, Name: "Lincoln Elementary", Code: "060000100001"},
		{Record: Record{ID: "s1"}, Name: "Lincoln  elementary"},
		{Record: Record{ID: "s3"}, Name: "Jefferson Middle", Code: "060000100002"},
	}
	cases := []struct {
		in   School
		want string
	}{
		{School{Name: "Renamed", Code: "060000100002"}, "s3"},
		{School{Name: "LINCOLN ELEMENTARY", Code: "060000100001"}, "s2"},
		{School{Name: "lincoln elementary"}, "s1"},
		{School{Name: "Jefferson Middle", Code: "069999999999"}, ""},
	}
	for _, c := range cases {
		got, ok := MatchSchool(c.in, have)
		if c.want == "" && ok || c.want != "" && got.ID != c.want {
			t.Errorf("MatchSchool(%q, %q) = %q, %v; want %q", c.in.Name, c.in.Code, got.ID, ok, c.want)
		}
	}
}

func TestMatchRoomBySchoolAndNumber(t *testing.T) {
	have := []Room{{Record: Record{ID: "r1"}, SchoolID: "s", Number: "214"}, {Record: Record{ID: "r2"}, SchoolID: "s", Name: "Library"}}
	if r, ok := MatchRoom(Room{SchoolID: "s", Number: " 214 ", Name: "Science"}, have); !ok || r.ID != "r1" {
		t.Fatalf("room 214: %v %v", r.ID, ok)
	}
	if r, ok := MatchRoom(Room{SchoolID: "s", Name: "library"}, have); !ok || r.ID != "r2" {
		t.Fatalf("library: %v %v", r.ID, ok)
	}
	if _, ok := MatchRoom(Room{SchoolID: "other", Number: "214"}, have); ok {
		t.Fatal("a room of another school matched")
	}
}

func TestMergeTemplateIsImmutable(t *testing.T) {
	a := TemplateChange{ID: "k12", Version: "1.1", Body: "{}"}
	b := a
	b.Body = `{"changed":true}`
	if _, err := MergeTemplate(true, a, b); err == nil {
		t.Fatal("changed content under a stored version was accepted")
	}
	if out, err := MergeTemplate(true, a, a); err != nil || out != MergeUnchanged {
		t.Fatalf("the same version: %v %v", out, err)
	}
}

func TestMergeActionPerField(t *testing.T) {
	local := ActionChange{FindingID: "f", OwnerTeam: ActionField{"Network", clockAt(300, "a")}, Ticket: ActionField{"", clockAt(100, "a")}}
	in := ActionChange{FindingID: "f", OwnerTeam: ActionField{"Desktop", clockAt(200, "b")}, Ticket: ActionField{"ITS-9", clockAt(250, "b")}}
	got, out := MergeAction(true, local, in)
	if out != MergeUpdated || got.OwnerTeam.Value != "Network" || got.Ticket.Value != "ITS-9" {
		t.Fatalf("merged %+v (%v); want owner Network (newer here) and ticket ITS-9 (newer there)", got, out)
	}
	again, out := MergeAction(true, got, in)
	if out != MergeUnchanged || again != got {
		t.Fatalf("merging the same action again changed it: %+v %v", again, out)
	}
}

func TestOpenConflictsOrderFree(t *testing.T) {
	v := func(dev string, wall int64, value string) Conflict {
		return Conflict{Kind: ConflictAnswer, VisitID: "v", RoomID: "r", ItemID: "i", Device: dev, Clock: clockAt(wall, dev), Value: value}
	}
	versions := []Conflict{v("a", 100, "ok"), v("a", 150, "broken"), v("b", 120, "missing"), v("c", 130, "broken"), v("b", 90, "ok")}
	var winner Conflict
	for _, x := range versions {
		if x.Clock.After(winner.Clock) {
			winner = x
		}
	}
	want := OpenConflicts(winner, versions)
	if len(want) != 1 || want[0].Device != "b" || want[0].Value != "missing" {
		t.Fatalf("open conflicts %+v; want only b's newest (missing): a's older one is its own, c agrees", want)
	}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20; i++ {
		rng.Shuffle(len(versions), func(i, j int) { versions[i], versions[j] = versions[j], versions[i] })
		got := OpenConflicts(winner, versions)
		if len(got) != 1 || got[0] != want[0] {
			t.Fatalf("order %d gave %+v", i, got)
		}
	}
	resolved := want[0]
	resolved.Resolved = true
	if got := OpenConflicts(winner, append(versions, resolved)); len(got) != 0 {
		t.Fatalf("a resolved conflict is still open: %+v", got)
	}
}

func TestResolveKeepsBothNotes(t *testing.T) {
	mine := Conflict{Value: "broken", Note: "cable frayed"}
	theirs := Conflict{Value: "missing", Note: "no HDMI adapter"}
	if v, n := Resolve(mine, theirs, KeepBothNotes); v != "broken" || n != "cable frayed\nno HDMI adapter" {
		t.Fatalf("keep both notes: %q %q", v, n)
	}
	if v, n := Resolve(mine, theirs, KeepTheirs); v != "missing" || n != "no HDMI adapter" {
		t.Fatalf("keep theirs: %q %q", v, n)
	}
}

func TestKeyedKeepsCanonicalIDAndLoser(t *testing.T) {
	local := Conflict{Clock: clockAt(100, "a"), Value: "ok"}
	in := Conflict{Clock: clockAt(200, "b"), Value: "broken"}
	won, id, loser := Keyed("id-b", local, "id-a", in)
	if !won || id != "id-a" || loser == nil || loser.Value != "ok" {
		t.Fatalf("Keyed: won %v id %q loser %+v", won, id, loser)
	}
	if won, _, loser := Keyed("x", in, "x", in); won || loser != nil {
		t.Fatal("the same version made a conflict")
	}
}
