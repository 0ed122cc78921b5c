-- 0002 (PostgreSQL): stream tickets, as sqlite/0002_tickets.sql.

CREATE TABLE tickets (
	token_hash      bytea  PRIMARY KEY,
	conversation_id bigint NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	expires_at      bigint NOT NULL
);
