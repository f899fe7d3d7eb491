-- Dashboard users, their server-side sessions and the login attempts that rate-limit them.

CREATE TABLE dashboard_users (
  id             serial PRIMARY KEY,
  username       text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{2,40}$'),
  display_name   text,
  -- argon2id PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash): never a plain password.
  password_hash  text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  role           text NOT NULL CHECK (role IN ('viewer', 'approver', 'admin')),
  -- NULL = state-level (may pick any district); otherwise the user sees only this district.
  district_id    integer REFERENCES districts(id),
  language       text NOT NULL DEFAULT 'hi' CHECK (language IN ('hi', 'en')),
  disabled_at    timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- The cookie carries a random token; only its SHA-256 is stored, so a leaked table opens nothing.
CREATE TABLE dashboard_sessions (
  token_hash     text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  user_id        integer NOT NULL REFERENCES dashboard_users(id) ON DELETE CASCADE,
  -- Synchronizer token: every write must echo it (form field _csrf or header X-CSRF-Token).
  csrf_token     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_seen_at   timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  ip             text,
  user_agent     text
);
CREATE INDEX dashboard_sessions_user ON dashboard_sessions (user_id);
CREATE INDEX dashboard_sessions_expiry ON dashboard_sessions (expires_at);

-- Failed and successful logins per (ip, username): several app processes share one limit.
CREATE TABLE login_attempts (
  id             bigserial PRIMARY KEY,
  ip             text NOT NULL,
  username       text NOT NULL,
  ok             boolean NOT NULL,
  at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_key ON login_attempts (ip, username, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

-- Roster composition (languages, consent sources, status) per district and police station,
-- refreshed from subscribers in one grouped scan so the dashboard never scans the roster.
CREATE TABLE rollup_roster_snapshot (
  district_id    integer NOT NULL REFERENCES districts(id),
  police_station text NOT NULL DEFAULT '',
  language       text NOT NULL DEFAULT '',
  consent_source text NOT NULL DEFAULT '',
  status         text NOT NULL,
  subscribers    integer NOT NULL DEFAULT 0,
  refreshed_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (district_id, police_station, language, consent_source, status)
);
