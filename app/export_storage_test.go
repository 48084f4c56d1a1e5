package app

import (
	"bytes"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/storage/repository"
	"fyne.io/fyne/v2/test"

	"techwalk/audit"
	"techwalk/report/backlog"
)

// memRepo holds files behind a URI scheme of its own, the way Android's
// and iOS's pickers hand out folders that are not file system paths.
type memRepo struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (r *memRepo) Exists(u fyne.URI) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.files[u.String()]
	return ok, nil
}

func (r *memRepo) Reader(u fyne.URI) (fyne.URIReadCloser, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	data, ok := r.files[u.String()]
	if !ok {
		return nil, os.ErrNotExist
	}
	return &memReader{Reader: bytes.NewReader(data), uri: u}, nil
}

func (r *memRepo) CanRead(u fyne.URI) (bool, error) { return r.Exists(u) }
func (r *memRepo) Destroy(string)                   {}

func (r *memRepo) Writer(u fyne.URI) (fyne.URIWriteCloser, error) {
	return &memWriter{repo: r, uri: u}, nil
}

func (r *memRepo) CanWrite(fyne.URI) (bool, error) { return true, nil }

func (r *memRepo) Delete(u fyne.URI) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.files, u.String())
	return nil
}

func (r *memRepo) Parent(u fyne.URI) (fyne.URI, error) { return repository.GenericParent(u) }
func (r *memRepo) Child(u fyne.URI, name string) (fyne.URI, error) {
	return repository.GenericChild(u, url.PathEscape(name))
}

func (r *memRepo) CanList(fyne.URI) (bool, error) { return true, nil }
func (r *memRepo) CreateListable(fyne.URI) error  { return nil }

func (r *memRepo) List(u fyne.URI) ([]fyne.URI, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []fyne.URI
	for name := range r.files {
		if strings.HasPrefix(name, u.String()+"/") {
			child, err := storage.ParseURI(name)
			if err != nil {
				return nil, err
			}
			out = append(out, child)
		}
	}
	return out, nil
}

type memReader struct {
	*bytes.Reader
	uri fyne.URI
}

func (m *memReader) Close() error  { return nil }
func (m *memReader) URI() fyne.URI { return m.uri }

type memWriter struct {
	repo *memRepo
	uri  fyne.URI
	buf  bytes.Buffer
}

func (w *memWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }
func (w *memWriter) URI() fyne.URI               { return w.uri }

func (w *memWriter) Close() error {
	w.repo.mu.Lock()
	defer w.repo.mu.Unlock()
	w.repo.files[w.uri.String()] = bytes.Clone(w.buf.Bytes())
	return nil
}

func TestAzureExportIntoAFolderOutsideTheFileSystem(t *testing.T) {
	u, s, _ := newTestUI(t)
	if _, err := s.CreateDemo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	repo := &memRepo{files: map[string][]byte{}}
	repository.Register("techwalk-test", repo)
	folder, err := storage.ListerForURI(storage.NewURI("techwalk-test://picked/Exports"))
	if err != nil {
		t.Fatal(err)
	}
	test.Tap(loadedFindings(u, "").exportBtn)
	es := u.export
	es.previewJob.wait()
	es.format.SetSelected("Azure DevOps (CSV)")
	es.previewJob.wait()
	opt, err := es.options()
	if err == nil {
		opt, err = es.withTeacherNames(opt)
	}
	if err != nil {
		t.Fatal(err)
	}
	// What the export will write, worked out first: once written, its
	// findings are in backlog and a default export leaves them out.
	want, err := backlog.Parts(ctx, s, opt, es.baseName(opt))
	if err != nil || len(want) == 0 {
		t.Fatalf("backlog.Parts: %d parts, %v", len(want), err)
	}
	es.onFolder(opt, folder, nil)
	es.exportJob.wait()
	for _, part := range want {
		got, ok := repo.files["techwalk-test://picked/Exports/"+url.PathEscape(part.Name)]
		if !ok || !bytes.Equal(got, part.Data) {
			t.Errorf("%s: written %v, %d bytes; want %d bytes; result %q", part.Name, ok, len(got), len(part.Data), es.result.Text)
		}
	}
	if len(repo.files) != len(want) || !strings.Contains(es.result.Text, want[0].Name) {
		t.Errorf("%d files written for %d parts; result %q", len(repo.files), len(want), es.result.Text)
	}
	if again, err := backlog.Parts(ctx, s, opt, es.baseName(opt)); err != nil || len(again) > 0 && bytes.Equal(again[0].Data, want[0].Data) {
		t.Errorf("a second default export repeats the first (%v): the exported findings were not recorded as in backlog", err)
	}
	findings, _ := s.Findings(ctx, audit.FindingFilter{})
	if lines := bytes.Count(want[0].Data, []byte("\n")); len(findings) == 0 || lines < 2 {
		t.Errorf("export of %d findings has %d lines", len(findings), lines)
	}
}
