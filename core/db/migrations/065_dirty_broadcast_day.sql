-- The broadcast day of the WhatsApp rollup counts "targeted": a broadcast's deliveries that are
-- not skipped, by police station and language (core/metrics/whatsapp.ts). Migration 050 marked
-- that day dirty on INSERT and DELETE only, and the gateway's status batch marked it again for
-- every delivery it moved forward, which changes none of those counts. The rule now has one
-- owner, this trigger: an UPDATE dirties the broadcast day when it changes what the day counts
-- (skipped or not: a STOP caught just before sending, a cancel; the station or language; the
-- broadcast). Status progress (sent → delivered → read) dirties the event's own day through
-- status_events' triggers; 050's update trigger still marks the day of a send the API refused.
CREATE FUNCTION mitan_dirty_broadcast_day() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty_days (day, district_id, kind)
  SELECT DISTINCT b.broadcast_date, b.district_id, 'whatsapp'
  FROM changed_rows n
  JOIN old_rows o ON o.id = n.id
  JOIN broadcasts b ON b.id = n.broadcast_id OR b.id = o.broadcast_id
  WHERE (n.state = 'skipped') IS DISTINCT FROM (o.state = 'skipped')
     OR n.police_station IS DISTINCT FROM o.police_station
     OR n.language IS DISTINCT FROM o.language
     OR n.broadcast_id IS DISTINCT FROM o.broadcast_id
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER deliveries_dirty_counted AFTER UPDATE ON deliveries
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION mitan_dirty_broadcast_day();
