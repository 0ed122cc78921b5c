-- What the visitor's own use of the widget tells about them, kept with the
-- conversation and erased with it: the pre-chat name and email (when the
-- site asks for them) and the visitor context the widget sends while the
-- chat is open, after the visitor wrote (the page where the chat started
-- and where they are now, their language, time zone and widget version).
CREATE TABLE conversation_visitors (
	conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
	name        TEXT    NOT NULL DEFAULT '',
	email       TEXT    NOT NULL DEFAULT '',
	start_path  TEXT    NOT NULL DEFAULT '',
	start_title TEXT    NOT NULL DEFAULT '',
	path        TEXT    NOT NULL DEFAULT '',
	title       TEXT    NOT NULL DEFAULT '',
	lang        TEXT    NOT NULL DEFAULT '',
	zone        TEXT    NOT NULL DEFAULT '',
	version     TEXT    NOT NULL DEFAULT '',
	updated_at  INTEGER NOT NULL DEFAULT 0
);
