package main

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestEscapeTerminal(t *testing.T) {
	cases := []struct{ in, line, cell string }{
		{"Lincoln Elementary", "Lincoln Elementary", "Lincoln Elementary"},
		{"\x1b]0;PWNED\x07\x1b[2J", `\x1b]0;PWNED\x07\x1b[2J`, `\x1b]0;PWNED\x07\x1b[2J`},
		{"a\tb\nc\rd", "a\tb\nc\rd", `a\x09b\x0ac\x0dd`},
		{"del\x7f", `del\x7f`, `del\x7f`},
		{"c1 \u009b31m", `c1 \u009b31m`, `c1 \u009b31m`},
		{"bidi \u202egnp.exe \u2066x\u2069 \u200f", `bidi \u202egnp.exe \u2066x\u2069 \u200f`, `bidi \u202egnp.exe \u2066x\u2069 \u200f`},
		{"latin-1 \xe9t\xe9", `latin-1 \xe9t\xe9`, `latin-1 \xe9t\xe9`},
		{"Nguyễn 王芳 José", "Nguyễn 王芳 José", "Nguyễn 王芳 José"},
	}
	for _, c := range cases {
		if got := string(escapeTerminal(nil, c.in, true)); got != c.line {
			t.Errorf("line %q: got %q, want %q", c.in, got, c.line)
		}
		if got := cell(c.in); got != c.cell {
			t.Errorf("cell %q: got %q, want %q", c.in, got, c.cell)
		}
	}
}

func TestSafeWriterKeepsRunesSplitAcrossWrites(t *testing.T) {
	var out bytes.Buffer
	w := newSafeWriter(&out)
	data := []byte("José \u202e 王芳\n")
	for i := range data {
		if _, err := w.Write(data[i : i+1]); err != nil {
			t.Fatal(err)
		}
	}
	w.Write([]byte("end\xe6"))
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := "José \\u202e 王芳\nend\\xe6"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

func TestSafeWriterKeepsJSONValid(t *testing.T) {
	var out bytes.Buffer
	w := newSafeWriter(&out)
	name := "Evil\u202egnp\u009b\x1b"
	if err := json.NewEncoder(w).Encode(map[string]string{"name": name}); err != nil {
		t.Fatal(err)
	}
	var back map[string]string
	if err := json.Unmarshal(out.Bytes(), &back); err != nil || back["name"] != name {
		t.Errorf("escaped JSON %q reads back as %q (%v)", out.String(), back["name"], err)
	}
}
