-- Invitations kept with the conversation they led to: a message of the
-- author 'invite' holds the teaser's text the visitor saw (static/invite.js)
-- and shown_name the name it showed, if any. It is text the page
-- configured, not written by an agent: it has no agent_id and counts as
-- neither side's message (unread, statistics, mail).

ALTER TABLE messages DROP CONSTRAINT messages_author_check;
ALTER TABLE messages ADD CONSTRAINT messages_author_check CHECK (author IN ('visitor', 'agent', 'invite'));
ALTER TABLE messages ADD COLUMN shown_name text NOT NULL DEFAULT '';
