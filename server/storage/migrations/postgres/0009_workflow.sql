-- 0009 (PostgreSQL), as sqlite/0008_workflow.sql: a state (open, snoozed
-- until a time, resolved), the agent a conversation is assigned to, a read
-- cursor per agent and the visitors' ratings of a resolution.

ALTER TABLE conversations ADD COLUMN state text NOT NULL DEFAULT 'open'
	CHECK (state IN ('open', 'snoozed', 'resolved'));
ALTER TABLE conversations ADD COLUMN snoozed_until bigint NOT NULL DEFAULT 0; -- while snoozed
ALTER TABLE conversations ADD COLUMN resolved_at bigint NOT NULL DEFAULT 0;   -- the last resolution
ALTER TABLE conversations ADD COLUMN assignee_id bigint REFERENCES agents (id) ON DELETE SET NULL;
CREATE INDEX conversations_snoozed ON conversations (snoozed_until) WHERE state = 'snoozed';
CREATE INDEX conversations_assignee ON conversations (assignee_id);

-- Each agent's read cursor; conversations.agent_read stays the highest
-- of them (the visitor's "seen" marks).
CREATE TABLE agent_reads (
	conversation_id bigint NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	agent_id        bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
	message_id      bigint NOT NULL,
	PRIMARY KEY (conversation_id, agent_id)
);
CREATE INDEX agent_reads_agent ON agent_reads (agent_id);
-- Every agent starts where the shared cursor was.
INSERT INTO agent_reads (conversation_id, agent_id, message_id)
	SELECT c.id, a.id, c.agent_read FROM conversations c CROSS JOIN agents a WHERE c.agent_read > 0;

-- One rating per resolution (resolved_at); rating it again replaces it.
CREATE TABLE ratings (
	conversation_id bigint NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	resolved_at     bigint NOT NULL,
	score           text   NOT NULL CHECK (score IN ('good', 'bad')),
	comment         text   NOT NULL DEFAULT '',
	created_at      bigint NOT NULL,
	PRIMARY KEY (conversation_id, resolved_at)
);
