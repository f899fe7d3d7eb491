-- Foundation: districts, the subscriber roster and the append-only audit log.
-- Every row belongs to a district, so one installation can later serve a whole state.

CREATE TABLE districts (
  id            serial PRIMARY KEY,
  code          text NOT NULL UNIQUE CHECK (code ~ '^[A-Z]{2,6}$'),
  name          text NOT NULL,
  name_hi       text NOT NULL,
  timezone      text NOT NULL DEFAULT 'Asia/Kolkata',
  -- The WhatsApp business number that serves this district; webhooks are routed by it.
  wa_phone_number_id text UNIQUE,
  created_at    timestamptz NOT NULL DEFAULT now()
);
-- The default district (id 1). Installations rename it with the `district` CLI command.
INSERT INTO districts (code, name, name_hi) VALUES ('KBD', 'Kabirdham', 'कबीरधाम');

CREATE TABLE subscribers (
  id              bigserial PRIMARY KEY,
  district_id     integer NOT NULL DEFAULT 1 REFERENCES districts(id),
  -- E.164 (+91XXXXXXXXXX). NULL only once erased (DPDP): the row stays for anonymised counts.
  phone           text CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
  wa_id           text,
  name            text,
  language        text NOT NULL DEFAULT 'hi' CHECK (language IN ('hi', 'en')),
  police_station  text,
  block           text,
  village         text,
  tags            text[] NOT NULL DEFAULT '{}',
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'opted_out', 'invalid', 'erased')),
  status_reason   text,
  status_changed_at timestamptz,
  consent_source  text,
  consent_at      timestamptz,
  consent_evidence text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  erased_at       timestamptz,
  CHECK ((status = 'erased') = (phone IS NULL))
);
CREATE UNIQUE INDEX subscribers_district_phone ON subscribers (district_id, phone);
CREATE INDEX subscribers_segment ON subscribers (district_id, status, police_station, language);
CREATE INDEX subscribers_created ON subscribers (district_id, created_at);
CREATE INDEX subscribers_tags ON subscribers USING gin (tags);

-- Append-only: who did what, when, from where. Personal data goes in masked form only.
CREATE TABLE audit_log (
  id           bigserial PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT now(),
  district_id  integer REFERENCES districts(id),
  actor        text NOT NULL,          -- 'user:<name>', 'citizen:<masked phone>', 'system:<component>'
  action       text NOT NULL,          -- e.g. 'subscriber.opt_out', 'approval.decided'
  entity       text NOT NULL,          -- e.g. 'subscriber', 'content', 'broadcast'
  entity_id    text,
  ip           text,
  content_hash text,
  details      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, at);
CREATE INDEX audit_log_at ON audit_log (district_id, at);

-- The application never changes or removes history; a trigger makes that a rule, not a habit.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
