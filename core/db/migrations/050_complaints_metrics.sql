-- Complaints (issue 8): categories of the national cybercrime portal, follow-up messages,
-- the reply that acknowledges; and the rule that keeps rollup_dirty_days right by itself.

-- Categories (core/complaints/categories.ts is the TypeScript side of this list).
ALTER TABLE complaints
  ADD CONSTRAINT complaints_category_known CHECK (category IN
    ('women_child', 'online_financial_fraud', 'social_media', 'hacking', 'mobile', 'cryptocurrency', 'other')),
  ADD CONSTRAINT complaints_override_known CHECK (category_override IS NULL OR category_override IN
    ('women_child', 'online_financial_fraud', 'social_media', 'hacking', 'mobile', 'cryptocurrency', 'other')),
  -- sha256 of the citizen's E.164 number: finds their open complaint (follow-ups) without a
  -- second copy of the number; the number itself stays in inbound_messages / subscribers.
  ADD COLUMN citizen_hash       text,
  ADD COLUMN last_message_at    timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN message_count      integer NOT NULL DEFAULT 1,
  ADD COLUMN money_amount_inr   bigint,
  -- Keywords that decided the category (NULL for sensitive complaints: least data).
  ADD COLUMN matched_keywords   text[],
  ADD COLUMN category_override_by text,
  ADD COLUMN category_override_at timestamptz,
  ADD COLUMN reply_wamid        text,
  ADD COLUMN replied_at         timestamptz,
  ADD COLUMN forwarded_to       text,
  ADD COLUMN status_note        text;

-- One complaint per inbound message: n8n retrying an execution must not open a second one.
CREATE UNIQUE INDEX complaints_inbound_once ON complaints (inbound_message_id) WHERE inbound_message_id IS NOT NULL;
CREATE INDEX complaints_citizen_open ON complaints (citizen_hash, status, last_message_at);
CREATE INDEX complaints_closed_day ON complaints (district_id, closed_at) WHERE closed_at IS NOT NULL;

-- Every message of a complaint, the first one included. Body is NULL for sensitive complaints.
CREATE TABLE complaint_messages (
  id                 bigserial PRIMARY KEY,
  complaint_id       bigint NOT NULL REFERENCES complaints(id),
  inbound_message_id bigint UNIQUE REFERENCES inbound_messages(id),
  body               text,
  received_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX complaint_messages_by_complaint ON complaint_messages (complaint_id, id);

-- Rollup sources read by day.
CREATE INDEX broadcasts_by_day ON broadcasts (district_id, broadcast_date);
CREATE INDEX deliveries_send_failed ON deliveries (failed_at) WHERE state = 'failed' AND wamid IS NULL;
CREATE INDEX audit_log_opt_out ON audit_log (district_id, at) WHERE action = 'subscriber.opt_out';

-- Dirty days: whatever writes the source rows, the day it touches becomes dirty in the same
-- transaction, so an incremental refresh can never miss a change. Statement-level triggers with
-- transition tables: one extra INSERT per statement, not per row (the gateway writes batches).
CREATE FUNCTION mitan_dirty_status_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty_days (day, district_id, kind)
  SELECT DISTINCT (r.occurred_at AT TIME ZONE d.timezone)::date, r.district_id, 'whatsapp'
  FROM changed_rows r JOIN districts d ON d.id = r.district_id
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER status_events_dirty_ins AFTER INSERT ON status_events
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION mitan_dirty_status_events();
CREATE TRIGGER status_events_dirty_upd AFTER UPDATE ON status_events
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION mitan_dirty_status_events();
CREATE TRIGGER status_events_dirty_del AFTER DELETE ON status_events
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION mitan_dirty_status_events();

-- Deliveries count as "targeted" on their broadcast's date, and as failed (send refused by the
-- API, so no status event will ever come) on the day of failed_at.
CREATE FUNCTION mitan_dirty_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty_days (day, district_id, kind)
  SELECT DISTINCT b.broadcast_date, b.district_id, 'whatsapp'
  FROM changed_rows r JOIN broadcasts b ON b.id = r.broadcast_id
  WHERE TG_OP <> 'UPDATE'
  UNION
  SELECT DISTINCT (r.failed_at AT TIME ZONE d.timezone)::date, b.district_id, 'whatsapp'
  FROM changed_rows r JOIN broadcasts b ON b.id = r.broadcast_id JOIN districts d ON d.id = b.district_id
  WHERE r.state = 'failed' AND r.wamid IS NULL AND r.failed_at IS NOT NULL
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER deliveries_dirty_ins AFTER INSERT ON deliveries
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION mitan_dirty_deliveries();
CREATE TRIGGER deliveries_dirty_upd AFTER UPDATE ON deliveries
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION mitan_dirty_deliveries();
CREATE TRIGGER deliveries_dirty_del AFTER DELETE ON deliveries
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION mitan_dirty_deliveries();

-- New subscribers count on the day they were created; a change of police station or language
-- moves them between rollup rows, so the creation day is dirty again.
CREATE FUNCTION mitan_dirty_subscribers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty_days (day, district_id, kind)
  SELECT DISTINCT (r.created_at AT TIME ZONE d.timezone)::date, r.district_id, 'whatsapp'
  FROM changed_rows r JOIN districts d ON d.id = r.district_id
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER subscribers_dirty_ins AFTER INSERT ON subscribers
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION mitan_dirty_subscribers();
-- Row-level and filtered: an import touching 50,000 names must not pay for this.
CREATE FUNCTION mitan_dirty_subscriber_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty_days (day, district_id, kind)
  SELECT (x.created_at AT TIME ZONE d.timezone)::date, x.district_id, 'whatsapp'
  FROM (VALUES (OLD.created_at, OLD.district_id), (NEW.created_at, NEW.district_id)) AS x(created_at, district_id)
  JOIN districts d ON d.id = x.district_id
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER subscribers_dirty_upd AFTER UPDATE ON subscribers
  FOR EACH ROW WHEN (OLD.police_station IS DISTINCT FROM NEW.police_station OR OLD.language IS DISTINCT FROM NEW.language
                     OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.district_id IS DISTINCT FROM NEW.district_id)
  EXECUTE FUNCTION mitan_dirty_subscriber_row();

-- Opt-outs are counted from the audit log (history: a citizen who opts out and back in still
-- opted out that day), written by RosterService.optOut as action 'subscriber.opt_out'.
CREATE FUNCTION mitan_dirty_opt_outs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty_days (day, district_id, kind)
  SELECT DISTINCT (r.at AT TIME ZONE d.timezone)::date, r.district_id, 'whatsapp'
  FROM changed_rows r JOIN districts d ON d.id = r.district_id
  WHERE r.action = 'subscriber.opt_out'
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER audit_log_dirty_ins AFTER INSERT ON audit_log
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION mitan_dirty_opt_outs();

-- Complaints count on the day they were opened (with their time to acknowledge) and closed.
CREATE FUNCTION mitan_dirty_complaints() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty_days (day, district_id, kind)
  SELECT DISTINCT x.day, x.district_id, 'complaints' FROM (
    SELECT (r.created_at AT TIME ZONE d.timezone)::date AS day, r.district_id FROM changed_rows r JOIN districts d ON d.id = r.district_id
    UNION ALL
    SELECT (r.closed_at AT TIME ZONE d.timezone)::date, r.district_id FROM changed_rows r JOIN districts d ON d.id = r.district_id
    WHERE r.closed_at IS NOT NULL
  ) x
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER complaints_dirty_ins AFTER INSERT ON complaints
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION mitan_dirty_complaints();
CREATE TRIGGER complaints_dirty_upd_new AFTER UPDATE ON complaints
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION mitan_dirty_complaints();
-- An un-close or a changed creation day must clean the old day as well.
CREATE TRIGGER complaints_dirty_upd_old AFTER UPDATE ON complaints
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION mitan_dirty_complaints();
CREATE TRIGGER complaints_dirty_del AFTER DELETE ON complaints
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION mitan_dirty_complaints();

-- Social: a post counts on the day it was published; a metric snapshot on its day and on the
-- next snapshot's day (whose daily increase is measured from this one).
CREATE FUNCTION mitan_dirty_social_posts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty_days (day, district_id, kind)
  SELECT DISTINCT (r.published_at AT TIME ZONE d.timezone)::date, r.district_id, 'social'
  FROM changed_rows r JOIN districts d ON d.id = r.district_id
  WHERE r.published_at IS NOT NULL
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER social_posts_dirty_ins AFTER INSERT ON social_posts
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION mitan_dirty_social_posts();
CREATE TRIGGER social_posts_dirty_upd AFTER UPDATE ON social_posts
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION mitan_dirty_social_posts();

CREATE FUNCTION mitan_dirty_social_metrics() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty_days (day, district_id, kind)
  SELECT DISTINCT x.day, p.district_id, 'social'
  FROM changed_rows r
  JOIN social_posts p ON p.id = r.post_id
  CROSS JOIN LATERAL (
    SELECT r.day
    UNION ALL
    (SELECT m.day FROM social_metrics m WHERE m.post_id = r.post_id AND m.metric = r.metric AND m.day > r.day ORDER BY m.day LIMIT 1)
  ) x
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER social_metrics_dirty_ins AFTER INSERT ON social_metrics
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION mitan_dirty_social_metrics();
CREATE TRIGGER social_metrics_dirty_upd AFTER UPDATE ON social_metrics
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION mitan_dirty_social_metrics();

-- DPDP erasure (RosterService.erase sets status 'erased'): the citizen's complaints lose their
-- text and the link to the number too, whoever erased them. Counts, categories and references stay.
CREATE FUNCTION mitan_erase_complaints() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  h text := CASE WHEN OLD.phone IS NULL THEN NULL ELSE encode(sha256(convert_to(OLD.phone, 'UTF8')), 'hex') END;
BEGIN
  UPDATE complaint_messages SET body = NULL
  WHERE body IS NOT NULL AND complaint_id IN (SELECT id FROM complaints WHERE subscriber_id = NEW.id OR (h IS NOT NULL AND citizen_hash = h));
  UPDATE complaints SET summary = NULL, matched_keywords = NULL, citizen_hash = NULL, updated_at = now()
  WHERE subscriber_id = NEW.id OR (h IS NOT NULL AND citizen_hash = h);
  RETURN NULL;
END $$;
CREATE TRIGGER subscribers_erase_complaints AFTER UPDATE OF status ON subscribers
  FOR EACH ROW WHEN (NEW.status = 'erased' AND OLD.status IS DISTINCT FROM 'erased')
  EXECUTE FUNCTION mitan_erase_complaints();
