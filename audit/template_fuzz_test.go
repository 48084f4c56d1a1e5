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
			if !strings.HasPrefix(err.Error(), "fuzz.json: ") {
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
		"deep-nesting.json":     "exceeded max depth",
		"duplicate-ids.json":    `section "b", item 1 ("same"): id is already used in section "a"`,
		"emoji-labels.json":     "",
		"empty-lists.json":      "",
		"empty-object.json":     `template id ""`,
		"huge-numbers.json":     "",
		"nul-bytes.json":        `item 1 ("c1"): label contains a NUL character`,
		"overflow-number.json":  `field "sections.items.pass_max" must be float64, not number 1e999`,
		"rtl-override.json":     "",
		"trailing-bracket.json": "line 2, column 1: extra data after the template object",
		"truncated.json":        "ends before the template is complete",
		"wrong-types.json":      `line 1, column 8: field "id" must be string, not number`,
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
