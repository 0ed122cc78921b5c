-- Invitations kept with the conversation they led to: a message of the
-- author 'invite' holds the teaser's text the visitor saw (static/invite.js)
-- and shown_name the name it showed, if any. It is text the page
-- configured, not written by an agent: it has no agent_id and counts as
-- neither side's message (unread, statistics, mail).
--
-- SQLite cannot change a CHECK constraint in place, so the table is built
-- anew with the same ids. Nothing references messages by foreign key. The
-- search triggers go first, so that dropping the old table leaves the
-- search index as it is (its rowids are 2 × the ids kept), and come back
-- on the new table; the AUTOINCREMENT counter carries over, so that an id
-- of an erased message is never given again.

DROP TRIGGER messages_search_insert;
DROP TRIGGER messages_search_update;
DROP TRIGGER messages_search_delete;

CREATE TABLE messages_new (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	client_id       TEXT    NOT NULL,
	author          TEXT    NOT NULL CHECK (author IN ('visitor', 'agent', 'invite')),
	agent_id        INTEGER REFERENCES agents (id) ON DELETE SET NULL,
	body            TEXT    NOT NULL,
	created_at      INTEGER NOT NULL,
	shown_name      TEXT    NOT NULL DEFAULT '',
	UNIQUE (conversation_id, author, client_id)
);
INSERT INTO messages_new (id, conversation_id, client_id, author, agent_id, body, created_at)
	SELECT id, conversation_id, client_id, author, agent_id, body, created_at FROM messages;
DELETE FROM sqlite_sequence WHERE name = 'messages_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'messages_new', seq FROM sqlite_sequence WHERE name = 'messages';
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;
CREATE INDEX messages_conversation ON messages (conversation_id, id);

CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
	INSERT INTO search_index (rowid, text, kind, ref, conversation_id, created)
	VALUES (2 * new.id, new.body, new.author, new.id, new.conversation_id, new.created_at);
END;
CREATE TRIGGER messages_search_update AFTER UPDATE OF body ON messages BEGIN
	UPDATE search_index SET text = new.body WHERE rowid = 2 * new.id;
END;
CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
	DELETE FROM search_index WHERE rowid = 2 * old.id;
END;
