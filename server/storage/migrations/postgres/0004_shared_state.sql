-- 0004 (PostgreSQL): what the instances sharing the database share
-- besides the data. secrets as in sqlite/0004_shared_state.sql; presence
-- holds one row per instance with an agent online (or in the grace period
-- after the last one left), refreshed while so and removed when not. It is
-- UNLOGGED: rewritten every few seconds, worthless after a crash; so is
-- rate_limits, below.

CREATE TABLE secrets (
	name  text  PRIMARY KEY,
	value bytea NOT NULL
);

CREATE UNLOGGED TABLE presence (
	instance text        PRIMARY KEY,
	seen_at  timestamptz NOT NULL
);

-- rate_limits holds the token buckets of the rate limits, one row per
-- limit and client network or conversation, so that a client spread over
-- the instances gets one allowance. UNLOGGED as well: a crash refills
-- every bucket, which only loosens a limit.
CREATE UNLOGGED TABLE rate_limits (
	bucket text             PRIMARY KEY,
	tokens double precision NOT NULL,
	ok     boolean          NOT NULL,
	at     timestamptz      NOT NULL
);
CREATE INDEX rate_limits_at ON rate_limits (at);

-- stream_leases holds one row per open visitor stream, so that the cap of
-- streams per conversation counts every instance's; an instance refreshes
-- its rows while they are open, and rows it stopped refreshing (it died)
-- no longer count. UNLOGGED too.
CREATE UNLOGGED TABLE stream_leases (
	id              text        PRIMARY KEY,
	conversation_id bigint      NOT NULL,
	instance        text        NOT NULL,
	seen_at         timestamptz NOT NULL
);
CREATE INDEX stream_leases_conversation ON stream_leases (conversation_id);
CREATE INDEX stream_leases_instance ON stream_leases (instance);
