package report

import (
	"os"
	"os/exec"
	"testing"
)

func TestLook(t *testing.T) {
	s, id := demoStore(t)
	opt, _ := OptionsFromStore(t.Context(), s)
	opt.Warn = func(m string) { t.Log("warn:", m) }
	p := writeReport(t, s, id, opt)
	os.MkdirAll("/tmp/look", 0o755)
	b, _ := os.ReadFile(p)
	os.WriteFile("/tmp/look/r.pdf", b, 0o644)
	out, err := exec.Command("sh", "-c", "rm -f /tmp/look/p-*.png; pdftoppm -png -r 60 /tmp/look/r.pdf /tmp/look/p; pdfinfo /tmp/look/r.pdf; pdffonts /tmp/look/r.pdf; qpdf --check /tmp/look/r.pdf | tail -2").CombinedOutput()
	t.Log(string(out), err)
}
