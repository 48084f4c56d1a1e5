//go:build unix

package pgtest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childEnv tells a re-executed test binary to start a server, print its
// pid and folder, and then die the way the value names.
const childEnv = "PGTEST_CHILD"

func TestMain(m *testing.M) {
	if how := os.Getenv(childEnv); how != "" {
		os.Exit(child(how))
	}
	os.Exit(Main(m))
}

func child(how string) int {
	srv, err := Start()
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	fmt.Println("server", srv.PID(), srv.Dir())
	switch how {
	case "panic":
		panic("a test panicked")
	case "kill":
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
	}
	time.Sleep(time.Minute)
	return 0
}

// TestStartStop starts a second cluster beside the shared one, connects,
// stops it and checks its process and folder are gone.
func TestStartStop(t *testing.T) {
	Shared(t)
	srv, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	pid, dir := srv.PID(), srv.Dir()
	if err := srv.Exec("postgres", "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if alive(pid) {
		t.Fatalf("postgres %d still runs after Stop", pid)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("cluster folder %s is left after Stop (%v)", dir, err)
	}
}

// TestServerDiesWithTheTestProcess re-runs this test binary, which starts a
// server and then panics or is killed with SIGKILL: no deferred code runs,
// and the server must still go away.
func TestServerDiesWithTheTestProcess(t *testing.T) {
	Shared(t)
	for _, how := range []string{"panic", "kill"} {
		t.Run(how, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), childEnv+"="+how)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var pid int
			var dir string
			line, _ := bufio.NewReader(out).ReadString('\n')
			if _, err := fmt.Sscanf(line, "server %d %s", &pid, &dir); err != nil {
				cmd.Process.Kill()
				t.Fatalf("child said %q: %v", strings.TrimSpace(line), err)
			}
			if err := cmd.Wait(); err == nil {
				t.Fatal("the child exited cleanly; it should have died")
			}
			deadline := time.Now().Add(15 * time.Second)
			for alive(pid) {
				if time.Now().After(deadline) {
					syscall.Kill(pid, syscall.SIGKILL)
					t.Fatalf("postgres %d outlived the test process that died by %s", pid, how)
				}
				time.Sleep(20 * time.Millisecond)
			}
			// The next cluster started removes the dead process's folder.
			next, err := Start()
			if err != nil {
				t.Fatal(err)
			}
			next.Stop()
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				os.RemoveAll(dir)
				t.Fatalf("the folder %s of the dead test process is left (%v)", dir, err)
			}
		})
	}
}

// alive reports whether pid is a running process (not a zombie).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return runtime.GOOS != "linux" && syscall.Kill(pid, 0) == nil
	}
	fields := strings.Fields(string(b))
	return len(fields) > 2 && fields[2] != "Z"
}
