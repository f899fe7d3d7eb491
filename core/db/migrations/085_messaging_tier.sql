-- Meta's messaging tier (issue 16 §1): a portfolio may reach only so many distinct citizens a day
-- (250 / 2K / 10K / 100K / unlimited), so a roster larger than the tier is reached in turns, the
-- citizen not reached for longest first.

-- When a business-initiated message to the citizen was last accepted by WhatsApp (the fairness
-- order, and the 7-day coverage). A later 131048 / 131049 failure gives the turn back.
ALTER TABLE subscribers ADD COLUMN last_reached_at timestamptz;
CREATE INDEX subscribers_last_reached ON subscribers (district_id, last_reached_at) WHERE status = 'active';

-- The citizen's place in the broadcast's fair order (1 = not reached for longest), fixed at the
-- snapshot: the claim reads it from an index instead of joining the roster on every batch.
ALTER TABLE deliveries ADD COLUMN fair_rank integer NOT NULL DEFAULT 0;
DROP INDEX IF EXISTS deliveries_pending;
CREATE INDEX deliveries_pending ON deliveries (broadcast_id, fair_rank, id) WHERE state = 'pending';
-- Distinct citizens already reached on a broadcast day (the tier's use), by district and date.
CREATE INDEX broadcasts_district_date ON broadcasts (district_id, broadcast_date);

-- What Meta says about each sending number: read from the Graph API before each broadcast and
-- updated by phone_number_quality_update webhooks. The tier belongs to the business portfolio;
-- it is kept per number because that is what the Graph API and the webhook name.
CREATE TABLE whatsapp_numbers (
  phone_number_id text PRIMARY KEY,
  district_id   integer NOT NULL DEFAULT 1 REFERENCES districts(id),
  waba_id       text,
  -- Digits only, as in webhook metadata: the quality webhook names the number by this alone.
  display_phone_number text,
  messaging_tier text CHECK (messaging_tier IN ('TIER_50', 'TIER_250', 'TIER_1K', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED')),
  quality_rating text,
  throughput_level text,
  -- Messages per second the throughput level allows (null when Meta gave none we know).
  throughput_per_second integer,
  -- 'graph' (read before a broadcast) or 'webhook' (phone_number_quality_update) and its event.
  source        text NOT NULL,
  last_event    text,
  checked_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX whatsapp_numbers_display ON whatsapp_numbers (display_phone_number);
