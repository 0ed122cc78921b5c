-- Search over messages and form submissions, and the team's saved replies.
--
-- search_index is an FTS5 table with one row per message (rowid = 2 × id)
-- and per form submission (rowid = 2 × id + 1, the text its field values).
-- Triggers keep it in step with every insert, update and delete, so an
-- erasure or a retention sweep removes the indexed text in the same
-- transaction. The tokenizer keeps diacritics (å, ä and ö are letters of
-- their own in Swedish) and combining marks (Arabic vowel signs) inside
-- words, as PostgreSQL's 'simple' configuration does. secure-delete makes
-- FTS5 remove a deleted row's tokens from the index at once, not only
-- mark them deleted.

CREATE VIRTUAL TABLE search_index USING fts5 (
	text,
	kind UNINDEXED,            -- 'visitor', 'agent' or 'form'
	ref UNINDEXED,             -- the message or submission id
	conversation_id UNINDEXED, -- 0 for a submission sent without one
	created UNINDEXED,
	tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'"
);
INSERT INTO search_index (search_index, rank) VALUES ('secure-delete', 1);

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

CREATE TRIGGER submissions_search_insert AFTER INSERT ON submissions BEGIN
	INSERT INTO search_index (rowid, text, kind, ref, conversation_id, created)
	VALUES (2 * new.id + 1, (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(new.fields)),
		'form', new.id, coalesce(new.conversation_id, 0), new.created_at);
END;
CREATE TRIGGER submissions_search_update AFTER UPDATE OF fields, conversation_id ON submissions BEGIN
	UPDATE search_index SET text = (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(new.fields)),
		conversation_id = coalesce(new.conversation_id, 0) WHERE rowid = 2 * new.id + 1;
END;
CREATE TRIGGER submissions_search_delete AFTER DELETE ON submissions BEGIN
	DELETE FROM search_index WHERE rowid = 2 * old.id + 1;
END;

INSERT INTO search_index (rowid, text, kind, ref, conversation_id, created)
	SELECT 2 * id, body, author, id, conversation_id, created_at FROM messages;
INSERT INTO search_index (rowid, text, kind, ref, conversation_id, created)
	SELECT 2 * s.id + 1, (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(s.fields)),
		'form', s.id, coalesce(s.conversation_id, 0), s.created_at FROM submissions s;

-- Saved replies: named snippets shared by every agent of the instance.
CREATE TABLE replies (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	name       TEXT    NOT NULL UNIQUE,
	body       TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
