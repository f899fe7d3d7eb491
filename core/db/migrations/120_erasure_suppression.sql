-- Complete erasure (issue 18 §1): a suppression list, the key check that keeps it usable, and the
-- one change to the audit log that erasure needs. The rules are core/erasure's.

-- Identifiers of erased citizens, as keyed hashes (HMAC-SHA256 with a secret kept outside the
-- database, core/erasure/key.ts): an import or a join checks a number here without the list
-- itself being a list of numbers. A dump of the database cannot be reversed without the key.
CREATE TABLE suppressed_identifiers (
  district_id   integer NOT NULL REFERENCES districts(id),
  id_hash       text NOT NULL CHECK (id_hash ~ '^[0-9a-f]{64}$'),
  kind          text NOT NULL CHECK (kind IN ('phone', 'bsuid')),
  reason        text NOT NULL CHECK (reason IN ('erased')),
  suppressed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (district_id, id_hash)
);

-- One row: which key made the hashes above (an HMAC of a fixed label, not the key). A process
-- started with another key would miss every suppressed number; it is refused instead.
CREATE TABLE suppression_key (
  only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- The audit log stays append-only, with one exception: inside an erasure's transaction
-- (set_config('mitan.erasure', 'on', true)) a row may lose what links it to the citizen (its
-- entity id, the masked number in its details, a citizen actor) and nothing else. The event,
-- its time, action and the rest of its details stay; no row is ever deleted.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('mitan.erasure', true) = 'on'
     AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.action = OLD.action AND NEW.entity = OLD.entity
     AND NEW.district_id IS NOT DISTINCT FROM OLD.district_id
     AND NEW.ip IS NOT DISTINCT FROM OLD.ip AND NEW.content_hash IS NOT DISTINCT FROM OLD.content_hash
     AND (NEW.entity_id IS NULL OR NEW.entity_id = OLD.entity_id)
     AND (NEW.actor = OLD.actor OR NEW.actor = 'citizen:erased')
     AND (NEW.details - 'erased') <@ OLD.details
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
