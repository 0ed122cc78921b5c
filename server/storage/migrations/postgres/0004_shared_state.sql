-- 0004 (PostgreSQL): what the instances sharing the database share
-- besides the data. secrets as in sqlite/0004_shared_state.sql; presence
-- holds one row per instance with an agent online (or in the grace period
-- after the last one left), refreshed while so and removed when not. It is
-- UNLOGGED: rewritten every few seconds, worthless after a crash.

CREATE TABLE secrets (
	name  text  PRIMARY KEY,
	value bytea NOT NULL
);

CREATE UNLOGGED TABLE presence (
	instance text        PRIMARY KEY,
	seen_at  timestamptz NOT NULL
);
