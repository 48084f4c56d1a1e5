//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package app

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"techwalk/audit/postgres"
	"techwalk/audit/postgres/pgtest"
	"techwalk/audit/sqlite"
)

// TestSyncButtonSendsTheDistrictToTheHub types the hub URL, password and
// all, into Settings: only the URL without the password is saved. Sync on
// Home then sends the device's district to the hub in the background (the
// password from ~/.pgpass) and says so in the status bar; a second device
// syncing brings it all. A hub that cannot be reached is said to be
// offline, with the work kept on the device.
func TestSyncButtonSendsTheDistrictToTheHub(t *testing.T) {
	ctx := context.Background()
	srv, hubURL := pgtest.Database(t)
	admin, err := postgres.Open(ctx, hubURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, _, err := admin.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	pass := filepath.Join(t.TempDir(), "pgpass")
	if err := os.WriteFile(pass, []byte(fmt.Sprintf("127.0.0.1:%d:*:%s:%s\n", srv.Port(), pgtest.AdminUser, srv.Password())), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PGPASSFILE", pass)
	t.Setenv(hubEnv, "")

	u, store, path := newTestUI(t)
	if _, err := store.CreateDemo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	st := u.showSettings()
	test.Type(st.hubURL, hubURL)
	saved, _ := store.Setting(ctx, sqlite.SettingHubURL, "")
	if saved == "" || strings.Contains(saved, srv.Password()) || !strings.Contains(st.saved.Text, "without the password") {
		t.Fatalf("saved hub URL %q; status %q", saved, st.saved.Text)
	}
	h := u.showHome()
	h.loading.wait()
	test.Tap(h.syncBtn)
	u.hubSync.work.wait()
	if !strings.HasPrefix(u.hubSync.last, "Synced with the hub") || !strings.Contains(u.home.status.Text, "sent ") {
		t.Fatalf("after Sync: %q; status bar %q", u.hubSync.last, u.home.status.Text)
	}
	hubStatus, err := admin.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if hubStatus.Counts[0].Table != "schools" || hubStatus.Counts[0].Rows != 3 {
		t.Fatalf("the hub holds %+v after Sync", hubStatus.Counts)
	}
	for _, f := range []string{path, path + "-wal"} {
		if b, _ := os.ReadFile(f); strings.Contains(string(b), srv.Password()) {
			t.Fatalf("%s holds the hub password", f)
		}
	}

	other, otherStore, _ := newTestUI(t)
	if err := otherStore.SetSetting(ctx, sqlite.SettingHubURL, saved); err != nil {
		t.Fatal(err)
	}
	oh := other.showHome()
	oh.loading.wait()
	test.Tap(oh.syncBtn)
	other.hubSync.work.wait()
	other.home.loading.wait()
	if !strings.Contains(other.hubSync.last, "brought ") {
		t.Fatalf("second device's Sync: %q", other.hubSync.last)
	}
	if got := len(other.home.schools); got != 3 {
		t.Fatalf("after Sync the second device's Home lists %d schools, want 3", got)
	}

	closed := strings.Replace(saved, ":"+strconv.Itoa(srv.Port()), ":"+closedPort(t), 1)
	if err := store.SetSetting(ctx, sqlite.SettingHubURL, closed); err != nil {
		t.Fatal(err)
	}
	test.Tap(u.home.syncBtn)
	u.hubSync.work.wait()
	if u.hubSync.last != offlineMessage || u.home.status.Text != offlineMessage {
		t.Fatalf("offline Sync said %q; status bar %q", u.hubSync.last, u.home.status.Text)
	}
}

func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	return port
}
