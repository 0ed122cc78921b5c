-- 0003 (PostgreSQL): bans by network, as sqlite/0003_network_bans.sql.

CREATE TABLE conversation_networks (
	conversation_id bigint PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
	network_hash    bytea  NOT NULL
);

CREATE TABLE network_bans (
	network_hash    bytea  PRIMARY KEY,
	reason          text   NOT NULL,
	conversation_id bigint REFERENCES conversations (id) ON DELETE SET NULL,
	created_at      bigint NOT NULL,
	expires_at      bigint NOT NULL
);
CREATE INDEX network_bans_conversation ON network_bans (conversation_id);
