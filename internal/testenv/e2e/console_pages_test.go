//go:build e2e

package e2e

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/server/storage"
)

// TestConsoleReachesEveryConversation fills the database with more
// conversations than one list answer holds: the console's filters count
// them all (the server's totals), its list reaches the oldest through
// "Show older conversations", and a filter whose conversations are all
// older than the first list still shows them.
func TestConsoleReachesEveryConversation(t *testing.T) {
	const total = 420
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	ctx := context.Background()
	store, err := storage.OpenSQLite(ctx, filepath.Join(data, "crumbless.db"))
	require.NoError(t, err)
	start := time.Now().Add(-48 * time.Hour).UnixMilli()
	for i := 1; i <= total; i++ { // conversation i is the i-th oldest
		c, err := store.CreateConversation(ctx, []byte("visitor-"+strconv.Itoa(i)), "demo", nil, start+int64(i)*1000)
		require.NoError(t, err)
		require.Equal(t, int64(i), c.ID)
	}
	for _, id := range []int64{5, 400} {
		require.NoError(t, store.SetState(ctx, id, storage.StateResolved, 0, start+int64(id)*1000))
	}
	_, err = store.Rate(ctx, 5, storage.RatingGood, "", start+6000)
	require.NoError(t, err)
	require.NoError(t, store.Close())

	p := startChatProcess(t, data)
	b := newBrowser(t)
	inboxLogin(t, b, p.base, "ana", "correct horse")
	const (
		shownIDs = `[...document.querySelectorAll('#conversation-list button')].map(b => +b.dataset.id)`
		more     = `document.getElementById('more')`
	)
	b.waitFor(t, `document.getElementById('state-open').textContent.includes('418')`)
	assert.Contains(t, eval[string](t, b, `document.getElementById('state-resolved').textContent`), "2")
	assert.Contains(t, eval[string](t, b, `document.getElementById('rating-totals').textContent`), "1 good")

	// The first list holds the newest 200 of any state; the Open filter's
	// first page past them follows at once.
	b.waitFor(t, shownIDs+`.length === 299 && !`+more+`.hidden`)
	b.click(t, more)
	b.waitFor(t, shownIDs+`.length === 399`)
	b.click(t, more)
	b.waitFor(t, shownIDs+`.length === 418 && `+more+`.hidden`)
	ids := eval[[]int](t, b, shownIDs)
	assert.Equal(t, total, ids[0], "newest first")
	assert.Equal(t, 1, ids[len(ids)-1], "down to the oldest")
	assert.NotContains(t, ids, 5, "resolved ones are not open")

	b.click(t, `document.getElementById('state-resolved')`)
	b.waitFor(t, shownIDs+`.length === 2`)
	assert.Equal(t, []int{400, 5}, eval[[]int](t, b, shownIDs), "one in the first list, one far older")
	assert.True(t, eval[bool](t, b, more+`.hidden`))

	// A change made elsewhere reaches the counts.
	code, _ := call(t, "POST", p.base+"/api/v1/conversations", "", `{"site":"demo"}`)
	require.Equal(t, 201, code)
	b.waitFor(t, `document.getElementById('state-open').textContent.includes('419')`)
}
