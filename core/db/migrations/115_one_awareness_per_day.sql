-- At most one awareness message per citizen per district day (issue 15 item 8), held by the
-- store, not by a check in code: every delivery of a broadcast carries the broadcast's day in
-- `awareness_day`, filled by a trigger from the broadcast row (whatever the INSERT says), and a
-- partial unique index lets one citizen hold one day once. Two approved items on one day: the
-- second broadcast's snapshot finds the citizen taken (ON CONFLICT DO NOTHING) and skips them.
--
-- The exception is explicit and audited: an emergency broadcast names who overrode the rule and
-- why (broadcasts.override_by / override_reason, both or neither); its deliveries hold no day.
-- A delivery cancelled before it was sent gives its day back (a cancelled broadcast does not cost
-- the citizen that day's message); one held for the tier keeps it (first in line tomorrow).
ALTER TABLE broadcasts
  ADD COLUMN override_by     text,
  ADD COLUMN override_reason text,
  ADD CONSTRAINT broadcasts_override_explained
    CHECK ((override_by IS NULL) = (override_reason IS NULL)
           AND (override_reason IS NULL OR length(btrim(override_reason)) >= 10)),
  -- Citizens of the segment left out because they already had that day's message (the summary shows it).
  ADD COLUMN day_taken integer NOT NULL DEFAULT 0;

ALTER TABLE deliveries ADD COLUMN awareness_day date;

CREATE FUNCTION mitan_awareness_day() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT CASE WHEN b.override_by IS NULL THEN b.broadcast_date END INTO NEW.awareness_day
    FROM broadcasts b WHERE b.id = NEW.broadcast_id;
  ELSIF NEW.state = 'skipped' AND NEW.error_class = 'cancelled' THEN
    NEW.awareness_day := NULL;
  ELSE
    -- Only the store moves the day: code cannot give a delivery another day or free it.
    NEW.awareness_day := OLD.awareness_day;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER deliveries_awareness_day_insert BEFORE INSERT ON deliveries
  FOR EACH ROW EXECUTE FUNCTION mitan_awareness_day();
-- Updates are the sender's hot path: the trigger runs only for the rows it concerns.
CREATE TRIGGER deliveries_awareness_day_update BEFORE UPDATE ON deliveries
  FOR EACH ROW WHEN (NEW.awareness_day IS DISTINCT FROM OLD.awareness_day
                     OR (NEW.state = 'skipped' AND NEW.error_class = 'cancelled' AND OLD.awareness_day IS NOT NULL))
  EXECUTE FUNCTION mitan_awareness_day();

-- Rows from before this migration keep no day: their broadcasts are history.
CREATE UNIQUE INDEX deliveries_one_awareness_per_day ON deliveries (subscriber_id, awareness_day)
  WHERE awareness_day IS NOT NULL;
