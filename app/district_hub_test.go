//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package app

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"techwalk/audit/hubsync"
	"techwalk/audit/postgres"
	"techwalk/audit/postgres/pgtest"
	"techwalk/audit/sqlite"
)

// pushedDemo sets the hub at hubURL up and pushes a walking device's demo
// district to it, as the hub's owner.
func pushedDemo(t *testing.T, hubURL string) {
	t.Helper()
	ctx := context.Background()
	admin, err := postgres.Open(ctx, hubURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, _, err := admin.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	walker := openStore(t, filepath.Join(t.TempDir(), "walker.db"))
	defer walker.Close()
	if _, err := walker.CreateDemo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := hubsync.Push(ctx, walker, admin, nil); err != nil {
		t.Fatal(err)
	}
}

// TestSyncWithAReaderAccountPullsOnly: Sync on Home with a principal's
// read-only login brings its school only and says nothing is sent.
func TestSyncWithAReaderAccountPullsOnly(t *testing.T) {
	srv, hubURL := pgtest.Database(t)
	pushedDemo(t, hubURL)
	db := strings.TrimPrefix(mustParseURL(t, hubURL).Path, "/")
	login, password := srv.NewLogin(t, "lincoln", "techwalk_reader")
	if err := srv.Exec(db, `INSERT INTO techwalk.reader_schools(login, school_id)
		SELECT $1, id FROM techwalk.schools WHERE name = 'Lincoln Elementary School'`, login); err != nil {
		t.Fatal(err)
	}
	t.Setenv(hubEnv, srv.UserURL(login, password, db))
	u, _, _ := newTestUI(t)
	h := u.showHome()
	h.loading.wait()
	test.Tap(h.syncBtn)
	u.hubSync.work.wait()
	u.home.loading.wait()
	if !strings.HasPrefix(u.hubSync.last, "Read-only account: brought ") || !strings.HasSuffix(u.home.status.Text, "; nothing is sent.") {
		t.Fatalf("the reader's Sync said %q; status bar %q", u.hubSync.last, u.home.status.Text)
	}
	if len(u.home.schools) != 1 || u.home.schools[0].school.Name != "Lincoln Elementary School" {
		t.Fatalf("after the reader's Sync Home lists %+v", u.home.schools)
	}
	d := u.showDistrict()
	d.loading.wait()
	u.hubSync.work.wait()
	d.loading.wait()
	if !strings.HasPrefix(d.hubLine.Text, "Only the schools this principal's account may read, as the hub has them: brought 0 changes") {
		t.Errorf("the reader's District screen says %q", d.hubLine.Text)
	}
}

// TestDistrictScreenIsCurrentWithTheHub: on a device that never walked
// the district, the District screen with a hub set brings the district
// before showing it; Refresh again brings nothing new; with the hub's
// server stopped it keeps this device's copy and says when it was last
// brought; with no hub set it says the picture is this device's own.
func TestDistrictScreenIsCurrentWithTheHub(t *testing.T) {
	srv, err := pgtest.Start()
	if errors.Is(err, pgtest.ErrNoPostgres) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	if err := srv.Exec("postgres", "CREATE DATABASE hub"); err != nil {
		t.Fatal(err)
	}
	hubURL := srv.URL("hub")
	pushedDemo(t, hubURL)
	t.Setenv(hubEnv, hubURL)

	u, store, _ := newTestUI(t)
	// The first pull waits for the test to look at the screen: in tests
	// fyne.Do runs on the pull's own goroutine, so reading the widgets while
	// it may already be showing its result would race.
	looked := make(chan struct{})
	u.hubSync.open = func(ctx context.Context, url string) (*postgres.Hub, error) {
		<-looked
		return postgres.Open(ctx, url)
	}
	s := u.showDistrict()
	s.loading.wait() // this device's picture first: nothing yet
	if len(s.dist.Schools) != 0 || !strings.HasPrefix(s.hubLine.Text, "Bringing the district from the hub") || !s.refresh.Disabled() {
		t.Errorf("while it pulls: %d schools, the hub line reads %q (Refresh disabled: %v)", len(s.dist.Schools), s.hubLine.Text, s.refresh.Disabled())
	}
	close(looked)
	shown := func() {
		u.hubSync.work.wait()
		s.loading.wait()
	}
	shown()
	if len(s.dist.Schools) != 3 || !strings.HasPrefix(s.hubLine.Text, "The district as the hub has it: brought ") {
		t.Fatalf("after the pull: %d schools; hub line %q", len(s.dist.Schools), s.hubLine.Text)
	}
	test.Tap(s.refresh)
	shown()
	if !strings.HasPrefix(s.hubLine.Text, "The district as the hub has it: brought 0 changes") || s.refresh.Disabled() {
		t.Fatalf("Refresh with nothing new: hub line %q", s.hubLine.Text)
	}
	target, err := postgres.TargetOf(hubURL)
	if err != nil {
		t.Fatal(err)
	}
	last, err := hubsync.LastPull(u.ctx, store, target)
	if err != nil || last.IsZero() {
		t.Fatalf("last pull %v, %v", last, err)
	}

	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	test.Tap(s.refresh)
	shown()
	if want := "offline: showing this device's copy, last brought from the hub at " + last.Local().Format("2 January 2006, 15:04"); s.hubLine.Text != want {
		t.Fatalf("offline the hub line reads %q, want %q", s.hubLine.Text, want)
	}
	if len(s.dist.Schools) != 3 {
		t.Fatalf("offline the screen shows %d schools, want this device's 3", len(s.dist.Schools))
	}

	t.Setenv(hubEnv, "")
	if err := store.SetSetting(u.ctx, sqlite.SettingHubURL, ""); err != nil {
		t.Fatal(err)
	}
	s = u.showDistrict()
	s.loading.wait()
	if s.hubLine.Text != noHubLine || len(s.dist.Schools) != 3 {
		t.Fatalf("with no hub the line reads %q over %d schools", s.hubLine.Text, len(s.dist.Schools))
	}
}

func mustParseURL(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
