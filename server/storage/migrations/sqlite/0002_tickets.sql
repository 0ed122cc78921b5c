-- 0002: stream tickets (a short-lived pass for EventSource, which cannot
-- send the Authorization header), kept in the database so that any
-- instance sharing it accepts them. Only the ticket's SHA-256 is stored.

CREATE TABLE tickets (
	token_hash      BLOB    PRIMARY KEY,
	conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	expires_at      INTEGER NOT NULL
);
