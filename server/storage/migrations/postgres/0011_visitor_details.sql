-- What the visitor's own use of the widget tells about them, kept with the
-- conversation and erased with it: the pre-chat name and email (when the
-- site asks for them) and the visitor context the widget sends while the
-- chat is open, after the visitor wrote (the page where the chat started
-- and where they are now, their language, time zone and widget version).
CREATE TABLE conversation_visitors (
	conversation_id bigint PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
	name        text    NOT NULL DEFAULT '',
	email       text    NOT NULL DEFAULT '',
	start_path  text    NOT NULL DEFAULT '',
	start_title text    NOT NULL DEFAULT '',
	path        text    NOT NULL DEFAULT '',
	title       text    NOT NULL DEFAULT '',
	lang        text    NOT NULL DEFAULT '',
	zone        text    NOT NULL DEFAULT '',
	version     text    NOT NULL DEFAULT '',
	updated_at  bigint  NOT NULL DEFAULT 0
);
