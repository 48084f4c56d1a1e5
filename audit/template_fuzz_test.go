package audit

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"techwalk/assets"
)

func templateSeeds(tb testing.TB) map[string][]byte {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "templates", "*.json"))
	if err != nil {
		tb.Fatal(err)
	}
	if len(files) < 8 {
		tb.Fatalf("only %d seed templates in testdata/templates", len(files))
	}
	seeds := map[string][]byte{assets.DefaultTemplateFile: assets.DefaultTemplateJSON}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		seeds[filepath.Base(f)] = data
	}
	return seeds
}

// FuzzParseTemplate checks that ParseTemplate never panics, that its errors
// name the file, and that a template it accepts survives a JSON round trip
// unchanged, so a stored template reads back as it was written.
func FuzzParseTemplate(f *testing.F) {
	seeds := templateSeeds(f)
	for _, name := range slices.Sorted(maps.Keys(seeds)) {
		f.Add(seeds[name])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tpl, err := ParseTemplate("fuzz.json", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.json:") {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		out, err := json.Marshal(tpl)
		if err != nil {
			t.Fatalf("accepted template does not encode: %v", err)
		}
		again, err := ParseTemplate("again.json", out)
		if err != nil {
			t.Fatalf("re-encoded template is refused: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(tpl, again) {
			t.Fatalf("round trip changed the template:\nfirst  %+v\nsecond %+v", tpl, again)
		}
	})
}

// TestTemplateSeeds pins what each odd seed file does, so the corpus keeps
// covering both accepted and refused input.
func TestTemplateSeeds(t *testing.T) {
	want := map[string]string{ // file -> error substring; "" means accepted
		"bom.json":                   "",
		"deep-nesting.json":          "nested deeper than 32 levels",
		"duplicate-ids.json":         `section "b", item 1 ("same"): id is already used in section "a"`,
		"duplicate-keys.json":        `:16:11: section "net", item 1 ("wifi"): "severity" is given twice (first on line 15)`,
		"emoji-labels.json":          "",
		"empty-lists.json":           "",
		"empty-object.json":          `empty-object.json:1:1: template id ""`,
		"escape-label.json":          `section "net", item 1 ("wifi"): label contains the control character U+001B`,
		"huge-numbers.json":          `huge-numbers.json:35:31: section "a", item 3 ("w1"): min_signal_dbm -0 is out of range`,
		"invalid-utf8.json":          `invalid-utf8.json:13:27: byte 0xff is not UTF-8 text`,
		"many-kinds-of-problem.json": `many-kinds-of-problem.json:5:3: unknown field "colour"`,
		"many-problems.json":         "and 10 more problems",
		"nul-bytes.json":             `item 1 ("c1"): label contains a NUL character`,
		"overflow-number.json":       `:16:23: section "a", item 1 ("n1"): pass_max: the number 1e999 is out of range`,
		"rtl-override.json":          "",
		"trailing-bracket.json":      "trailing-bracket.json:2:1: extra data after the template object",
		"truncated.json":             "ends before the template is complete",
		"unknown-field.json":         `:16:11: section "net", item 1 ("wifi"): unknown field "colour"`,
		"wifi-out-of-range.json":     `section "net", item 1 ("wifi"): min_signal_dbm 50 is out of range`,
		"wrong-types.json":           `wrong-types.json:1:8: id must be a string, not a number`,
	}
	seeds := templateSeeds(t)
	for name, data := range seeds {
		if name == assets.DefaultTemplateFile {
			continue
		}
		w, ok := want[name]
		if !ok {
			t.Errorf("seed %s has no expectation", name)
			continue
		}
		_, err := ParseTemplate(name, data)
		switch {
		case w == "" && err != nil:
			t.Errorf("%s: %v", name, err)
		case w != "" && err == nil:
			t.Errorf("%s: accepted, want error containing %q", name, w)
		case w != "" && !strings.Contains(err.Error(), w):
			t.Errorf("%s: error %q does not contain %q", name, err, w)
		}
	}
	for name := range want {
		if _, ok := seeds[name]; !ok {
			t.Errorf("seed %s is missing", name)
		}
	}
}
