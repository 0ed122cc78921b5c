-- The conversation workflow: a state (open, snoozed until a time,
-- resolved), the agent it is assigned to, a read cursor per agent and the
-- visitors' ratings of a resolution.

ALTER TABLE conversations ADD COLUMN state TEXT NOT NULL DEFAULT 'open'
	CHECK (state IN ('open', 'snoozed', 'resolved'));
ALTER TABLE conversations ADD COLUMN snoozed_until INTEGER NOT NULL DEFAULT 0; -- while snoozed
ALTER TABLE conversations ADD COLUMN resolved_at INTEGER NOT NULL DEFAULT 0;   -- the last resolution
ALTER TABLE conversations ADD COLUMN assignee_id INTEGER REFERENCES agents (id) ON DELETE SET NULL;
CREATE INDEX conversations_snoozed ON conversations (snoozed_until) WHERE state = 'snoozed';

-- Each agent's read cursor; conversations.agent_read stays the highest
-- of them (the visitor's "seen" marks).
CREATE TABLE agent_reads (
	conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	agent_id        INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
	message_id      INTEGER NOT NULL,
	PRIMARY KEY (conversation_id, agent_id)
);
-- Every agent starts where the shared cursor was.
INSERT INTO agent_reads (conversation_id, agent_id, message_id)
	SELECT c.id, a.id, c.agent_read FROM conversations c CROSS JOIN agents a WHERE c.agent_read > 0;

-- One rating per resolution (resolved_at); rating it again replaces it.
CREATE TABLE ratings (
	conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	resolved_at     INTEGER NOT NULL,
	score           TEXT    NOT NULL CHECK (score IN ('good', 'bad')),
	comment         TEXT    NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL,
	PRIMARY KEY (conversation_id, resolved_at)
);
