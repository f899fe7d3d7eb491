-- Webhook messages PostgreSQL could not hold as sent (issue 18 finding 5). One bad message used to
-- fail its whole delivery on every retry. Now a message with U+0000, a lone surrogate or absurd
-- nesting is stored in a safe form (stored = true) and one that is still refused is not stored
-- (stored = false); either way the delivery's exact bytes, as Meta signed them, are kept here for
-- staff to inspect. One row per wamid: Meta's duplicate deliveries add nothing.
CREATE TABLE inbound_dead_letters (
  id          bigserial PRIMARY KEY,
  district_id integer NOT NULL REFERENCES districts(id),
  wamid       text NOT NULL UNIQUE,
  from_phone  text,
  reason      text NOT NULL,
  stored      boolean NOT NULL,
  raw_base64  text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inbound_dead_letters_district ON inbound_dead_letters (district_id, id DESC);
