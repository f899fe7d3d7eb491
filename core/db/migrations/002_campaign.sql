-- The shared shape of the daily loop: content and its approvals, WhatsApp broadcasts and their
-- deliveries, status events, citizens' inbound messages, complaints, social posts and the
-- daily rollups the dashboard reads. Feature work adds columns in its own numbered migrations.

CREATE TABLE content (
  id            bigserial PRIMARY KEY,
  district_id   integer NOT NULL DEFAULT 1 REFERENCES districts(id),
  title         text NOT NULL,
  body_hi       text NOT NULL,
  body_en       text NOT NULL,
  image_url     text,
  category      text NOT NULL CHECK (category IN ('cyber_fraud', 'women_safety', 'child_safety', 'traffic', 'other')),
  target_date   date,
  -- Per-channel variants: {whatsapp:{templates:{hi:{name,params},en:{...}}}, x:{text}, instagram:{caption}, facebook:{text,link}}
  variants      jsonb NOT NULL DEFAULT '{}',
  state         text NOT NULL DEFAULT 'draft'
                CHECK (state IN ('draft', 'pending', 'approved', 'rejected', 'changes_requested', 'published')),
  -- sha256 of the canonical content; an approval is bound to the hash it saw.
  content_hash  text NOT NULL,
  approved_hash text,
  approved_by   text,
  approved_at   timestamptz,
  created_by    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX content_by_date ON content (district_id, target_date, state);

CREATE TABLE approvals (
  id            bigserial PRIMARY KEY,
  content_id    bigint NOT NULL REFERENCES content(id),
  district_id   integer NOT NULL DEFAULT 1 REFERENCES districts(id),
  content_hash  text NOT NULL,
  level         integer NOT NULL DEFAULT 1,          -- 2 after an escalation
  approver      text NOT NULL,
  requested_at  timestamptz NOT NULL DEFAULT now(),
  deadline_at   timestamptz,
  decision      text CHECK (decision IN ('approved', 'rejected', 'changes_requested', 'expired', 'escalated')),
  comment       text,
  decided_by    text,
  decided_at    timestamptz,
  decided_ip    text,
  execution_id  text,
  nonce         text UNIQUE                           -- one decision per link set: replays are refused
);
CREATE INDEX approvals_pending ON approvals (district_id, decision, requested_at);

CREATE TABLE broadcasts (
  id            bigserial PRIMARY KEY,
  district_id   integer NOT NULL DEFAULT 1 REFERENCES districts(id),
  content_id    bigint REFERENCES content(id),
  -- Idempotency key: (content_key, channel, broadcast_date, segment_key).
  content_key   text NOT NULL,
  channel       text NOT NULL DEFAULT 'whatsapp',
  broadcast_date date NOT NULL,
  segment_key   text NOT NULL,
  segment       jsonb NOT NULL DEFAULT '{}',
  templates     jsonb NOT NULL,                       -- {hi:{name,params},en:{name,params}}
  status        text NOT NULL DEFAULT 'created'
                CHECK (status IN ('created', 'running', 'paused', 'stopped', 'completed', 'cancelled')),
  stop_code     text,
  stop_reason   text,
  targeted      integer NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  finished_at   timestamptz,
  UNIQUE (content_key, channel, broadcast_date, segment_key)
);

CREATE TABLE deliveries (
  id            bigserial PRIMARY KEY,
  broadcast_id  bigint NOT NULL REFERENCES broadcasts(id),
  subscriber_id bigint NOT NULL REFERENCES subscribers(id),
  language      text NOT NULL,
  police_station text,
  state         text NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'in_flight', 'sent', 'delivered', 'read', 'failed', 'in_doubt', 'skipped')),
  attempts      integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  claimed_by    text,
  claimed_at    timestamptz,
  wamid         text UNIQUE,
  error_code    integer,
  error_class   text,
  sent_at       timestamptz,
  delivered_at  timestamptz,
  read_at       timestamptz,
  failed_at     timestamptz,
  price_category text,
  billable      boolean,
  UNIQUE (broadcast_id, subscriber_id)
);
CREATE INDEX deliveries_claim ON deliveries (broadcast_id, state, next_attempt_at);
CREATE INDEX deliveries_subscriber ON deliveries (subscriber_id);

-- One row per (wamid, status): Meta's at-least-once webhooks collapse here.
CREATE TABLE status_events (
  id            bigserial PRIMARY KEY,
  district_id   integer NOT NULL DEFAULT 1 REFERENCES districts(id),
  wamid         text NOT NULL,
  status        text NOT NULL CHECK (status IN ('sent', 'delivered', 'read', 'failed')),
  occurred_at   timestamptz NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  recipient     text,
  delivery_id   bigint REFERENCES deliveries(id),
  error_code    integer,
  error_title   text,
  price_category text,
  billable      boolean,
  pricing_model text,
  UNIQUE (wamid, status)
);
CREATE INDEX status_events_day ON status_events (district_id, occurred_at);

-- Citizens' messages; Postgres is the queue the Mitan Trigger node claims from.
CREATE TABLE inbound_messages (
  id            bigserial PRIMARY KEY,
  district_id   integer NOT NULL DEFAULT 1 REFERENCES districts(id),
  wamid         text NOT NULL UNIQUE,
  subscriber_id bigint REFERENCES subscribers(id),
  from_phone    text,
  type          text NOT NULL,
  body          text,
  payload       jsonb NOT NULL DEFAULT '{}',
  sent_at       timestamptz,
  received_at   timestamptz NOT NULL DEFAULT now(),
  queue_state   text NOT NULL DEFAULT 'queued' CHECK (queue_state IN ('queued', 'claimed', 'done', 'ignored', 'failed')),
  claimed_by    text,
  claimed_at    timestamptz,
  attempts      integer NOT NULL DEFAULT 0,
  handled_at    timestamptz
);
CREATE INDEX inbound_queue ON inbound_messages (queue_state, id);

CREATE TABLE complaint_sequences (
  district_id   integer NOT NULL REFERENCES districts(id),
  year          integer NOT NULL,
  last_value    integer NOT NULL DEFAULT 0,
  PRIMARY KEY (district_id, year)
);

CREATE TABLE complaints (
  id            bigserial PRIMARY KEY,
  ref           text NOT NULL UNIQUE,                 -- e.g. KBD-2026-000123
  district_id   integer NOT NULL DEFAULT 1 REFERENCES districts(id),
  subscriber_id bigint REFERENCES subscribers(id),
  inbound_message_id bigint REFERENCES inbound_messages(id),
  category      text NOT NULL,
  confidence    real NOT NULL DEFAULT 0,
  category_override text,
  money_loss    boolean NOT NULL DEFAULT false,
  sensitive     boolean NOT NULL DEFAULT false,       -- women / child related: least data, restricted roles
  police_station text,
  language      text NOT NULL DEFAULT 'hi',
  summary       text,
  status        text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'acknowledged', 'forwarded', 'closed')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  forwarded_at  timestamptz,
  closed_at     timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX complaints_by_day ON complaints (district_id, created_at);
CREATE INDEX complaints_open ON complaints (subscriber_id, status);

-- One post per (content, channel): the intent is written before the network is called.
CREATE TABLE social_posts (
  id            bigserial PRIMARY KEY,
  district_id   integer NOT NULL DEFAULT 1 REFERENCES districts(id),
  content_id    bigint REFERENCES content(id),
  content_key   text NOT NULL,
  channel       text NOT NULL CHECK (channel IN ('facebook', 'instagram', 'x')),
  state         text NOT NULL DEFAULT 'intent' CHECK (state IN ('intent', 'published', 'failed', 'unknown')),
  external_id   text,
  url           text,
  error_code    text,
  error_class   text,
  attempts      integer NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  published_at  timestamptz,
  UNIQUE (content_key, channel)
);

CREATE TABLE social_metrics (
  post_id       bigint NOT NULL REFERENCES social_posts(id),
  day           date NOT NULL,
  metric        text NOT NULL,                        -- views, reach, impressions (X), likes, ...
  value         bigint NOT NULL,
  fetched_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (post_id, day, metric)
);

-- Daily rollups: the dashboard reads only these. Empty string = "all / unknown" in key parts.
CREATE TABLE rollup_whatsapp_daily (
  day           date NOT NULL,
  district_id   integer NOT NULL REFERENCES districts(id),
  police_station text NOT NULL DEFAULT '',
  language      text NOT NULL DEFAULT '',
  targeted      integer NOT NULL DEFAULT 0,
  sent          integer NOT NULL DEFAULT 0,
  delivered     integer NOT NULL DEFAULT 0,
  read          integer NOT NULL DEFAULT 0,
  failed        integer NOT NULL DEFAULT 0,
  failed_by_class jsonb NOT NULL DEFAULT '{}',
  opt_outs      integer NOT NULL DEFAULT 0,
  new_subscribers integer NOT NULL DEFAULT 0,
  spend_inr     numeric(12, 2) NOT NULL DEFAULT 0,
  refreshed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (day, district_id, police_station, language)
);

CREATE TABLE rollup_social_daily (
  day           date NOT NULL,
  district_id   integer NOT NULL REFERENCES districts(id),
  channel       text NOT NULL,
  posts         integer NOT NULL DEFAULT 0,
  views         bigint NOT NULL DEFAULT 0,
  reach         bigint NOT NULL DEFAULT 0,
  refreshed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (day, district_id, channel)
);

CREATE TABLE rollup_complaints_daily (
  day           date NOT NULL,
  district_id   integer NOT NULL REFERENCES districts(id),
  category      text NOT NULL,
  police_station text NOT NULL DEFAULT '',
  opened        integer NOT NULL DEFAULT 0,
  closed        integer NOT NULL DEFAULT 0,
  money_loss    integer NOT NULL DEFAULT 0,
  ack_count     integer NOT NULL DEFAULT 0,
  ack_seconds_sum bigint NOT NULL DEFAULT 0,
  ack_seconds_median integer,
  refreshed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (day, district_id, category, police_station)
);

-- Days whose rollups must be recomputed (written by whatever changes the underlying rows).
CREATE TABLE rollup_dirty_days (
  day           date NOT NULL,
  district_id   integer NOT NULL REFERENCES districts(id),
  kind          text NOT NULL CHECK (kind IN ('whatsapp', 'social', 'complaints')),
  marked_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (day, district_id, kind)
);
