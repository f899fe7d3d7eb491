-- Shared ground for the identity, conversation, desk and erasure work (issues 16, 17, 18).
--
-- Business-scoped user ids (BSUID, Meta since April 2026): a citizen who adopted a WhatsApp
-- username and has not written in 30 days arrives with no phone number. The columns exist here;
-- the constraints that let a citizen have a phone, a BSUID or both are the identity work's.
ALTER TABLE subscribers
  ADD COLUMN wa_user_id  text,   -- BSUID, e.g. IN.1502...
  ADD COLUMN wa_username text;   -- contacts[].profile.username (display only)
CREATE UNIQUE INDEX subscribers_district_user_id ON subscribers (district_id, wa_user_id) WHERE wa_user_id IS NOT NULL;

ALTER TABLE inbound_messages ADD COLUMN from_user_id text;          -- messages[].from_user_id
ALTER TABLE status_events ADD COLUMN recipient_user_id text;        -- statuses[].recipient_user_id

-- Media a citizen sent (voice notes, images, documents, video, stickers; a location has no
-- bytes): fetched through the Graph media endpoint and kept with its hash. Not the `media`
-- table, which holds only published JPEGs served to the networks.
CREATE TABLE inbound_attachments (
  id                 bigserial PRIMARY KEY,
  district_id        integer NOT NULL DEFAULT 1 REFERENCES districts(id),
  inbound_message_id bigint NOT NULL REFERENCES inbound_messages(id),
  kind               text NOT NULL CHECK (kind IN ('audio', 'image', 'document', 'video', 'sticker', 'location')),
  meta_media_id      text,                 -- Meta's media id (NULL for a location)
  mime_type          text,
  sha256             text CHECK (sha256 IS NULL OR sha256 ~ '^[0-9a-f]{64}$'),
  byte_size          integer,
  bytes              bytea,                -- NULL until fetched, or once erased / past retention
  caption            text,
  file_name          text,
  latitude           double precision,
  longitude          double precision,
  fetch_state        text NOT NULL DEFAULT 'pending' CHECK (fetch_state IN ('pending', 'fetched', 'failed', 'erased')),
  fetch_error        text,
  fetched_at         timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (inbound_message_id, meta_media_id)
);
CREATE INDEX inbound_attachments_by_message ON inbound_attachments (inbound_message_id);
CREATE INDEX inbound_attachments_pending ON inbound_attachments (fetch_state, id) WHERE fetch_state = 'pending';
