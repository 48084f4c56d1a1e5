package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"techwalk/app"
)

func TestAppClosesTheStoreOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary under Xvfb")
	}
	needTools(t, "Xvfb", "xdotool")
	db, _ := demoWithBackup(t)
	bin := buildBinary(t)
	run := startApp(t, bin, db, startXvfb(t, 1280, 800))
	if _, err := os.Stat(db + "-wal"); err != nil {
		t.Fatalf("the running app has no WAL open: %v", err)
	}
	run.cmd.Process.Signal(syscall.SIGTERM)
	exited := make(chan error, 1)
	go func() { exited <- run.cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("the app did not exit cleanly on SIGTERM: %v\n%s", err, run.stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the app did not exit within 15 s of SIGTERM")
	}
	if _, err := os.Stat(db + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the WAL is still there: the store was not closed (%v)", err)
	}
	run.checkLog(t)
}

func TestRecoveryWindowForADamagedDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary under Xvfb")
	}
	needTools(t, "Xvfb", "xdotool", "import")
	db, _ := demoWithBackup(t)
	spoil(t, db)
	before := sum(t, db)
	bin := buildBinary(t)
	run := startApp(t, bin, db, startXvfb(t, 1280, 800))
	if out, err := run.xdo("search", "--onlyvisible", "--name", app.RecoveryTitle); err != nil || out == "" {
		t.Fatalf("no recovery window (%v); the app said:\n%s", err, run.stderr.String())
	}
	run.screenshot(t, filepath.Join(shotDir(t), "recovery-1280x800.png"))
	if sum(t, db) != before {
		t.Error("showing the recovery window changed the damaged file")
	}
	if strings.Contains(run.stderr.String(), "panic") {
		t.Fatalf("the app panicked:\n%s", run.stderr.String())
	}
}
