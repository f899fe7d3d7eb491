-- Spend (issue 19 §3). Meta bills a delivered template by its pricing category at the rate in
-- force on that day; rates change only on 1 Jan / 1 Apr / 1 Jul / 1 Oct, announced a month ahead.
-- The rate card is therefore a dated table, and a recompute of any day looks up the rate that
-- was in force on it: adding next quarter's rate never re-prices a message already delivered.
--
-- inr NULL means "billed, at a rate not on this card yet": such messages are counted as
-- unpriced, never silently priced ₹0.
CREATE TABLE wa_rate_card (
  market         text NOT NULL DEFAULT 'IN',         -- Meta's market of the recipient (+91: India)
  category       text NOT NULL,                      -- pricing.category of the status webhook
  effective_from date NOT NULL,                      -- first day (district's calendar) the rate applies
  inr            numeric(10, 4) CHECK (inr IS NULL OR (inr >= 0 AND inr <= 100)),
  source         text NOT NULL,
  added_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (market, category, effective_from)
);

-- India, per delivered message, excluding GST (reference/channels.md §1.7 and §9.3).
INSERT INTO wa_rate_card (market, category, effective_from, inr, source) VALUES
  ('IN', 'marketing', '2025-07-01', 0.7846, 'Meta per-message pricing, India, from 1 Jul 2025'),
  ('IN', 'marketing', '2026-01-01', 0.8631, 'Meta rate card, India marketing raised 1 Jan 2026'),
  ('IN', 'utility', '2025-07-01', 0.1150, 'Meta per-message pricing, India, from 1 Jul 2025'),
  ('IN', 'authentication', '2025-07-01', 0.1150, 'Meta per-message pricing, India, from 1 Jul 2025'),
  ('IN', 'service', '2024-11-01', 0, 'service messages free since 1 Nov 2024'),
  ('IN', 'service', '2026-10-01', NULL, 'BSP-reported: service billed from 1 Oct 2026, rate not confirmed');

-- The card only grows: a correction of a past rate would silently change reported history, so
-- it is a new row (with its source) and an explicit full refresh, never an edit.
CREATE FUNCTION mitan_rate_card_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'wa_rate_card is append-only: add a row with a later effective_from instead of changing % %',
    OLD.category, OLD.effective_from USING ERRCODE = 'check_violation';
END $$;
CREATE TRIGGER wa_rate_card_no_update BEFORE UPDATE OR DELETE ON wa_rate_card
  FOR EACH ROW EXECUTE FUNCTION mitan_rate_card_append_only();

-- The one lookup of a rate: the latest row in force on the day. NULL = no rate known.
CREATE FUNCTION mitan_rate_inr(p_market text, p_category text, p_day date) RETURNS numeric
  LANGUAGE sql STABLE AS $$
  SELECT r.inr FROM wa_rate_card r
   WHERE r.market = p_market AND r.category = p_category AND r.effective_from <= p_day
   ORDER BY r.effective_from DESC LIMIT 1
$$;

-- Per broadcast (0: not a broadcast message, e.g. a reply to a complaint), per day of the event
-- in the district's calendar, per pricing category ('' when the event carried none):
-- the funnel of each broadcast and what its messages cost, summed over days for a broadcast
-- or a month. Written only by the metrics refresh (core/metrics/broadcast-rollup.ts).
CREATE TABLE rollup_broadcast_daily (
  day           date NOT NULL,
  district_id   integer NOT NULL REFERENCES districts(id),
  broadcast_id  bigint NOT NULL,
  category      text NOT NULL DEFAULT '',
  sent          integer NOT NULL DEFAULT 0,
  delivered     integer NOT NULL DEFAULT 0,
  read          integer NOT NULL DEFAULT 0,
  failed        integer NOT NULL DEFAULT 0,
  billable      integer NOT NULL DEFAULT 0,        -- charged messages (counted once, when delivered)
  free          integer NOT NULL DEFAULT 0,        -- delivered with pricing.billable = false
  unpriced      integer NOT NULL DEFAULT 0,        -- billable with no rate on the card for that day
  spend_inr     numeric(14, 4) NOT NULL DEFAULT 0,
  refreshed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (day, district_id, broadcast_id, category)
);
CREATE INDEX rollup_broadcast_daily_by_broadcast ON rollup_broadcast_daily (broadcast_id);
