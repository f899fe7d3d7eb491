-- A citizen has a phone number, a business-scoped user id (BSUID), or both (issue 16 §2): Meta
-- omits the number of a citizen with a username who has not written in 30 days. "Erased" keeps
-- its meaning: no identifier at all (core/identity.ts resolves and links; erasure clears both).
ALTER TABLE subscribers DROP CONSTRAINT subscribers_check;
ALTER TABLE subscribers ADD CONSTRAINT subscribers_identity CHECK (
  (status = 'erased') = (phone IS NULL AND wa_user_id IS NULL));
-- Meta's format: two-letter country code, a dot, then alphanumerics (a parent BSUID adds ".ENT").
ALTER TABLE subscribers ADD CONSTRAINT subscribers_user_id_format CHECK (
  wa_user_id IS NULL OR wa_user_id ~ '^[A-Z]{2}\.([A-Z]{3}\.)?[A-Za-z0-9]{1,128}$');

-- Open complaints are found by citizen_hash: sha256 of the phone when known, else of the BSUID
-- (core/identity.ts citizenHash). Erasing a citizen clears the complaints of either identifier.
CREATE OR REPLACE FUNCTION mitan_erase_complaints() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  h text := CASE WHEN OLD.phone IS NULL THEN NULL ELSE encode(sha256(convert_to(OLD.phone, 'UTF8')), 'hex') END;
  u text := CASE WHEN OLD.wa_user_id IS NULL THEN NULL ELSE encode(sha256(convert_to(OLD.wa_user_id, 'UTF8')), 'hex') END;
BEGIN
  UPDATE complaint_messages SET body = NULL
  WHERE body IS NOT NULL AND complaint_id IN (SELECT id FROM complaints
    WHERE subscriber_id = NEW.id OR (h IS NOT NULL AND citizen_hash = h) OR (u IS NOT NULL AND citizen_hash = u));
  UPDATE complaints SET summary = NULL, matched_keywords = NULL, citizen_hash = NULL, updated_at = now()
  WHERE subscriber_id = NEW.id OR (h IS NOT NULL AND citizen_hash = h) OR (u IS NOT NULL AND citizen_hash = u);
  RETURN NULL;
END $$;

-- STOP / START order and the dead letters are looked up by who wrote; a BSUID-only citizen has
-- no from_phone.
CREATE INDEX inbound_messages_from_user ON inbound_messages (district_id, from_user_id) WHERE from_user_id IS NOT NULL;
