-- The conversation with citizens (issue 17 §1, §3): not every message is a complaint.
--
-- Staff numbers: one registry in the store, so "is this a staff number" has one answer (a staff
-- member opening the 24-hour window or writing to test is never registered as a complaint).
CREATE TABLE staff_numbers (
  id          bigserial PRIMARY KEY,
  district_id integer NOT NULL DEFAULT 1 REFERENCES districts(id),
  phone       text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  duty        text NOT NULL DEFAULT 'staff'
              CHECK (duty IN ('staff', 'cyber_cell', 'duty_officer', 'leadership', 'approver')),
  added_by    text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (district_id, phone)
);

-- What the gateway made of each message (core/conversation/classify.ts), recorded whether or not
-- it was queued for the complaint workflow.
ALTER TABLE inbound_messages ADD COLUMN conversation_kind text;

-- A question the citizen was asked and whose answer is awaited (one per citizen): join → yes / no,
-- which police station, delete my data → yes / no. Deleted when answered, on erasure, or ignored
-- once expired. The phone is here only while the question is open.
CREATE TABLE conversation_pending (
  district_id    integer NOT NULL DEFAULT 1 REFERENCES districts(id),
  phone          text NOT NULL,
  question       text NOT NULL CHECK (question IN ('join_confirm', 'join_station', 'delete_confirm', 'language')),
  language       text NOT NULL DEFAULT 'hi' CHECK (language IN ('hi', 'en')),
  notice_version text,
  asked_at       timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  PRIMARY KEY (district_id, phone)
);
