-- One-time tickets that authorise POST /media/ingest (issue 18 finding 4). The route makes the
-- gateway fetch a URL from the outside world, so it must not answer anyone who can reach the port.
-- A caller proves it holds the Mitan Database credential by writing a ticket here (an n8n node
-- does, through core/publishing/ingest-tickets.ts) and sends the token; the gateway deletes the row as it
-- accepts it. Only the token's SHA-256 is stored; tickets are bound to one content and expire.
CREATE TABLE media_ingest_tickets (
  token_hash text PRIMARY KEY,
  content_id bigint NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX media_ingest_tickets_expiry ON media_ingest_tickets (expires_at);
