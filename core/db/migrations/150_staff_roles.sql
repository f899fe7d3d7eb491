-- The staff registry owns every staff number the exported workflows use (issue 17: "a staff registry
-- in the store, not five copies of a Settings node").
--
-- One person may hold several roles (in a small district the cyber cell in-charge is also the duty
-- officer, and the Settings nodes it replaces often held one number in two fields): a number is
-- unique per role, not per district.
ALTER TABLE staff_numbers DROP CONSTRAINT staff_numbers_district_id_phone_key;
ALTER TABLE staff_numbers ADD CONSTRAINT staff_numbers_district_phone_duty_key UNIQUE (district_id, phone, duty);

-- The registry is seeded once per district (core/staff/seed.ts): from the numbers a district had
-- typed into its installed workflows' Settings nodes, else the sandbox-range placeholders. Kept so a
-- later start never puts back a number an officer removed.
CREATE TABLE staff_registry_seeds (
  district_id integer PRIMARY KEY REFERENCES districts(id),
  source      text NOT NULL CHECK (source IN ('workflows', 'placeholders')),
  added       integer NOT NULL,
  seeded_by   text NOT NULL,
  seeded_at   timestamptz NOT NULL DEFAULT now()
);
