-- The day's message as Meta message templates (issue 15 items 5 and 6): one row per approved
-- content and language, with exactly what was sent to POST /{WABA_ID}/message_templates, Meta's
-- id and the status and quality Meta last reported (from the create answer and the webhooks
-- message_template_status_update / _quality_update / template_category_update).
CREATE TABLE wa_templates (
  id            bigserial PRIMARY KEY,
  district_id   integer NOT NULL DEFAULT 1 REFERENCES districts(id),
  content_id    bigint NOT NULL REFERENCES content(id),
  language      text NOT NULL CHECK (language IN ('hi', 'en')),
  name          text NOT NULL CHECK (name ~ '^[a-z0-9_]+$' AND length(name) <= 512),
  -- The creation payload as sent; the approval's template hash covers both languages' payloads.
  payload       jsonb NOT NULL,
  set_hash      text NOT NULL,
  meta_id       text,
  status        text NOT NULL DEFAULT 'NOT_SUBMITTED'
                CHECK (status IN ('NOT_SUBMITTED', 'PENDING', 'APPROVED', 'REJECTED', 'PAUSED', 'DISABLED',
                                  'FLAGGED', 'IN_APPEAL', 'PENDING_DELETION', 'DELETED', 'ARCHIVED', 'LIMIT_EXCEEDED')),
  reason        text,
  quality       text CHECK (quality IN ('GREEN', 'YELLOW', 'RED', 'UNKNOWN')),
  category      text NOT NULL DEFAULT 'MARKETING',
  -- Time of the event that set status / quality: a repeated or late webhook never undoes a newer one.
  status_at     timestamptz,
  quality_at    timestamptz,
  submitted_at  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (content_id, language),
  UNIQUE (district_id, name, language)
);
CREATE INDEX wa_templates_meta_id ON wa_templates (meta_id) WHERE meta_id IS NOT NULL;

-- Every template webhook change, once (Meta delivers at least once): the key is the field, the
-- template, the event and its time.
CREATE TABLE wa_template_events (
  id            bigserial PRIMARY KEY,
  dedupe_key    text NOT NULL UNIQUE,
  field         text NOT NULL,
  meta_id       text,
  name          text,
  language      text,
  event         text,
  reason        text,
  quality       text,
  category      text,
  occurred_at   timestamptz,
  template_id   bigint REFERENCES wa_templates(id),
  received_at   timestamptz NOT NULL DEFAULT now(),
  payload       jsonb NOT NULL
);

-- The template hash the approver's decision covered (core/channels/whatsapp/awareness-template.ts):
-- what is sent to Meta must hash to it.
ALTER TABLE content ADD COLUMN approved_template_hash text;
