-- TOTP second factor for approvers (offered) and admins (required; enrolled at first login).
-- Issue 18, finding 8. The secret is base32; it is set while enrolling and counts only once
-- totp_enabled_at is set. totp_last_step is the last 30-second step accepted: a code works once.
ALTER TABLE dashboard_users
  ADD COLUMN totp_secret     text CHECK (totp_secret ~ '^[A-Z2-7]{32}$'),
  ADD COLUMN totp_enabled_at timestamptz,
  ADD COLUMN totp_last_step  bigint,
  ADD CONSTRAINT dashboard_users_totp_enabled_has_secret CHECK (totp_enabled_at IS NULL OR totp_secret IS NOT NULL);

-- Between a right password and a session: the browser holds a random token (cookie), the table its
-- SHA-256, like dashboard_sessions. Short-lived, a few wrong codes end it.
CREATE TABLE login_challenges (
  token_hash     text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  user_id        integer NOT NULL REFERENCES dashboard_users(id) ON DELETE CASCADE,
  purpose        text NOT NULL CHECK (purpose IN ('verify', 'enrol')),
  failures       integer NOT NULL DEFAULT 0,
  ip             text,
  user_agent     text,
  expires_at     timestamptz NOT NULL
);
CREATE INDEX login_challenges_expiry ON login_challenges (expires_at);
