-- Citizens' media a fetch left behind (issue 17 §1.3a): the gateway's fetch after the webhook's
-- commit can be cut short (a restart, no credential yet, Meta's media service down for longer than
-- its quick retries). The media sweep (core/conversation/attachment-sweep.ts) tries again in rounds
-- with a growing wait, and stops where retrying cannot help: 'gone' (Meta no longer has the file; it
-- keeps media 30 days) or 'given_up' (every round failed).
ALTER TABLE inbound_attachments
  ADD COLUMN fetch_attempts integer NOT NULL DEFAULT 0,
  -- When the sweep may take the row next; NULL once there is nothing to fetch.
  ADD COLUMN next_fetch_at timestamptz;

ALTER TABLE inbound_attachments DROP CONSTRAINT inbound_attachments_fetch_state_check;
ALTER TABLE inbound_attachments ADD CONSTRAINT inbound_attachments_fetch_state_check
  CHECK (fetch_state IN ('pending', 'fetched', 'failed', 'gone', 'given_up', 'erased'));

-- Rows left pending or failed before this migration are due at once.
UPDATE inbound_attachments SET next_fetch_at = created_at
 WHERE fetch_state IN ('pending', 'failed') AND meta_media_id IS NOT NULL;

CREATE INDEX inbound_attachments_to_fetch ON inbound_attachments (next_fetch_at, id)
  WHERE fetch_state IN ('pending', 'failed');
