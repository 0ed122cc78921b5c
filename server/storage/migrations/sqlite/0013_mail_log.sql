-- The mail delivery log: one row per notification mail that was tried,
-- updated on every attempt (attempts, the last error, when it is tried
-- again, its state), kept after the mail left the outbox so that the
-- console can show what went out and what failed. A row holds the
-- recipient's address, so it goes with its conversation (erased with
-- it) and with its agent; the newest 1,000 rows are kept.

CREATE TABLE mail_log (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	agent_id        INTEGER NOT NULL DEFAULT 0, -- the agent told; 0: the visitor
	recipient       TEXT    NOT NULL,
	state           TEXT    NOT NULL, -- retrying, sent, failed (retries over), rejected (permanently)
	attempts        INTEGER NOT NULL,
	error           TEXT    NOT NULL DEFAULT '', -- the last attempt's, short and without credentials
	next_at         INTEGER NOT NULL DEFAULT 0,  -- the next attempt, while retrying
	created_at      INTEGER NOT NULL, -- the first attempt
	updated_at      INTEGER NOT NULL  -- the last attempt
);
CREATE INDEX mail_log_conversation ON mail_log (conversation_id);

-- The log row of an outbox mail that is being retried.
ALTER TABLE mail_outbox ADD COLUMN log_id INTEGER NOT NULL DEFAULT 0;
