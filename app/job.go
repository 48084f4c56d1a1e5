package app

import (
	"sync"

	"fyne.io/fyne/v2"
)

// job runs slow work (imports, exports, previews) off Fyne's goroutine and
// applies its result to the widgets through fyne.Do. When runs overlap,
// only the latest one's result is applied.
type job struct {
	mu   sync.Mutex
	done chan struct{} // closed once the latest run has applied its result
	gen  int           // counts runs, so a stale result is dropped
}

// start runs work in the background; the func it returns is called on
// Fyne's goroutine, unless a newer run has started since.
func (j *job) start(work func() (apply func())) {
	j.mu.Lock()
	j.gen++
	gen, done := j.gen, make(chan struct{})
	j.done = done
	j.mu.Unlock()
	go func() {
		apply := work()
		fyne.Do(func() {
			defer close(done)
			if j.latest(gen) {
				apply()
			}
		})
	}()
}

func (j *job) latest(gen int) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return gen == j.gen
}

// wait blocks until the latest run has applied its result.
func (j *job) wait() {
	j.mu.Lock()
	done := j.done
	j.mu.Unlock()
	if done != nil {
		<-done
	}
}
