-- 0001: conversations, messages, agents, sessions, form submissions.
-- Times are unix milliseconds. Tokens are stored as SHA-256 hashes only.

CREATE TABLE conversations (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	token_hash    BLOB    NOT NULL UNIQUE,
	site          TEXT    NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	visitor_read  INTEGER NOT NULL DEFAULT 0,
	agent_read    INTEGER NOT NULL DEFAULT 0,
	banned_reason TEXT    NOT NULL DEFAULT '',
	banned_at     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX conversations_updated ON conversations (updated_at DESC);

CREATE TABLE agents (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	name          TEXT    NOT NULL UNIQUE,
	password_hash TEXT    NOT NULL,
	created_at    INTEGER NOT NULL
);

CREATE TABLE messages (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	client_id       TEXT    NOT NULL,
	author          TEXT    NOT NULL CHECK (author IN ('visitor', 'agent')),
	agent_id        INTEGER REFERENCES agents (id) ON DELETE SET NULL,
	body            TEXT    NOT NULL,
	created_at      INTEGER NOT NULL,
	UNIQUE (conversation_id, author, client_id)
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);

CREATE TABLE sessions (
	token_hash BLOB    PRIMARY KEY,
	agent_id   INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);

CREATE TABLE submissions (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	form_id         TEXT    NOT NULL,
	conversation_id INTEGER REFERENCES conversations (id) ON DELETE SET NULL,
	client_id       TEXT    NOT NULL,
	fields          TEXT    NOT NULL, -- JSON object name → value
	created_at      INTEGER NOT NULL,
	UNIQUE (form_id, client_id)
);
CREATE INDEX submissions_created ON submissions (id DESC);
