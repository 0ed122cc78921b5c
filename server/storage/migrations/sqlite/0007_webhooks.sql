-- Webhooks: the endpoints an administrator added with the CLI, the outbox
-- of deliveries still to make (one row per event and endpoint, written in
-- the transaction that stored what the event is about) and the delivery
-- log (status, attempt, time, latency; never a payload).

CREATE TABLE webhook_endpoints (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	url        TEXT    NOT NULL,
	secret     TEXT    NOT NULL, -- whsec_…: the server signs with it, so it is kept as given
	events     TEXT    NOT NULL, -- ",conversation.created,message.created,"
	created_at INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	msg_id          TEXT    NOT NULL UNIQUE, -- the webhook-id header, the same on every attempt
	endpoint_id     INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
	type            TEXT    NOT NULL,
	conversation_id INTEGER, -- erasing the conversation drops the delivery
	subject_id      INTEGER NOT NULL, -- the conversation, message or submission
	created_at      INTEGER NOT NULL, -- when the event happened
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_at         INTEGER NOT NULL,
	lease_until     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at);
CREATE INDEX webhook_deliveries_conversation ON webhook_deliveries (conversation_id);

CREATE TABLE webhook_log (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
	msg_id      TEXT    NOT NULL,
	type        TEXT    NOT NULL,
	attempt     INTEGER NOT NULL,
	at          INTEGER NOT NULL,
	status      INTEGER NOT NULL, -- the HTTP status; 0 when none came
	latency_ms  INTEGER NOT NULL,
	outcome     TEXT    NOT NULL, -- delivered, retry, failed, dropped
	error       TEXT    NOT NULL
);
CREATE INDEX webhook_log_endpoint ON webhook_log (endpoint_id, id);
