-- Districts for real (issue 19 §1): each district's police stations, checked where a roster row
-- or a complaint names one, and names that cannot be blank (they head the district's reports
-- and the state view in both languages).

ALTER TABLE districts
  ADD CONSTRAINT districts_names_present CHECK (btrim(name) <> '' AND btrim(name_hi) <> ''),
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

CREATE TABLE police_stations (
  id          serial PRIMARY KEY,
  district_id integer NOT NULL REFERENCES districts(id),
  -- The name rows are stored under (subscribers.police_station, complaints.police_station).
  name        text NOT NULL CHECK (btrim(name) <> ''),
  name_hi     text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
-- "Kawardha" and "kawardha" are one station: spreadsheets are typed by hand.
CREATE UNIQUE INDEX police_stations_name ON police_stations (district_id, lower(name));
