-- Nobody left in doubt after a crash (issue 16 §4).
--
-- Every broadcast message carries biz_opaque_callback_data = "mitan:d:<delivery id>" and Meta
-- echoes it in each status webhook; delivery_ref keeps the id it names, so a status is matched
-- to its exact delivery even when the sender died before storing the wamid. It stays a plain
-- number (no foreign key): a webhook may name a delivery that is gone or not ours.
ALTER TABLE status_events ADD COLUMN delivery_ref bigint;
-- The settle pass looks up statuses not yet linked to their delivery by this id.
CREATE INDEX status_events_unlinked_ref ON status_events (delivery_ref) WHERE delivery_id IS NULL AND delivery_ref IS NOT NULL;

-- When an in-doubt delivery that stayed silent through the quiet window was put back to be sent
-- again: it is resent once, never twice (core/broadcast/settle.ts).
ALTER TABLE deliveries ADD COLUMN doubt_resent_at timestamptz;
CREATE INDEX deliveries_in_doubt ON deliveries (broadcast_id, sending_at) WHERE state = 'in_doubt';
