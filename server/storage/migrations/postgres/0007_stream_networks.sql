-- 0005 (PostgreSQL): every open stream holds a lease in stream_leases,
-- visitors' and the others' (conversation_id 0), with the keyed hash of
-- the client's network, so that the caps per network and in all count
-- every instance's streams too.

ALTER TABLE stream_leases ADD COLUMN network text NOT NULL DEFAULT '';
CREATE INDEX stream_leases_network ON stream_leases (network);
