-- 0005 (PostgreSQL): erasure, retention and the visitor token's lifetime,
-- as sqlite/0005_erasure.sql.

ALTER TABLE conversations ADD COLUMN seen_at bigint NOT NULL DEFAULT 0;
UPDATE conversations SET seen_at = updated_at;
CREATE INDEX conversations_seen ON conversations (seen_at);
CREATE INDEX submissions_conversation ON submissions (conversation_id);
CREATE INDEX submissions_created_at ON submissions (created_at);

CREATE TABLE sweeps (
	name    text   PRIMARY KEY,
	next_at bigint NOT NULL
);
