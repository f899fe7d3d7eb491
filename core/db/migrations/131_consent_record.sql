-- Consent record (issue 17 §3, DPDP): where and when consent was given (consent_source /
-- consent_at, already there), whether that time is the real one from the source or only the
-- import's clock, which version of the notice the citizen was shown and in which language, and
-- when they withdrew it (STOP). The history of every change is the audit log's
-- (subscriber.opt_out / subscriber.opt_in / roster.import).
ALTER TABLE subscribers
  ADD COLUMN consent_at_source      text CHECK (consent_at_source IS NULL OR consent_at_source IN ('file', 'import', 'message')),
  ADD COLUMN consent_notice_version text,
  ADD COLUMN consent_language       text CHECK (consent_language IS NULL OR consent_language IN ('hi', 'en')),
  ADD COLUMN consent_withdrawn_at   timestamptz;

-- Withdrawal is recorded whoever changes the status (the gateway's STOP, the Roster node, an
-- officer): one rule, in the store. Opting in again clears it; the audit log keeps both.
CREATE FUNCTION mitan_consent_withdrawal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'opted_out' AND OLD.status IS DISTINCT FROM 'opted_out' THEN
    NEW.consent_withdrawn_at := coalesce(NEW.status_changed_at, now());
  ELSIF NEW.status = 'active' AND OLD.status = 'opted_out' THEN
    NEW.consent_withdrawn_at := NULL;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER subscribers_consent_withdrawal BEFORE UPDATE OF status ON subscribers
  FOR EACH ROW EXECUTE FUNCTION mitan_consent_withdrawal();

-- Retention (core/retention.ts) finds old inbound messages by time (status events use status_events_day).
CREATE INDEX inbound_messages_received ON inbound_messages (received_at);
