package storage

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVisitorInfo: the first context is where the chat started, later ones
// move only "now"; details and context are kept side by side; a
// conversation that is gone is ErrNotFound and leaves no row.
func TestVisitorInfo(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		c, err := s.CreateConversation(ctx, []byte("tok"), "demo", nil, 1000)
		require.NoError(t, err)

		v, err := s.VisitorInfo(ctx, c.ID)
		require.NoError(t, err)
		assert.True(t, v.Empty(), "nothing before the widget sends")

		first := VisitorContext{Page: Page{Path: "/pricing", Title: "Pricing"}, Lang: "sv", Zone: "Europe/Stockholm", Version: "0.1.0"}
		require.NoError(t, s.SetVisitorContext(ctx, c.ID, first, 2000))
		later := VisitorContext{Page: Page{Path: "/checkout", Title: "Checkout"}, Lang: "de", Zone: "+01:00", Version: "0.1.1"}
		require.NoError(t, s.SetVisitorContext(ctx, c.ID, later, 3000))
		require.NoError(t, s.SetVisitorDetails(ctx, c.ID, "Ana", "ana@example.com", 4000))

		v, err = s.VisitorInfo(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, VisitorInfo{Name: "Ana", Email: "ana@example.com", Start: first.Page, VisitorContext: later, Updated: 4000}, v)

		// Details first, then the context: the start is still the first page.
		d, err := s.CreateConversation(ctx, []byte("tok2"), "demo", nil, 1000)
		require.NoError(t, err)
		require.NoError(t, s.SetVisitorDetails(ctx, d.ID, "Bo", "bo@example.com", 2000))
		require.NoError(t, s.SetVisitorContext(ctx, d.ID, first, 3000))
		require.NoError(t, s.SetVisitorContext(ctx, d.ID, later, 4000))
		v, err = s.VisitorInfo(ctx, d.ID)
		require.NoError(t, err)
		assert.Equal(t, first.Page, v.Start)
		assert.Equal(t, later, v.VisitorContext)
		assert.Equal(t, "Bo", v.Name)

		assert.ErrorIs(t, s.SetVisitorContext(ctx, 9999, first, 5000), ErrNotFound)
		assert.ErrorIs(t, s.SetVisitorDetails(ctx, 9999, "x", "x@example.com", 5000), ErrNotFound)
		v, err = s.VisitorInfo(ctx, 9999)
		require.NoError(t, err)
		assert.True(t, v.Empty())

		require.NoError(t, s.EraseConversation(ctx, c.ID))
		v, err = s.VisitorInfo(ctx, c.ID)
		require.NoError(t, err)
		assert.True(t, v.Empty(), "erased with the conversation")
	})
}
