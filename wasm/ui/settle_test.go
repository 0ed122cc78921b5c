//go:build js && wasm

package ui_test

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/wasm/ui"
)

// TestSettleWaitsForEveryGo starts goroutines with ui.Go that wait for a
// release and checks that Settle returns only once all of them returned,
// in rounds, so that a token left by an earlier round cannot let Settle
// return early.
func TestSettleWaitsForEveryGo(t *testing.T) {
	for _, n := range []int{1, 3, 1} {
		release := make(chan struct{})
		var finished atomic.Int32
		for i := 0; i < n; i++ {
			ui.Go(func() {
				<-release
				finished.Add(1)
			})
		}
		settled := make(chan int, 1)
		go func() {
			ui.Settle()
			settled <- int(finished.Load())
		}()
		// Let every goroutine run up to where it blocks: the wasm port has
		// one thread, so Gosched runs each of them before this one again.
		for i := 0; i < 10; i++ {
			runtime.Gosched()
		}
		select {
		case got := <-settled:
			t.Fatalf("Settle returned with %d of %d goroutines still waiting", n-got, n)
		default:
		}
		close(release)
		select {
		case got := <-settled:
			assert.Equal(t, n, got, "goroutines that had returned when Settle did")
		case <-time.After(10 * time.Second):
			require.FailNow(t, "Settle did not return after every goroutine did")
		}
	}
}

// TestSettleWithNothingRunning returns at once.
func TestSettleWithNothingRunning(t *testing.T) {
	done := make(chan struct{})
	go func() {
		ui.Settle()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		require.FailNow(t, "Settle waited with no goroutine started")
	}
}
