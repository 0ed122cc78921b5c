-- 0003: bans by network. A conversation keeps the keyed hash (HMAC with the
-- server's secret) of the network its visitor started it from — never the
-- address — so that an agent can block that network for a while.

CREATE TABLE conversation_networks (
	conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
	network_hash    BLOB    NOT NULL
);

CREATE TABLE network_bans (
	network_hash    BLOB    PRIMARY KEY,
	reason          TEXT    NOT NULL,
	conversation_id INTEGER REFERENCES conversations (id) ON DELETE SET NULL,
	created_at      INTEGER NOT NULL,
	expires_at      INTEGER NOT NULL
);
CREATE INDEX network_bans_conversation ON network_bans (conversation_id);
