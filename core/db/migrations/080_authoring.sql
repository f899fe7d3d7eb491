-- Authoring (issue 15): cyber cell staff write drafts in the dashboard as `editor`, a role between
-- viewer (reads) and approver (decides); and a draft names the channels it is meant for.

ALTER TABLE dashboard_users DROP CONSTRAINT IF EXISTS dashboard_users_role_check;
ALTER TABLE dashboard_users ADD CONSTRAINT dashboard_users_role_check CHECK (role IN ('viewer', 'editor', 'approver', 'admin'));

-- NULL = not chosen (content written before this column, and callers that do not say): every
-- channel, as before. The hash includes the list only when it is set, so existing approvals stay valid.
ALTER TABLE content ADD COLUMN channels text[]
  CHECK (channels IS NULL OR (cardinality(channels) > 0 AND channels <@ ARRAY['whatsapp', 'facebook', 'instagram', 'x']::text[]));
