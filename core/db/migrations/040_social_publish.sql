-- Publishing to Facebook, Instagram and X, once per (content, channel) (issue 7).
-- social_posts (002) holds the intent; these columns let a worker lease the row while it calls
-- the network, and let a later run look the post up when the outcome of a call is unknown.

ALTER TABLE social_posts
  ADD COLUMN claimed_by       text,
  -- While lease_until is in the future another worker is calling the network: do not post.
  ADD COLUMN lease_until      timestamptz,
  -- The first time a call to the network may have posted: lookups after a timeout search from here.
  ADD COLUMN first_attempt_at timestamptz,
  ADD COLUMN last_attempt_at  timestamptz,
  ADD COLUMN last_error       text,
  -- The text / link / image actually sent, so an operator can see what went out.
  ADD COLUMN draft            jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN updated_at       timestamptz NOT NULL DEFAULT now();

CREATE INDEX social_posts_recent ON social_posts (state, published_at);

-- Approved images as JPEG within Instagram's rules, served at /media/<sha256>.jpg by the
-- gateway. Kept in Postgres (not on a local disk) so every gateway process serves every image.
CREATE TABLE media (
  hash        text PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),   -- sha256 of the JPEG bytes
  bytes       bytea NOT NULL,
  byte_size   integer NOT NULL,
  width       integer NOT NULL,
  height      integer NOT NULL,
  source_url  text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX media_by_source ON media (source_url);
