-- The WhatsApp broadcast sender: per-broadcast pacing settings, the workers sending it, and
-- the shared pacing state (one row per sending phone number).

ALTER TABLE broadcasts
  ADD COLUMN phone_number_id text,
  -- The number's throughput limit (80 or 1,000 msg/s) and the share of it we pace at.
  ADD COLUMN rate_limit_per_second integer NOT NULL DEFAULT 80 CHECK (rate_limit_per_second BETWEEN 1 AND 10000),
  ADD COLUMN pacing_factor real NOT NULL DEFAULT 0.985 CHECK (pacing_factor > 0 AND pacing_factor <= 1),
  ADD COLUMN max_attempts integer NOT NULL DEFAULT 6 CHECK (max_attempts BETWEEN 1 AND 50),
  ADD COLUMN created_by text,
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- When the request went out (set with state in_flight): a later status webhook for the same
-- citizen after this moment settles an in-doubt delivery.
ALTER TABLE deliveries ADD COLUMN sending_at timestamptz;

-- Pending work in claim order; partial so the index stays small as a broadcast completes.
CREATE INDEX deliveries_pending ON deliveries (broadcast_id, id) WHERE state = 'pending';
CREATE INDEX deliveries_in_flight ON deliveries (broadcast_id, claimed_by) WHERE state = 'in_flight';
CREATE INDEX deliveries_sent_at ON deliveries (broadcast_id, sent_at) WHERE sent_at IS NOT NULL;

-- One row per running sender process. A worker whose heartbeat is stale (or, on the same host,
-- whose pid is gone) is dead: its claimed rows go back to the pool, its in-flight rows in doubt.
CREATE TABLE broadcast_workers (
  id            text PRIMARY KEY,
  broadcast_id  bigint NOT NULL REFERENCES broadcasts(id),
  host          text NOT NULL,
  pid           integer NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  heartbeat_at  timestamptz NOT NULL DEFAULT now(),
  stopped_at    timestamptz,
  stop_reason   text
);
CREATE INDEX broadcast_workers_live ON broadcast_workers (broadcast_id) WHERE stopped_at IS NULL;

-- Pacing state shared by every worker sending from one phone number (virtual scheduling: the
-- next free send slot). State lives in Postgres, the project's one store: Redis would add a
-- second store to run, back up and secure for about 25-50 small UPDATEs a second.
CREATE TABLE send_rate_limits (
  key           text PRIMARY KEY,
  rate_per_second double precision NOT NULL CHECK (rate_per_second > 0),
  -- How far behind "now" a reservation may start: lets a worker catch up the slots it lost
  -- preparing the next group without ever exceeding rate · (1 s + burst) in any second.
  burst_seconds double precision NOT NULL DEFAULT 0.02,
  next_free_at  timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
