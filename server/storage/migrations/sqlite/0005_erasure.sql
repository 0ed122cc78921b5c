-- 0005: erasure, retention and the visitor token's lifetime.
-- seen_at is when the visitor last used the conversation's token (renewed
-- on use, at most once a minute): the token ends when it is older than the
-- server's visitor token lifetime, and a conversation neither updated nor
-- seen for the retention period is erased. sweeps holds one lease row per
-- periodic sweep, so that the instances sharing a database run each sweep
-- once per period.

ALTER TABLE conversations ADD COLUMN seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE conversations SET seen_at = updated_at;
CREATE INDEX conversations_seen ON conversations (seen_at);
CREATE INDEX submissions_conversation ON submissions (conversation_id);
CREATE INDEX submissions_created_at ON submissions (created_at);

CREATE TABLE sweeps (
	name    TEXT    PRIMARY KEY,
	next_at INTEGER NOT NULL
);
