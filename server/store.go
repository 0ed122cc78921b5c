package server

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/crumbless/crumbless/server/chat"
	"github.com/crumbless/crumbless/server/storage"
	"github.com/crumbless/crumbless/static/content"
)

// OpenStore opens the database named by db (Config.DB, the -db flag):
// "sqlite" or "" is the file crumbless.db in the folder data; a postgres://
// (or postgresql://) URL is a PostgreSQL database, which several instances
// may share.
func OpenStore(ctx context.Context, db, data string) (storage.Store, error) {
	switch {
	case db == "" || db == "sqlite":
		return storage.OpenSQLite(ctx, filepath.Join(data, "crumbless.db"))
	case strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://"):
		return storage.OpenPostgres(ctx, db)
	}
	return nil, fmt.Errorf("-db: %q is neither sqlite nor a postgres:// URL", storage.RedactURL(db))
}

// openChat opens the store and the chat backend with the content of the
// data folder (or the shipped samples). tune, when given, adjusts the
// backend's configuration (Config.PresenceGrace and the like).
func openChat(ctx context.Context, db, data string, logger *slog.Logger, tune ...func(*chat.Config)) (*chat.Server, storage.Store, error) {
	answers, forms, err := chat.LoadContent(data, content.Answers, content.Forms)
	if err != nil {
		return nil, nil, err
	}
	st, err := OpenStore(ctx, db, data)
	if err != nil {
		return nil, nil, err
	}
	key, err := chat.LoadNetworkKey(ctx, st, filepath.Join(data, "network.key")) // keys the network bans' hashes
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	cfg := chat.Config{Store: st, Answers: answers, Forms: forms, Logger: logger, NetworkKey: key}
	for _, f := range tune {
		f(&cfg)
	}
	return chat.New(cfg), st, nil
}
