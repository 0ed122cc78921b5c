package storage

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/pgtest"
)

// BenchmarkSearch searches 10,000 messages in 1,000 conversations for a
// rare word and for a word every hundredth message holds, first page of 20.
func BenchmarkSearch(b *testing.B) {
	words := []string{"paket", "leverans", "faktura", "طلب", "إلغاء", "order", "refund", "hej", "tack", "kvitto"}
	ctx := context.Background()
	open := map[string]func(b *testing.B) (Store, error){
		"sqlite": func(b *testing.B) (Store, error) {
			return OpenSQLite(ctx, filepath.Join(b.TempDir(), "bench.db"))
		},
		"postgres": func(b *testing.B) (Store, error) { return OpenPostgres(ctx, pgtest.Database(b)) },
	}
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			s, err := open[name](b)
			require.NoError(b, err)
			defer s.Close()
			for c := range 1000 {
				conv, err := s.CreateConversation(ctx, []byte(fmt.Sprint("t", c)), "demo", nil, 1000)
				require.NoError(b, err)
				for m := range 10 {
					n := c*10 + m
					body := fmt.Sprintf("%s %s %s nummer %d", words[n%10], words[(n/10)%10], words[(n/100)%10], n)
					if n%100 == 0 {
						body += " sällsynt"
					}
					if n == 4321 {
						body += " unikaord"
					}
					_, _, err := s.AddMessage(ctx, Message{ConversationID: conv.ID, ClientID: fmt.Sprint(m), Author: Visitor, Body: body, Created: int64(n)})
					require.NoError(b, err)
				}
			}
			for _, q := range []string{"unikaord", "sällsynt", "faktura"} {
				b.Run(q, func(b *testing.B) {
					for b.Loop() {
						hits, err := s.Search(ctx, []string{q}, 0, 21)
						require.NoError(b, err)
						require.NotEmpty(b, hits)
					}
				})
			}
		})
	}
}
