-- Statistics: counts per UTC day and dimensions. No column can hold a
-- token, a conversation, an address or a time finer than the day, so a
-- count cannot be traced back to a visitor.

CREATE TABLE stat_counts (
	day      TEXT    NOT NULL, -- YYYY-MM-DD, UTC
	kind     TEXT    NOT NULL, -- open, search, nohit, read, form, … (server/stats)
	detail   TEXT    NOT NULL DEFAULT '', -- an article or form id, or a search that found nothing
	path     TEXT    NOT NULL DEFAULT '', -- the page path, without its query
	referrer TEXT    NOT NULL DEFAULT '', -- the referrer's origin only
	lang     TEXT    NOT NULL DEFAULT '',
	device   TEXT    NOT NULL DEFAULT '', -- small or large
	n        BIGINT  NOT NULL,
	PRIMARY KEY (day, kind, detail, path, referrer, lang, device)
);
