-- 0004: server secrets kept in the database (the network bans' key when
-- several instances share one PostgreSQL database), one row per name.
-- SQLite serves one instance: presence stays in its memory.

CREATE TABLE secrets (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
);
