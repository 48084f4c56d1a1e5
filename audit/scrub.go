package audit

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NameMask is what a scrubbed teacher name becomes.
const NameMask = "[name]"

// NameScrubber removes teachers' names from free text (notes, quotes,
// answers, captions) when a district anonymises its reports and exports.
// It is built from every teacher name the database holds, not only the
// rooms an output covers, and matches after Unicode normalisation (NFC),
// case-insensitively, with every apostrophe written as ', and on word
// boundaries: "Priya", "PRIYA", "priya's", "O’Connor" and a decomposed
// "José" are all scrubbed, "Priyanka" is not.
//
// A full name ("Priya Patel") and each of its words are scrubbed. A given
// name followed by a capitalised word that is not part of that teacher's
// name is someone else ("Priya Shah (tech coach)") and is left alone.
// Titles (Mr, Ms, Dr, Coach...) and one-letter words are never scrubbed alone.
// A nil *NameScrubber scrubs nothing.
type NameScrubber struct {
	byWord map[string][]scrubName // by the name's first word
	byRune map[rune][]scrubName   // names starting with a Han character, by that character
}

// scrubName is one folded name to look for.
type scrubName struct {
	runes []rune
	// given is set for a word that is only ever a teacher's given name,
	// never a surname or a whole name; surnames holds the other words of
	// the full names it starts, which may follow it.
	given, notGiven bool
	surnames        map[string]bool
}

// titles are the words a name may carry that are not the teacher's own.
var titles = map[string]bool{"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true, "prof": true, "sr": true, "jr": true, "coach": true}

// NewNameScrubber returns a scrubber for the given teacher names; blank
// and duplicate names are ignored.
func NewNameScrubber(teachers []string) *NameScrubber {
	s := &NameScrubber{byWord: map[string][]scrubName{}, byRune: map[rune][]scrubName{}}
	seen := map[string]*scrubName{}
	add := func(words []string, given bool, rest []string) {
		key := strings.Join(words, " ")
		if utf8.RuneCountInString(key) < 2 || (len(words) == 1 && titles[key]) {
			return
		}
		n := seen[key]
		if n == nil {
			n = &scrubName{runes: []rune(key), surnames: map[string]bool{}}
			seen[key] = n
		}
		n.given = n.given || given
		n.notGiven = n.notGiven || !given
		for _, w := range rest {
			n.surnames[w] = true
		}
	}
	for _, t := range teachers {
		words := nameWords(t)
		if len(words) == 0 {
			continue
		}
		add(words, false, nil)
		for i, w := range words {
			add([]string{w}, i == 0 && len(words) > 1, words[1:])
			if strings.Contains(w, "-") {
				for _, piece := range strings.Split(w, "-") {
					add([]string{piece}, false, nil)
				}
			}
		}
	}
	for _, n := range seen {
		s.index(*n)
	}
	for k := range s.byWord {
		sortLongestFirst(s.byWord[k])
	}
	for k := range s.byRune {
		sortLongestFirst(s.byRune[k])
	}
	return s
}

func (s *NameScrubber) index(n scrubName) {
	if unicode.Is(unicode.Han, n.runes[0]) {
		s.byRune[n.runes[0]] = append(s.byRune[n.runes[0]], n)
		return
	}
	first := leadingWord(n.runes, 0)
	s.byWord[string(first)] = append(s.byWord[string(first)], n)
}

func sortLongestFirst(names []scrubName) {
	sort.SliceStable(names, func(i, j int) bool { return len(names[i].runes) > len(names[j].runes) })
}

// nameWords folds a teacher name and splits it into words, dropping titles
// and initials: "Ms. José O’Connor" gives josé, o'connor.
func nameWords(name string) []string {
	folded, _ := foldText(name)
	var words []string
	for _, w := range strings.FieldsFunc(string(folded), func(r rune) bool {
		return !isWordRune(r) && r != '-' && r != '\''
	}) {
		w = strings.Trim(w, "-'")
		if utf8.RuneCountInString(w) >= 2 && !titles[w] {
			words = append(words, w)
		}
	}
	return words
}

// Scrub replaces every teacher name in text with NameMask. Text with no
// name in it is returned unchanged; text with one comes back in NFC.
func (s *NameScrubber) Scrub(text string) string {
	if s == nil || text == "" || (len(s.byWord) == 0 && len(s.byRune) == 0) || !s.mayHold(text) {
		return text
	}
	return s.scan(text)
}

// scan is Scrub without the quick look.
func (s *NameScrubber) scan(text string) string {
	src := norm.NFC.String(text)
	folded, spans := foldText(src)
	var b strings.Builder
	copied := 0 // bytes of src written so far
	for i := 0; i < len(folded); {
		end := s.matchAt(src, folded, spans, i)
		if end < 0 {
			i++
			continue
		}
		b.WriteString(src[copied:spans[i].start])
		b.WriteString(NameMask)
		copied = spans[end-1].end
		i = end
	}
	if copied == 0 && b.Len() == 0 {
		return text
	}
	b.WriteString(src[copied:])
	return b.String()
}

// mayHold is a quick look for text that cannot hold a name: ASCII text
// none of whose words starts a name. It reports true for anything else.
func (s *NameScrubber) mayHold(text string) bool {
	var buf [64]byte
	for i := 0; i < len(text); {
		c := text[i]
		if c >= utf8.RuneSelf {
			return true
		}
		if !isASCIIAlnum(c) {
			i++
			continue
		}
		n := 0
		for ; i < len(text) && isASCIIAlnum(text[i]); i++ {
			if n == len(buf) {
				return true
			}
			c := text[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[n] = c
			n++
		}
		if i < len(text) && text[i] >= utf8.RuneSelf {
			return true
		}
		if _, ok := s.byWord[string(buf[:n])]; ok {
			return true
		}
	}
	return false
}

func isASCIIAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// matchAt returns the end (exclusive, in folded runes) of the longest name
// that starts at folded[i] on word boundaries, or -1.
func (s *NameScrubber) matchAt(src string, folded []rune, spans []span, i int) int {
	r := folded[i]
	if !isWordRune(r) || !wordEdgeBefore(folded, i) {
		return -1
	}
	var names []scrubName
	if unicode.Is(unicode.Han, r) {
		names = s.byRune[r]
	} else {
		names = s.byWord[string(leadingWord(folded, i))]
	}
	for _, n := range names {
		end := i + len(n.runes)
		if end > len(folded) || !equalRunes(folded[i:end], n.runes) || !wordEdgeAfter(folded, end) {
			continue
		}
		if n.given && !n.notGiven && someoneElse(src, folded, spans, end, n.surnames) {
			continue
		}
		if commonWord[string(n.runes)] && !startsUpper(src, spans[i]) {
			continue // "an" in "an ongoing problem" is no Nguyễn Văn An
		}
		return end
	}
	return -1
}

// someoneElse reports whether a given name ending at folded[end] is
// followed by one space and a capitalised word that is not the surname
// of a teacher with that given name: "Priya Shah" when the teacher is
// Priya Patel.
func someoneElse(src string, folded []rune, spans []span, end int, surnames map[string]bool) bool {
	if end+1 >= len(folded) || folded[end] != ' ' {
		return false
	}
	next := leadingWord(folded, end+1)
	if len(next) < 2 {
		return false
	}
	first, _ := utf8.DecodeRuneInString(src[spans[end+1].start:])
	return unicode.IsUpper(first) && !surnames[string(next)]
}

// commonWord holds name words that are also everyday words ("An", "Will",
// "Grace", "De"): written in lower case they are the word, not the name,
// and are left alone; capitalised or in capitals they are scrubbed.
var commonWord = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an and are as at be by do go he if in is it me my no of on or so to up us we
		all am any but can did for had has her him his how its let may not now one our out own say see she the too two
		was way who why yet you bill dawn faith grace hope joy june april august mark may art chase rose ruby pearl
		amber summer will sky ray king young long brown green white black gray grey rich page hunter
		de del della der des di du da la le lo los las van von den ten dos das el al bin ben ibn`) {
		m[w] = true
	}
	return m
}()

// startsUpper reports whether the source text at sp starts with an upper-case letter.
func startsUpper(src string, sp span) bool {
	r, _ := utf8.DecodeRuneInString(src[sp.start:])
	return unicode.IsUpper(r)
}

// span is where one folded rune came from in the NFC text.
type span struct{ start, end int }

// foldText lower-cases text, writes every apostrophe as ' and every hyphen
// as -, and turns each run of spaces into one ' ', remembering for each
// folded rune the bytes of text it stands for. text should be NFC.
func foldText(text string) ([]rune, []span) {
	folded := make([]rune, 0, len(text))
	spans := make([]span, 0, len(text))
	for i, r := range text {
		size := utf8.RuneLen(r)
		if r == utf8.RuneError {
			size = 1
		}
		f := foldRune(r)
		if f == ' ' && len(folded) > 0 && folded[len(folded)-1] == ' ' {
			spans[len(spans)-1].end = i + size
			continue
		}
		folded = append(folded, f)
		spans = append(spans, span{i, i + size})
	}
	return folded, spans
}

func foldRune(r rune) rune {
	switch r {
	case '\u2018', '\u2019', '\u201b', '\u02bc', '\u02b9', '\u2032', '\u00b4', '`', '\uff07':
		return '\''
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u00ad':
		return '-'
	}
	if unicode.IsSpace(r) {
		return ' '
	}
	return unicode.ToLower(r)
}

// isWordRune reports whether r belongs to a word: a letter, a digit or a
// combining mark.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// leadingWord is the run of word runes starting at folded[i] (one rune
// for a Han character: Chinese has no spaces between words).
func leadingWord(folded []rune, i int) []rune {
	if unicode.Is(unicode.Han, folded[i]) {
		return folded[i : i+1]
	}
	j := i
	for j < len(folded) && isWordRune(folded[j]) && !unicode.Is(unicode.Han, folded[j]) {
		j++
	}
	return folded[i:j]
}

// wordEdgeBefore reports whether a word may start at folded[i]. Han
// characters count as word edges.
func wordEdgeBefore(folded []rune, i int) bool {
	return i == 0 || !isWordRune(folded[i-1]) || unicode.Is(unicode.Han, folded[i-1]) || unicode.Is(unicode.Han, folded[i])
}

// wordEdgeAfter reports whether a word may end before folded[end].
func wordEdgeAfter(folded []rune, end int) bool {
	return end == len(folded) || !isWordRune(folded[end]) || unicode.Is(unicode.Han, folded[end]) || unicode.Is(unicode.Han, folded[end-1])
}

func equalRunes(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
