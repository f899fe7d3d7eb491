-- The complaint desk (issue 17 §2): officers work a case on the dashboard. The status and its
-- timestamps stay where they are (core/complaints/status.ts owns the transitions); these columns
-- hold what the desk adds: who the case is with, the national portal's acknowledgement number
-- once forwarded, how it ended, and when the citizen first heard from an officer.
ALTER TABLE complaints
  ADD COLUMN assigned_officer  text,
  ADD COLUMN assigned_at       timestamptz,
  ADD COLUMN assigned_by       text,
  -- National Cybercrime Reporting Portal acknowledgement number (14 digits, core/complaints/ncrp.ts).
  ADD COLUMN ncrp_ack          text CHECK (ncrp_ack IS NULL OR ncrp_ack ~ '^[0-9]{14}$'),
  ADD COLUMN outcome           text CHECK (outcome IS NULL OR outcome IN
    ('resolved', 'advice_given', 'money_frozen', 'fir_registered', 'referred', 'duplicate', 'unreachable', 'not_actionable')),
  -- The first reply an officer sent from the desk (the automatic acknowledgement does not count).
  ADD COLUMN first_response_at timestamptz;
CREATE INDEX complaints_desk_queue ON complaints (district_id, status, created_at);

-- Officers' notes on a case: internal, never sent to the citizen.
CREATE TABLE complaint_notes (
  id           bigserial PRIMARY KEY,
  complaint_id bigint NOT NULL REFERENCES complaints(id),
  author       text NOT NULL,
  body         text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX complaint_notes_by_complaint ON complaint_notes (complaint_id, id);

-- Every message the desk sent the citizen (a reply, the forward and close notices): free text
-- inside the 24-hour window, else the utility template. Delivery comes from status_events by wamid.
-- body is NULL for women / child cases (least data: the text is not kept, only that it was sent).
CREATE TABLE complaint_replies (
  id           bigserial PRIMARY KEY,
  complaint_id bigint NOT NULL REFERENCES complaints(id),
  purpose      text NOT NULL CHECK (purpose IN ('reply', 'forwarded', 'closed')),
  kind         text NOT NULL CHECK (kind IN ('text', 'template')),
  template     text,
  body         text,
  wamid        text,
  error_code   text,
  error_message text,
  sent_by      text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK ((wamid IS NULL) <> (error_code IS NULL))
);
CREATE INDEX complaint_replies_by_complaint ON complaint_replies (complaint_id, id);
CREATE INDEX complaint_replies_wamid ON complaint_replies (wamid) WHERE wamid IS NOT NULL;

-- Response-time indicators per (day opened, district, category, station): the first officer
-- response (count, sum, median in seconds) and how many were not closed within 48 hours.
ALTER TABLE rollup_complaints_daily
  ADD COLUMN first_response_count integer NOT NULL DEFAULT 0,
  ADD COLUMN first_response_seconds_sum bigint NOT NULL DEFAULT 0,
  ADD COLUMN first_response_seconds_median integer,
  ADD COLUMN over_48h integer NOT NULL DEFAULT 0;
