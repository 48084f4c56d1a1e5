package sqlite

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"techwalk/audit"
	"testing"
	"testing/fstest"
	"time"
)

func init() {
	childModes["serve"] = serveChild
	childModes["opennew"] = openNewChild
	childModes["open"] = openChild
}

// serveChild runs "path|visitID|roomID": it opens the store, says "ready",
// then saves answer qN for every "save N" line on stdin and says "ack a N"
// (or "error MESSAGE"). It exits when stdin closes.
func serveChild(out *bufio.Writer, args []string) int {
	s, err := Open(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	say(out, "ready")
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		n, err := strconv.Atoi(strings.TrimPrefix(sc.Text(), "save "))
		if err != nil {
			continue
		}
		a := audit.Answer{VisitID: args[1], RoomID: args[2], ItemID: fmt.Sprintf("q%d", n), Value: answerValue(n)}
		if err := s.SaveAnswer(context.Background(), &a); err != nil {
			say(out, "error %s", strings.ReplaceAll(err.Error(), "\n", " "))
			continue
		}
		say(out, "ack a %d", n)
	}
	return 0
}

// startServe starts a serve child with a pipe to its stdin.
func startServe(t *testing.T, path, visitID, roomID string) (*child, io.WriteCloser) {
	t.Helper()
	c := &child{ready: make(chan struct{}), done: make(chan struct{})}
	c.cmd = exec.Command(os.Args[0], "-test.run=^$")
	c.cmd.Env = append(os.Environ(), childEnv+"="+strings.Join([]string{"serve", path, visitID, roomID}, "|"))
	stdin, err := c.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c.cmd.Stderr = &c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.cmd.Process.Kill(); <-c.done })
	go c.read(bufio.NewScanner(stdout))
	select {
	case <-c.ready:
	case <-time.After(30 * time.Second):
		t.Fatal("serve child did not get ready within 30 s")
	}
	return c, stdin
}

// saveVia asks a serve child to save answers from..to-1 and waits for each.
func saveVia(t *testing.T, c *child, stdin io.Writer, from, to int) {
	t.Helper()
	for n := from; n < to; n++ {
		fmt.Fprintf(stdin, "save %d\n", n)
		deadline := time.Now().Add(20 * time.Second)
		for len(c.ackedAnswers())+len(c.events("error ")) < n+1 {
			if time.Now().After(deadline) {
				t.Fatalf("the child did not answer save %d; stderr:\n%s", n, c.stderr.String())
			}
			time.Sleep(time.Millisecond)
		}
	}
	if errs := c.events("error "); len(errs) > 0 {
		t.Fatalf("the child could not save: %s", errs[0])
	}
}

func TestRestoreRefusesWhileAnotherProcessHasTheFileOpen(t *testing.T) {
	target := newKillTarget(t, 40)
	visitID := target.newVisit(t)
	s, err := Open(target.path)
	if err != nil {
		t.Fatal(err)
	}
	backup, err := s.Backup(context.Background(), "manual")
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	c, stdin := startServe(t, target.path, visitID, target.roomID)
	saveVia(t, c, stdin, 0, 20)
	before := fileHash(t, target.path)
	_, err = Restore(context.Background(), target.path, backup)
	if !errors.Is(err, audit.ErrInUse) {
		t.Fatalf("restore while another TechWalk process has the file open: err = %v, want ErrInUse", err)
	}
	if !strings.Contains(err.Error(), "close it and try again") || !strings.Contains(err.Error(), "nothing was changed") {
		t.Errorf("message %q does not say what to do", err)
	}
	if fileHash(t, target.path) != before {
		t.Error("the refused restore changed the database file")
	}
	if _, err := os.Stat(target.path + "-wal"); err != nil {
		t.Errorf("the refused restore removed the open WAL: %v", err)
	}
	if kept, _ := ListBackups(target.path); len(kept) != 1 {
		t.Errorf("the refused restore left %d backups, want the 1 made before", len(kept))
	}
	saveVia(t, c, stdin, 20, 40)
	c.cmd.Process.Signal(syscall.SIGKILL)
	c.wait(t)
	verifyAcked(t, target.path, "after the refused restore", visitID, c)
	if _, err := Restore(context.Background(), target.path, backup); err != nil {
		t.Fatalf("restore once nobody has the file open: %v", err)
	}
}

// countingMigrations are the real migrations plus a data migration that
// records every time it runs.
func countingMigrations(t testing.TB) fs.FS {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	m := fstest.MapFS{}
	for _, e := range entries {
		data, err := fs.ReadFile(migrationFiles, "migrations/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		m["migrations/"+e.Name()] = &fstest.MapFile{Data: data}
	}
	m[fmt.Sprintf("migrations/%04d_count.sql", len(entries)+1)] = &fstest.MapFile{
		Data: []byte("INSERT INTO local(key, value) VALUES ('migrated-' || lower(hex(randomblob(8))), 'ran');"),
	}
	return m
}

// openNewChild runs "path|goFile": with countingMigrations, it says
// "ready", waits until goFile exists, opens path and says "opened" or
// "error MESSAGE".
func openNewChild(out *bufio.Writer, args []string) int {
	migrationSource = countingMigrations(nil)
	say(out, "ready")
	for {
		if _, err := os.Stat(args[1]); err == nil {
			break
		}
		time.Sleep(200 * time.Microsecond)
	}
	s, err := Open(args[0])
	if err != nil {
		say(out, "error %s", strings.ReplaceAll(err.Error(), "\n", " "))
		return 0
	}
	say(out, "opened")
	if err := s.Close(); err != nil {
		say(out, "error %v", err)
	}
	return 0
}

func TestNewFileOpenedByManyProcessesAtOnceMigratesOnce(t *testing.T) {
	const rounds, procs = 4, 6
	original := migrationSource
	t.Cleanup(func() { migrationSource = original })
	for round := 0; round < rounds; round++ {
		dir := t.TempDir()
		path, goFile := filepath.Join(dir, "data", "techwalk.db"), filepath.Join(dir, "go")
		children := make([]*child, procs)
		for i := range children {
			children[i] = startChild(t, "opennew", path, goFile)
		}
		if err := os.WriteFile(goFile, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		for i, c := range children {
			if err := c.wait(t); err != nil {
				t.Fatalf("round %d child %d: %v\n%s", round, i, err, c.stderr.String())
			}
			if errs := c.events("error "); len(errs) > 0 {
				t.Fatalf("round %d: a process opening the new file at the same time as %d others failed: %s", round, procs-1, errs[0])
			}
		}
		migrationSource = countingMigrations(t)
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		var runs int
		if err := s.r.QueryRow("SELECT count(*) FROM local WHERE key LIKE 'migrated-%'").Scan(&runs); err != nil {
			t.Fatal(err)
		}
		s.Close()
		migrationSource = original
		if runs != 1 {
			t.Fatalf("round %d: the data migration ran %d times, want once", round, runs)
		}
	}
}

// openChild runs "path": it opens the store and says "opened", or
// "error MESSAGE" and "is NAME" for each sentinel error it matches.
func openChild(out *bufio.Writer, args []string) int {
	s, err := Open(args[0])
	if err == nil {
		say(out, "opened")
		s.Close()
		return 0
	}
	say(out, "error %s", strings.ReplaceAll(err.Error(), "\n", " "))
	for name, sentinel := range map[string]error{"NotTechWalk": audit.ErrNotTechWalk, "Damaged": audit.ErrDamaged, "ReadOnly": audit.ErrReadOnly, "NotAFile": audit.ErrNotAFile} {
		if errors.Is(err, sentinel) {
			say(out, "is %s", name)
		}
	}
	return 0
}

func TestForeignSQLiteFileStaysByteIdentical(t *testing.T) {
	for _, tc := range []struct{ name, setup string }{
		{"tables", "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES ('keep me');"},
		{"application-id", "PRAGMA application_id = 1234; CREATE TABLE t(x);"},
		{"user-version", "PRAGMA user_version = 7;"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "other.db")
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(tc.setup); err != nil {
				t.Fatal(err)
			}
			db.Close()
			before := fileHash(t, path)
			c := startChild(t, "open", path)
			if err := c.wait(t); err != nil {
				t.Fatalf("%v\n%s", err, c.stderr.String())
			}
			if got := c.events("is "); len(got) != 1 || got[0] != "NotTechWalk" {
				t.Errorf("opening another program's SQLite file: %v (%v), want ErrNotTechWalk", c.events("error "), got)
			}
			if fileHash(t, path) != before {
				t.Error("the refused file changed")
			}
			for _, suffix := range []string{walSuffix, shmSuffix, journalSuffix} {
				if _, err := os.Stat(path + suffix); err == nil {
					t.Errorf("the refused file got a %s file", suffix)
				}
			}
		})
	}
}
