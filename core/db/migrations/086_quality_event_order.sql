-- phone_number_quality_update arrives at least once and in no fixed order (Meta, and the sandbox
-- modelled on it, repeats and reorders webhooks): each event is applied once, and never over a newer one.
ALTER TABLE whatsapp_numbers ADD COLUMN event_at timestamptz;
CREATE TABLE whatsapp_quality_events (
  display_phone_number text NOT NULL,
  occurred_at   timestamptz NOT NULL,
  event         text NOT NULL,
  tier          text NOT NULL DEFAULT '',
  throughput_level text NOT NULL DEFAULT '',
  received_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (display_phone_number, occurred_at, event, tier, throughput_level)
);
