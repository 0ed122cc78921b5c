-- Mail: the agents' addresses and whether they want mail, the address a
-- visitor gave for replies (kept with the conversation only, erased with
-- it), the outbox of notification mails (one row per conversation and
-- recipient, written in the transaction that stored the message it is
-- about), and the restore codes that bring a conversation back to a new
-- browser (stored hashed).

ALTER TABLE agents ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN mail_me INTEGER NOT NULL DEFAULT 1;
ALTER TABLE conversations ADD COLUMN visitor_email TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN visitor_lang TEXT NOT NULL DEFAULT '';

CREATE TABLE mail_outbox (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	agent_id        INTEGER NOT NULL DEFAULT 0, -- the agent to tell; 0: the visitor
	first_id        INTEGER NOT NULL, -- the first message the mail is about
	created_at      INTEGER NOT NULL, -- when that message came
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_at         INTEGER NOT NULL,
	lease_until     INTEGER NOT NULL DEFAULT 0,
	UNIQUE (conversation_id, agent_id)
);
CREATE INDEX mail_outbox_due ON mail_outbox (created_at);

CREATE TABLE restore_codes (
	selector        TEXT    PRIMARY KEY, -- the code's first characters, to find it
	hash            BLOB    NOT NULL,    -- SHA-256 of the whole code
	conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	created_at      INTEGER NOT NULL,
	expires_at      INTEGER NOT NULL
);
CREATE INDEX restore_codes_conversation ON restore_codes (conversation_id);
