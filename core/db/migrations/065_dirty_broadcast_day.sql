-- The broadcast day of the WhatsApp rollup counts "targeted": a broadcast's deliveries that are
-- not skipped, by police station and language (core/metrics/whatsapp.ts). Migration 050 marked
-- that day dirty on INSERT and DELETE only, and the gateway's status batch marked it again for
-- every delivery it moved forward, which changes none of those counts. The rule now has one
-- owner, this trigger: an UPDATE dirties the broadcast day when it changes what the day counts
-- (skipped or not: a STOP caught just before sending, a cancel; the station or language; the
-- broadcast). Status progress (sent → delivered → read) dirties the event's own day through
-- status_events' triggers; 050's update trigger still marks the day of a send the API refused.
--
-- Row-level and filtered, like 050's subscriber trigger: the sender's own updates (claim, in
-- flight, answers: thousands of rows a second) fail the WHEN test in the executor and cost no
-- function call; only the rows that change a count (a cancel, a skip) run it.
CREATE FUNCTION mitan_dirty_broadcast_day() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty_days (day, district_id, kind)
  SELECT b.broadcast_date, b.district_id, 'whatsapp' FROM broadcasts b WHERE b.id = NEW.broadcast_id OR b.id = OLD.broadcast_id
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER deliveries_dirty_counted AFTER UPDATE ON deliveries
  FOR EACH ROW WHEN ((OLD.state = 'skipped') IS DISTINCT FROM (NEW.state = 'skipped')
                     OR OLD.police_station IS DISTINCT FROM NEW.police_station
                     OR OLD.language IS DISTINCT FROM NEW.language
                     OR OLD.broadcast_id IS DISTINCT FROM NEW.broadcast_id)
  EXECUTE FUNCTION mitan_dirty_broadcast_day();
