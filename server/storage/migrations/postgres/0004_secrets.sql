-- 0004 (PostgreSQL): server secrets, as sqlite/0004_secrets.sql.

CREATE TABLE secrets (
	name  text  PRIMARY KEY,
	value bytea NOT NULL
);
