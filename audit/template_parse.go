package audit

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxTemplateSize bounds the JSON a template may take.
const MaxTemplateSize = 2 << 20

// maxTemplateProblems caps how many problems one check reports.
const maxTemplateProblems = 50

// maxTemplateDepth bounds the nesting of a template's JSON; a template
// needs 6 levels.
const maxTemplateDepth = 32

// TemplateProblem is one problem of a template file, placed as a compiler
// places an error: 1-based line and column (in characters), and the
// section and item it is in.
type TemplateProblem struct {
	Line, Column int
	Where        string // `section "display", item 2 ("hdmi")`, or "" at the top
	Message      string
	offset       int64
}

// TemplateError lists every problem of a template file (up to 50), in the
// order they appear in the file, one per line "file:line:column: ...".
type TemplateError struct {
	Source   string
	Problems []TemplateProblem
	More     int // problems left out over the cap
}

func (e *TemplateError) Error() string {
	lines := make([]string, 0, len(e.Problems)+1)
	for _, p := range e.Problems {
		where := ""
		if p.Where != "" {
			where = p.Where + ": "
		}
		lines = append(lines, fmt.Sprintf("%s:%d:%d: %s%s", e.Source, p.Line, p.Column, where, p.Message))
	}
	if e.More > 0 {
		lines = append(lines, fmt.Sprintf("%s: and %d more problems", e.Source, e.More))
	}
	return strings.Join(lines, "\n")
}

// ParseTemplate reads and validates a template from JSON. source names the
// file in error messages. A UTF-8 byte-order mark is skipped. Text that is
// not UTF-8, a key given twice, an unknown field, a value of the wrong type
// and every rule Validate checks are all reported at once, as a
// *TemplateError, each with its line, column, section and item.
func ParseTemplate(source string, data []byte) (*Template, error) {
	if len(data) > MaxTemplateSize {
		return nil, fmt.Errorf("%s: template is %d bytes; the limit is %d", source, len(data), MaxTemplateSize)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	tp := &templateParse{source: source, data: data}
	root, err := tp.walk()
	if err != nil {
		return nil, err
	}
	tp.root = root
	tp.invalidUTF8()
	tp.check(root, reflect.TypeOf(Template{}), "")
	var t Template
	if err := json.Unmarshal(data, &t); err != nil && len(tp.probs) == 0 {
		tp.add(0, "", err.Error()) // a shape the checks above do not know
	}
	tp.validate(&t)
	if len(tp.probs) > 0 {
		return nil, tp.err()
	}
	t.canonicalize()
	return &t, nil
}

// templateParse is one parse of a template file: its JSON tree with
// offsets, and the problems found so far.
type templateParse struct {
	source string
	data   []byte
	root   *jsonNode
	probs  []TemplateProblem
	total  int                // problems found, kept or not
	bad    map[*jsonNode]bool // nodes already reported, so rules do not repeat them
}

// jsonNode is a JSON value and the offset where it starts.
type jsonNode struct {
	kind  byte // '{', '[', '"' (string), '0' (number), 't' (true/false), 'n' (null)
	start int64
	keys  []jsonKey   // an object's members, in file order
	elems []*jsonNode // an array's elements
	text  string      // a number's text
}

type jsonKey struct {
	name  string
	at    int64
	value *jsonNode
}

// member returns the value of an object's last member named name, as
// encoding/json would use it, or nil.
func (n *jsonNode) member(name string) *jsonNode {
	if n == nil {
		return nil
	}
	for i := len(n.keys) - 1; i >= 0; i-- {
		if n.keys[i].name == name {
			return n.keys[i].value
		}
	}
	return nil
}

func (n *jsonNode) elem(i int) *jsonNode {
	if n == nil || i < 0 || i >= len(n.elems) {
		return nil
	}
	return n.elems[i]
}

// walk reads the whole file as a JSON tree; a syntax error ends the parse.
func (tp *templateParse) walk() (*jsonNode, error) {
	dec := json.NewDecoder(bytes.NewReader(tp.data))
	dec.UseNumber()
	root, err := tp.value(dec, 0)
	if err != nil {
		return nil, tp.fatal(err)
	}
	if root.kind != '{' {
		return nil, tp.fatalAt(root.start, "a template is a JSON object {...}")
	}
	end := int(dec.InputOffset())
	if rest := bytes.TrimLeft(tp.data[end:], " \t\r\n"); len(rest) > 0 {
		return nil, tp.fatalAt(int64(len(tp.data)-len(rest)), "extra data after the template object")
	}
	return root, nil
}

func (tp *templateParse) value(dec *json.Decoder, depth int) (*jsonNode, error) {
	start := skipJSONSpace(tp.data, dec.InputOffset())
	if depth > maxTemplateDepth {
		return nil, &positionError{start, fmt.Sprintf("the JSON is nested deeper than %d levels", maxTemplateDepth)}
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	n := &jsonNode{start: start}
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return n, tp.object(dec, n, depth)
		}
		if v == '[' {
			return n, tp.array(dec, n, depth)
		}
		return nil, &positionError{start, fmt.Sprintf("unexpected %q", rune(v))}
	case string:
		n.kind = '"'
	case json.Number:
		n.kind, n.text = '0', v.String()
	case bool:
		n.kind = 't'
	default:
		n.kind = 'n'
	}
	return n, nil
}

func (tp *templateParse) object(dec *json.Decoder, n *jsonNode, depth int) error {
	n.kind = '{'
	for dec.More() {
		at := skipJSONSpace(tp.data, dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := tok.(string)
		v, err := tp.value(dec, depth+1)
		if err != nil {
			return err
		}
		n.keys = append(n.keys, jsonKey{name: name, at: at, value: v})
	}
	_, err := dec.Token()
	return err
}

func (tp *templateParse) array(dec *json.Decoder, n *jsonNode, depth int) error {
	n.kind = '['
	for dec.More() {
		v, err := tp.value(dec, depth+1)
		if err != nil {
			return err
		}
		n.elems = append(n.elems, v)
	}
	_, err := dec.Token()
	return err
}

// skipJSONSpace skips the spaces, commas and colons before a JSON token.
func skipJSONSpace(data []byte, offset int64) int64 {
	for offset < int64(len(data)) && strings.IndexByte(" \t\r\n,:", data[offset]) >= 0 {
		offset++
	}
	return offset
}

// positionError is a parse problem found at an offset by the walk itself.
type positionError struct {
	offset int64
	msg    string
}

func (e *positionError) Error() string { return e.msg }

// fatal reports a problem that stops the parse: the JSON cannot be read on.
func (tp *templateParse) fatal(err error) error {
	var pe *positionError
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &pe):
		return tp.fatalAt(pe.offset, pe.msg)
	case errors.As(err, &syn):
		return tp.fatalAt(syn.Offset, syn.Error()) // the decoder's Token reports the offending byte's offset
	case errors.Is(err, io.EOF) && len(bytes.TrimSpace(tp.data)) == 0:
		return fmt.Errorf("%s: the file is empty; a template is a JSON object", tp.source)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return tp.fatalAt(int64(len(tp.data)), "the JSON ends before the template is complete (is the file cut short?)")
	}
	return fmt.Errorf("%s: %w", tp.source, err)
}

func (tp *templateParse) fatalAt(offset int64, msg string) error {
	tp.probs, tp.total = nil, 0
	tp.add(offset, "", msg)
	return tp.err()
}

// add records a problem at a byte offset of the file. Only the earliest
// problems are kept, so a file of a million bad bytes costs no more than
// a few hundred problems.
func (tp *templateParse) add(offset int64, where, msg string) {
	tp.total++
	tp.probs = append(tp.probs, TemplateProblem{Where: where, Message: msg, offset: offset})
	if len(tp.probs) > 4*maxTemplateProblems {
		tp.keepEarliest()
	}
}

func (tp *templateParse) keepEarliest() {
	slices.SortStableFunc(tp.probs, func(a, b TemplateProblem) int { return cmp.Compare(a.offset, b.offset) })
	tp.probs = tp.probs[:min(len(tp.probs), maxTemplateProblems)]
}

// err returns the earliest problems in file order, with their lines and
// columns, and how many more there are.
func (tp *templateParse) err() error {
	tp.keepEarliest()
	for i := range tp.probs {
		tp.probs[i].Line, tp.probs[i].Column = LineCol(tp.data, tp.probs[i].offset)
	}
	return &TemplateError{Source: tp.source, Problems: tp.probs, More: tp.total - len(tp.probs)}
}

// invalidUTF8 reports every place where the text is not UTF-8 (the JSON
// reader would quietly turn those bytes into U+FFFD).
func (tp *templateParse) invalidUTF8() {
	for off := 0; off < len(tp.data); {
		r, size := utf8.DecodeRune(tp.data[off:])
		if r == utf8.RuneError && size <= 1 {
			tp.add(int64(off), "", fmt.Sprintf("byte 0x%02x is not UTF-8 text; save the file as UTF-8", tp.data[off]))
		}
		off += size
	}
}

// check compares a JSON value with the Go type it decodes into: object
// keys (unknown or given twice), value kinds and number ranges.
func (tp *templateParse) check(n *jsonNode, t reflect.Type, path string) {
	if n.kind == 'n' || reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		return
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	want := jsonKindOf(t)
	if want != 0 && n.kind != want {
		tp.reportType(n, path, want)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		tp.checkObject(n, t, path)
	case reflect.Slice:
		for i, e := range n.elems {
			tp.check(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Float64, reflect.Float32, reflect.Int, reflect.Int64:
		tp.checkNumber(n, t, path)
	}
}

func (tp *templateParse) checkObject(n *jsonNode, t reflect.Type, path string) {
	fields := jsonFields(t)
	first := map[string]int64{}
	for _, k := range n.keys {
		where := tp.whereOf(path)
		if at, dup := first[k.name]; dup {
			line, _ := LineCol(tp.data, at)
			tp.add(k.at, where, fmt.Sprintf("%q is given twice (first on line %d); keep one", k.name, line))
			tp.markBad(k.value)
			continue
		}
		first[k.name] = k.at
		ft, ok := fields[k.name]
		if !ok {
			tp.add(k.at, where, unknownField(k.name, fields))
			continue
		}
		tp.check(k.value, ft, joinPath(path, k.name))
	}
}

func (tp *templateParse) checkNumber(n *jsonNode, t reflect.Type, path string) {
	f, err := strconv.ParseFloat(n.text, 64)
	if err != nil || math.IsInf(f, 0) {
		tp.addAt(n, path, fmt.Sprintf("%s: the number %s is out of range", lastName(path), n.text))
		return
	}
	if t.Kind() == reflect.Int || t.Kind() == reflect.Int64 {
		if _, err := strconv.ParseInt(n.text, 10, 64); err != nil {
			tp.addAt(n, path, fmt.Sprintf("%s must be a whole number, not %s", lastName(path), n.text))
		}
	}
}

func (tp *templateParse) reportType(n *jsonNode, path string, want byte) {
	tp.addAt(n, path, fmt.Sprintf("%s must be %s, not %s", lastName(path), jsonKindName(want), jsonKindName(n.kind)))
}

func (tp *templateParse) addAt(n *jsonNode, path, msg string) {
	tp.add(n.start, tp.whereOf(path), msg)
	tp.markBad(n)
}

func (tp *templateParse) markBad(n *jsonNode) {
	if tp.bad == nil {
		tp.bad = map[*jsonNode]bool{}
	}
	tp.bad[n] = true
}

// jsonFields maps the JSON names of a struct's fields to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if ft := f.Type; f.Anonymous && name == "" {
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct { // encoding/json lifts an embedded struct's fields
				maps.Copy(out, jsonFields(ft))
				continue
			}
		}
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

func jsonKindOf(t reflect.Type) byte {
	switch t.Kind() {
	case reflect.String:
		return '"'
	case reflect.Struct, reflect.Map:
		return '{'
	case reflect.Slice, reflect.Array:
		return '['
	case reflect.Bool:
		return 't'
	case reflect.Float64, reflect.Float32, reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint, reflect.Uint64, reflect.Uint32:
		return '0'
	}
	return 0
}

func jsonKindName(k byte) string {
	switch k {
	case '"':
		return "a string"
	case '{':
		return "an object {...}"
	case '[':
		return "a list [...]"
	case 't':
		return "true or false"
	case '0':
		return "a number"
	}
	return "null"
}

// unknownField names the field and, when one is close, the known field
// meant.
func unknownField(name string, fields map[string]reflect.Type) string {
	best, bestDist := "", 3
	for known := range fields {
		if d := editDistance(strings.ToLower(name), known); d < bestDist || d == bestDist && known < best {
			best, bestDist = known, d
		}
	}
	if best != "" {
		return fmt.Sprintf("unknown field %q; did you mean %q?", name, best)
	}
	names := slices.Sorted(maps.Keys(fields))
	return fmt.Sprintf("unknown field %q; the fields here are %s", name, strings.Join(names, ", "))
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// lastName is the field a path ends in: "sections[0].items[2].pass_max" -> "pass_max".
func lastName(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		path = path[i+1:]
	}
	if path == "" {
		return "the template"
	}
	return path
}

// whereOf names the section and item a JSON path is in, from the tree.
func (tp *templateParse) whereOf(path string) string {
	var si, ii int
	switch {
	case sscanPath(path, "sections[%d].items[%d]", &si, &ii) == 2:
		sec := tp.root.member("sections").elem(si)
		item := sec.member("items").elem(ii)
		return fmt.Sprintf("section %q, item %d (%q)", nodeString(tp.data, sec.member("id")), ii+1, nodeString(tp.data, item.member("id")))
	case sscanPath(path, "sections[%d]", &si) == 1:
		sec := tp.root.member("sections").elem(si)
		return fmt.Sprintf("section %d (%q)", si+1, nodeString(tp.data, sec.member("id")))
	}
	return ""
}

func sscanPath(path, format string, args ...any) int {
	n, _ := fmt.Sscanf(path, format, args...)
	return n
}

// nodeString decodes a string node's text, "" for anything else.
func nodeString(data []byte, n *jsonNode) string {
	if n == nil || n.kind != '"' {
		return ""
	}
	var s string
	dec := json.NewDecoder(bytes.NewReader(data[n.start:]))
	if dec.Decode(&s) != nil {
		return ""
	}
	return s
}

// validate runs Validate's rules and places each problem at the field it
// is about (or its item, section or the top when the field is absent).
func (tp *templateParse) validate(t *Template) {
	for _, p := range t.problems() {
		n := tp.locate(p)
		if tp.bad[n] {
			continue
		}
		where := strings.TrimSuffix(t.where(p), ": ")
		tp.add(n.start, where, p.msg)
	}
}

// locate finds the JSON node a problem is about: the deepest part of its
// path present in the file.
func (tp *templateParse) locate(p templateProblem) *jsonNode {
	n := tp.root
	if p.section >= 0 {
		n = descend(n, tp.root.member("sections").elem(p.section))
		if p.item >= 0 {
			n = descend(n, n.member("items").elem(p.item))
		}
	}
	for _, part := range strings.Split(p.field, ".") {
		if part == "" {
			continue
		}
		name, index := part, -1
		if i := strings.IndexByte(part, '['); i >= 0 {
			name = part[:i]
			fmt.Sscanf(part[i:], "[%d]", &index)
		}
		n = descend(n, n.member(name))
		if index >= 0 {
			n = descend(n, n.elem(index))
		}
	}
	return n
}

// descend returns next when it exists, else stays at n.
func descend(n, next *jsonNode) *jsonNode {
	if next == nil {
		return n
	}
	return next
}

// LineCol gives the 1-based line and column of the byte at offset; the
// column counts characters, as editors do, not bytes.
func LineCol(data []byte, offset int64) (int, int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return line, col
}
