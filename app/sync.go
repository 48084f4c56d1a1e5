package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"techwalk/audit"
	"techwalk/audit/hubsync"
	"techwalk/audit/postgres"
	"techwalk/audit/sqlite"
)

// syncTimeout bounds one sync: a district's first push or pull is large.
const syncTimeout = 30 * time.Minute

// hubEnv names the environment variable read when Settings has no hub URL.
const hubEnv = "TECHWALK_HUB"

// offlineMessage is what Sync says when the hub cannot be reached.
const offlineMessage = "offline: the hub cannot be reached; your work is saved on this device"

// hubSyncFlow syncs this device with the district hub from Home's Sync
// button: pull, then push, in the background, with its progress and its
// outcome in Home's status bar.
type hubSyncFlow struct {
	u       *ui
	store   *sqlite.Store
	work    job
	running bool
	again   bool   // the District screen asked for a pull while one ran
	last    string // the last message shown, for tests and for Home shown again
	// open connects to the hub; postgres.Open, which tests wrap to hold a
	// sync back while they look at the screen it started from.
	open func(ctx context.Context, url string) (*postgres.Hub, error)
}

func newHubSyncFlow(u *ui) *hubSyncFlow {
	return &hubSyncFlow{u: u, store: u.store, open: postgres.Open}
}

// say shows msg in Home's status bar, when Home is on screen.
func (f *hubSyncFlow) say(show func(*statusBar)) {
	if f.u.home != nil && f.u.showing == "home" {
		show(f.u.home.status)
	}
}

func (f *hubSyncFlow) info(msg string) {
	f.last = msg
	f.say(func(b *statusBar) { b.info(msg) })
}

// hubURL is the hub URL saved in Settings, else $TECHWALK_HUB.
func (f *hubSyncFlow) hubURL() string {
	url, _ := f.store.Setting(f.u.ctx, sqlite.SettingHubURL, "")
	if url == "" {
		url = os.Getenv(hubEnv)
	}
	return url
}

// onSync starts a sync unless one is running.
func (f *hubSyncFlow) onSync() {
	if f.running {
		return
	}
	url := f.hubURL()
	if url == "" {
		err := errors.New("no district hub yet: give its URL in Settings")
		f.last = err.Error()
		f.say(func(b *statusBar) { b.failed(err) })
		return
	}
	f.running = true
	f.info("Syncing with the district hub…")
	f.work.start(func() func() {
		msg, err := f.sync(url)
		return func() { f.done(msg, err) }
	})
}

// sync pulls, then pushes; a read-only account (a principal) only pulls.
// It runs off Fyne's goroutine.
func (f *hubSyncFlow) sync(url string) (string, error) {
	ctx, cancel := context.WithTimeout(f.u.ctx, syncTimeout)
	defer cancel()
	h, err := f.open(ctx, url)
	if err != nil {
		return "", err
	}
	defer h.Close()
	progress := func(verb string) postgres.Progress {
		return func(part string, done, total int) {
			msg := fmt.Sprintf("Syncing: %s %s (%d of %d rows)…", verb, strings.ReplaceAll(part, "_", " "), done, total)
			fyne.Do(func() { f.info(msg) })
		}
	}
	rep, err := hubsync.Sync(ctx, f.store, h, progress("bringing"), progress("sending"))
	if err != nil {
		return "", err
	}
	if !rep.Access.Write {
		msg := fmt.Sprintf("Read-only account: brought %s; nothing is sent.", plural(rep.Brought(), "change"))
		if rep.Unsent > 0 {
			msg += fmt.Sprintf(" This device holds %s made here that a principal's account cannot send.", plural(rep.Unsent, "change"))
		}
		return msg, nil
	}
	brought := rep.Pulled.Total()
	msg := fmt.Sprintf("Synced with the hub: brought %d new and %d updated rows, sent %d.",
		brought.Added, brought.Updated, rep.Pushed.Changed())
	if rep.Pulled.SetAside > 0 {
		msg += fmt.Sprintf(" Set aside %s belonging to a visit not on this device yet, until the visit arrives.", plural(rep.Pulled.SetAside, "row"))
	}
	return msg, nil
}

// bring runs work, a pull for the District screen, in the background
// unless a sync or another pull runs: a sync and a pull never merge into
// the database at once. Then it returns false, and the District screen, if
// still on show, brings the district again once that one ends. The func
// work returns is called on Fyne's goroutine.
func (f *hubSyncFlow) bring(work func() (apply func())) bool {
	if f.running {
		f.again = true
		return false
	}
	f.running = true
	f.work.start(func() func() {
		apply := work()
		return func() {
			f.running = false
			apply()
			f.bringAgain()
		}
	})
	return true
}

// bringAgain brings the district for the District screen when it asked
// while a sync or pull ran and is still on show.
func (f *hubSyncFlow) bringAgain() {
	if f.again && f.u.showing == "district" && f.u.district != nil {
		f.again = false
		f.u.district.fromHub()
	}
}

// pull brings what the hub at url holds that this device lacks, sending
// nothing; it runs off Fyne's goroutine.
func (f *hubSyncFlow) pull(url string) (audit.ApplyReport, error) {
	ctx, cancel := context.WithTimeout(f.u.ctx, syncTimeout)
	defer cancel()
	h, err := f.open(ctx, url)
	if err != nil {
		return audit.ApplyReport{}, err
	}
	defer h.Close()
	return hubsync.Bring(ctx, f.store, h, nil)
}

// done shows how the sync ended and reloads what it changed.
func (f *hubSyncFlow) done(msg string, err error) {
	f.running = false
	defer f.bringAgain()
	if err != nil {
		err = syncError(err)
		f.last = err.Error()
		f.say(func(b *statusBar) { b.failed(err) })
		return
	}
	f.u.dataChanged()
	f.last = msg
	f.say(func(b *statusBar) { b.success(msg) })
}

// syncError says what a failed sync means for the person holding the device.
func syncError(err error) error {
	switch {
	case errors.Is(err, audit.ErrHubUnreachable):
		return errors.New(offlineMessage)
	case errors.Is(err, audit.ErrHubUntrusted):
		return fmt.Errorf("the hub's certificate is not trusted, so nothing was sent; ask the district's IT for its certificate authority (%w)", err)
	case errors.Is(err, audit.ErrHubBadLogin):
		return fmt.Errorf("%w; check the user name in Settings and the password in ~/.pgpass", err)
	case errors.Is(err, audit.ErrHubNoRole), errors.Is(err, audit.ErrHubDeviceTaken):
		return err // its message says what to do
	case errors.Is(err, audit.ErrHubDenied):
		return fmt.Errorf("%w; ask the district's IT for access", err)
	case errors.Is(err, audit.ErrHubNotSetUp):
		return fmt.Errorf("the hub is not set up for this TechWalk: the district's IT runs 'techwalk hub init' (%w)", err)
	}
	return err
}
