-- Login throttle (issue 18, finding 2). The old limit counted failures, then hashed, then
-- recorded: a burst of concurrent guesses all passed the count. Now each attempt is admitted or
-- refused by ONE call (mitan_login_reserve) that locks the counter rows and counts the attempt as a
-- failure before the password is hashed; a success gives the count back. Keys are per account (any
-- IP), per IP and per (IP, account); each reaching its limit locks the key, longer each time.
-- Keys never hold what was typed: core/auth/throttle.ts builds them from the user id, or from a hash.

DROP TABLE login_attempts;

CREATE TABLE login_throttle (
  key            text PRIMARY KEY CHECK (length(key) <= 200),
  failures       integer NOT NULL DEFAULT 0,
  window_start   timestamptz NOT NULL DEFAULT now(),
  -- How many times this key was locked; each lock lasts base * 2^lockouts (capped).
  lockouts       integer NOT NULL DEFAULT 0,
  locked_until   timestamptz,
  touched_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_throttle_touched ON login_throttle (touched_at);

-- Admits or refuses one login attempt for all its keys at once. Refused (ok = false) when any key
-- is locked; otherwise every key counts the attempt, and a key reaching its limit is locked.
CREATE FUNCTION mitan_login_reserve(p_keys text[], p_limits integer[], p_window_mins integer, p_base_lock_mins integer, p_max_lock_mins integer)
RETURNS TABLE (ok boolean, until_at timestamptz) LANGUAGE plpgsql AS $$
DECLARE
  i integer;
  r login_throttle%ROWTYPE;
  v_until timestamptz := NULL;
BEGIN
  -- Rows are locked in key order, so two concurrent logins never wait on each other in a cycle.
  FOR i IN SELECT k.ord FROM unnest(p_keys) WITH ORDINALITY AS k(key, ord) ORDER BY k.key LOOP
    INSERT INTO login_throttle (key) VALUES (p_keys[i]) ON CONFLICT (key) DO NOTHING;
    SELECT * INTO r FROM login_throttle t WHERE t.key = p_keys[i] FOR UPDATE;
    IF r.locked_until > now() THEN
      v_until := greatest(v_until, r.locked_until);
    END IF;
  END LOOP;
  IF v_until IS NOT NULL THEN
    UPDATE login_throttle t SET touched_at = now() WHERE t.key = ANY (p_keys);
    RETURN QUERY SELECT false, v_until;
    RETURN;
  END IF;
  FOR i IN 1 .. array_length(p_keys, 1) LOOP
    UPDATE login_throttle t SET
      failures = CASE WHEN t.window_start < now() - make_interval(mins => p_window_mins) THEN 1 ELSE t.failures + 1 END,
      window_start = CASE WHEN t.window_start < now() - make_interval(mins => p_window_mins) THEN now() ELSE t.window_start END,
      -- A day without a lock forgives the earlier ones.
      lockouts = CASE WHEN t.locked_until < now() - interval '1 day' THEN 0 ELSE t.lockouts END,
      touched_at = now()
    WHERE t.key = p_keys[i]
    RETURNING * INTO r;
    IF r.failures >= p_limits[i] THEN
      UPDATE login_throttle t SET
        failures = 0,
        window_start = now(),
        lockouts = r.lockouts + 1,
        locked_until = now() + make_interval(mins => least(p_base_lock_mins * power(2, least(r.lockouts, 16))::integer, p_max_lock_mins))
      WHERE t.key = p_keys[i];
    END IF;
  END LOOP;
  DELETE FROM login_throttle t WHERE t.touched_at < now() - interval '2 days' AND (t.locked_until IS NULL OR t.locked_until < now());
  RETURN QUERY SELECT true, NULL::timestamptz;
END;
$$;
