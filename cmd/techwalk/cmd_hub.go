package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"techwalk/audit"
	"techwalk/audit/hubsync"
	"techwalk/audit/postgres"
	"techwalk/audit/sqlite"
)

const hubUsage = "usage: techwalk hub init|status|push|pull|sync [--hub URL] [--db PATH] (init: create or upgrade the district hub's schema and roles; " +
	"status: what the hub holds and what waits each way; push: send this device's changes; pull: bring the district's; sync: pull, then push)"

// hubEnv names the environment variable read when --hub is not given.
const hubEnv = "TECHWALK_HUB"

func runHub(cli *CLI, args []string) error {
	if err := cli.subcommand(args, hubUsage, "init", "status", "push", "pull", "sync"); err != nil {
		return err
	}
	fs := cli.newFlags("hub " + args[0])
	hub := fs.String("hub", "", "hub URL, e.g. postgres://USER@HOST/DATABASE?sslmode=verify-full (default $"+hubEnv+", else the URL saved in Settings; the password comes from ~/.pgpass or PGPASSWORD)")
	db := dbFlag(fs)
	limit := time.Minute
	if args[0] == "push" || args[0] == "pull" || args[0] == "sync" {
		limit = 30 * time.Minute // a whole district's first push or pull
	}
	timeout := fs.Duration("timeout", limit, "give up after this long")
	var asJSON *bool
	if args[0] == "status" {
		asJSON = fs.Bool("json", false, "print the status as JSON")
	}
	if err := parseFlags(fs, args[1:], 0); err != nil {
		return err
	}
	url, fromFlag, err := hubURL(*hub, *db)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	h, err := postgres.Open(ctx, url)
	if err != nil {
		return hubError(err)
	}
	defer h.Close()
	switch args[0] {
	case "init":
		return hubInit(ctx, cli, h, url, fromFlag, *db)
	case "status":
		return hubStatus(ctx, cli, h, *db, *asJSON)
	}
	return hubSync(ctx, cli, h, args[0], *db, flagged(url, fromFlag))
}

// flagged is url when it was typed with --hub, else "".
func flagged(url string, fromFlag bool) string {
	if fromFlag {
		return url
	}
	return ""
}

// hubURL chooses the hub: --hub, else $TECHWALK_HUB, else the URL saved in
// Settings, else libpq's own PG* variables when PGHOST or PGSERVICE is set.
// fromFlag says it was typed, so init may save it.
func hubURL(flagURL, dbPath string) (url string, fromFlag bool, err error) {
	switch {
	case flagURL != "":
		return flagURL, true, nil
	case os.Getenv(hubEnv) != "":
		return os.Getenv(hubEnv), false, nil
	}
	if saved := settingsHubURL(dbPath); saved != "" {
		return saved, false, nil
	}
	if os.Getenv("PGHOST") != "" || os.Getenv("PGSERVICE") != "" {
		return "", false, nil
	}
	return "", false, fmt.Errorf("no hub given: use --hub postgres://USER@HOST/DATABASE?sslmode=verify-full, set %s, or save the hub URL in Settings", hubEnv)
}

// settingsHubURL is the hub URL saved in this device's Settings, or "".
func settingsHubURL(dbPath string) string {
	store, err := openReader(dbPath)
	if err != nil {
		return ""
	}
	defer store.Close()
	url, _ := store.Setting(context.Background(), sqlite.SettingHubURL, "")
	return url
}

// hubError adds what to do to the hub errors people can act on.
func hubError(err error) error {
	switch {
	case errors.Is(err, audit.ErrHubUnreachable):
		return fmt.Errorf("%w; check the URL and the network (TechWalk keeps working offline: your work is saved on this device and goes to the hub with the next push)", err)
	case errors.Is(err, audit.ErrHubUntrusted):
		return fmt.Errorf("%w; nothing was sent. Give the district's certificate authority with sslrootcert=FILE in the URL (or ~/.postgresql/root.crt) and the server's own name as the host", err)
	case errors.Is(err, audit.ErrHubNotSetUp):
		return fmt.Errorf("%w; the district's database administrator creates the database (createdb) and runs 'techwalk hub init --hub URL' with an account that may create roles", err)
	case errors.Is(err, audit.ErrHubBadLogin):
		return fmt.Errorf("%w; check the user name and its password in ~/.pgpass", err)
	case errors.Is(err, audit.ErrHubNoRole), errors.Is(err, audit.ErrHubDeviceTaken):
		return err // its message says what to do
	case errors.Is(err, audit.ErrHubDenied):
		return fmt.Errorf("%w; ask the district's database administrator for access", err)
	}
	return err
}

func hubInit(ctx context.Context, cli *CLI, h *postgres.Hub, url string, fromFlag bool, dbPath string) error {
	from, to, err := h.Migrate(ctx)
	if err != nil {
		return hubError(err)
	}
	if from == to {
		fmt.Fprintf(cli.Out, "Hub %s is up to date (schema %d).\n", h.Target(), to)
	} else {
		fmt.Fprintf(cli.Out, "Hub %s set up: schema %d -> %d, roles techwalk_auditor and techwalk_reader, row-level security on every table.\n",
			h.Target(), from, to)
	}
	if fromFlag {
		saveHubURL(cli, url, dbPath)
	}
	return nil
}

// saveHubURL keeps the hub URL, without its password, in the Settings of
// this device's database when that database exists (it never creates one).
func saveHubURL(cli *CLI, url, dbPath string) {
	clean, err := postgres.SaveableURL(url)
	if err != nil {
		fmt.Fprintf(cli.Err, "The hub URL was not saved in Settings: %v\n", err)
		return
	}
	store, err := openExisting(dbPath)
	if errors.Is(err, audit.ErrNoDatabase) {
		return
	}
	if err == nil {
		defer store.Close()
		err = store.SetSetting(context.Background(), sqlite.SettingHubURL, clean)
	}
	if err != nil {
		fmt.Fprintf(cli.Err, "The hub URL was not saved in Settings: %v\n", err)
		return
	}
	fmt.Fprintf(cli.Out, "Saved %s in this device's Settings (without any password).\n", clean)
}

// hubStatusJSON is what 'hub status --json' prints: the hub's status and,
// when this device has a database, what waits each way.
type hubStatusJSON struct {
	postgres.Status
	ReadOnly bool             `json:"read_only,omitempty"` // a principal's account: nothing is sent
	Waiting  *hubsync.Waiting `json:"waiting,omitempty"`
}

func hubStatus(ctx context.Context, cli *CLI, h *postgres.Hub, dbPath string, asJSON bool) error {
	access, err := h.Access(ctx)
	if err != nil {
		return hubError(err)
	}
	st, err := h.Status(ctx)
	if err != nil {
		return hubError(err)
	}
	waiting, err := waitingEachWay(ctx, h, dbPath)
	if err != nil {
		return hubError(err)
	}
	if asJSON {
		enc := json.NewEncoder(cli.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(hubStatusJSON{Status: st, ReadOnly: !access.Write, Waiting: waiting})
	}
	roles := "no TechWalk role"
	if len(st.Roles) > 0 {
		roles = strings.Join(st.Roles, ", ")
	}
	fmt.Fprintf(cli.Out, "Hub %s: schema %d (this TechWalk sets up %d)\n", st.Target, st.Version, st.Latest)
	fmt.Fprintf(cli.Out, "Signed in as %s (%s)\n", st.Login, roles)
	counts := make([]string, len(st.Counts))
	for i, c := range st.Counts {
		counts[i] = fmt.Sprintf("%s %d", strings.ReplaceAll(c.Table, "_", " "), c.Rows)
	}
	fmt.Fprintf(cli.Out, "Rows this login can read (each device's version of a row counts): %s\n", strings.Join(counts, ", "))
	switch {
	case waiting != nil && !access.Write && waiting.ToSend > 0:
		fmt.Fprintf(cli.Out, "Waiting: %s to bring; this device holds %s made here that a read-only account cannot send\n",
			changes(waiting.ToBring), changes(waiting.ToSend))
	case waiting != nil && !access.Write:
		fmt.Fprintf(cli.Out, "Waiting: %s to bring; nothing is sent from a read-only account\n", changes(waiting.ToBring))
	case waiting != nil:
		fmt.Fprintf(cli.Out, "Waiting: %s to send, %s to bring\n", changes(waiting.ToSend), changes(waiting.ToBring))
	case !access.Write:
		fmt.Fprintln(cli.Out, "Read-only account: it brings the schools it may read; nothing is sent")
	}
	if waiting != nil && !waiting.SetAside.Empty() {
		v, f := len(waiting.SetAside.Visits), len(waiting.SetAside.Findings)
		fmt.Fprintf(cli.Out, "Set aside: rows of %d %s and %d %s not on this device yet; each pull looks for them again\n",
			v, plural(v, "visit", "visits"), f, plural(f, "finding", "findings"))
	}
	return nil
}

// waitingEachWay counts what waits each way between this device's
// database and the hub; nil when there is no database, or the hub's schema
// is older than push and pull need.
func waitingEachWay(ctx context.Context, h *postgres.Hub, dbPath string) (*hubsync.Waiting, error) {
	if v, err := h.Version(ctx); err != nil || v < postgres.Latest() {
		return nil, err
	}
	store, err := openReader(dbPath)
	if errors.Is(err, audit.ErrNoDatabase) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer store.Close()
	w, err := hubsync.Count(ctx, store, h)
	return &w, err
}

func changes(n int) string {
	if n == 1 {
		return "1 change"
	}
	return fmt.Sprintf("%d changes", n)
}

// hubSync runs push, pull or sync (pull, then push) between this
// device's database and the hub. A read-only account's sync pulls only;
// its push is refused and sends nothing. A pull or sync onto a device
// with no database yet makes it, as a bundle import does: that is how a
// device joins the district. A push needs the database. A hub URL typed
// with --hub (typed, else "") goes into Settings when none is saved
// there yet, so the app's Sync and District screen use it too.
func hubSync(ctx context.Context, cli *CLI, h *postgres.Hub, what, dbPath, typed string) error {
	open := openStore
	if what == "push" {
		open = openExisting
	}
	store, err := open(dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := keepHubURL(ctx, cli, store, typed); err != nil {
		return err
	}
	switch what {
	case "push":
		rep, err := hubsync.Push(ctx, store, h, nil)
		if err != nil {
			return hubError(err)
		}
		fmt.Fprintln(cli.Out, pushSummary(h, rep))
		return nil
	case "pull":
		rep, err := hubsync.Bring(ctx, store, h, nil)
		if err != nil {
			return hubError(err)
		}
		fmt.Fprintln(cli.Out, pullSummary(h, rep))
		return nil
	}
	rep, err := hubsync.Sync(ctx, store, h, nil, nil)
	if rep.Pulled.Parts != nil {
		fmt.Fprintln(cli.Out, pullSummary(h, rep.Pulled))
	}
	if err != nil {
		return hubError(err)
	}
	if !rep.Access.Write {
		fmt.Fprintf(cli.Out, "Read-only account: brought %s; nothing is sent (login %s may read its schools, not change them).\n",
			changes(rep.Brought()), rep.Access.Login)
		if rep.Unsent > 0 {
			fmt.Fprintf(cli.Out, "This device holds %s made here that a principal's account cannot send.\n", changes(rep.Unsent))
		}
		return nil
	}
	fmt.Fprintln(cli.Out, pushSummary(h, rep.Pushed))
	return nil
}

// keepHubURL saves url, without its password, as the device's hub when
// it has none yet.
func keepHubURL(ctx context.Context, cli *CLI, store *sqlite.Store, url string) error {
	if url == "" {
		return nil
	}
	saved, err := store.Setting(ctx, sqlite.SettingHubURL, "")
	if err != nil || saved != "" {
		return err
	}
	clean, err := postgres.SaveableURL(url)
	if err != nil {
		return nil // a URL libpq takes that Settings cannot keep (key=value): used, not saved
	}
	if err := store.SetSetting(ctx, sqlite.SettingHubURL, clean); err != nil {
		return err
	}
	fmt.Fprintf(cli.Out, "Saved %s as this device's hub in Settings (without any password), for the app's Sync and District screen.\n", clean)
	return nil
}

// pullSummary says in one line what a pull brought.
func pullSummary(h *postgres.Hub, rep audit.ApplyReport) string {
	if rep.Total() == (audit.PartCount{}) && rep.SetAside == 0 {
		return fmt.Sprintf("Nothing to pull: this device holds everything of hub %s.", h.Target())
	}
	return fmt.Sprintf("Pulled from hub %s: %s.", h.Target(), rep.Summary())
}

// partLabel names a part of a push for people: the conflicts part carries
// this device's settlings of conflicts, not conflicts.
func partLabel(name string) string {
	if name == "conflicts" {
		return "settled conflicts"
	}
	return strings.ReplaceAll(name, "_", " ")
}

// pushSummary says in one line what a push did.
func pushSummary(h *postgres.Hub, rep postgres.PushReport) string {
	sent := 0
	for _, n := range rep.Sent {
		sent += n
	}
	switch {
	case rep.AlreadyPushed:
		return fmt.Sprintf("Hub %s already had these changes (change set %s): nothing changed.", h.Target(), rep.ChangeSet)
	case sent == 0:
		return fmt.Sprintf("Nothing to push: hub %s holds every change of this device.", h.Target())
	}
	var parts []string
	for _, name := range postgres.Parts() {
		if n := rep.Sent[name]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", partLabel(name), n))
		}
	}
	took := rep.Changed()
	line := fmt.Sprintf("Pushed to hub %s: %s; the hub took %d %s", h.Target(), strings.Join(parts, ", "), took, plural(took, "row", "rows"))
	if rep.PhotosKnown > 0 {
		line += fmt.Sprintf(" (%d photos it already had went without their bytes)", rep.PhotosKnown)
	}
	return line + "."
}
