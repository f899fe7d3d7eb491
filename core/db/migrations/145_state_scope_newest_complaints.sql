-- The newest complaints for a state-level user (all districts, dashboard/complaints page): with
-- only complaints_by_day (district_id, created_at) the list read and sorted every complaint of
-- every district (37 ms at 12,000, growing with the years kept; issue 19 §4 state-scale bench).
-- Walked newest first, the LIMIT stops after a dozen rows.
CREATE INDEX complaints_newest ON complaints (created_at);
