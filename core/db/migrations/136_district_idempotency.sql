-- Idempotency keys belong to a district (issue 19 §1: one store for many districts). A named or
-- inline content key ("daily:2026-12-02", "inline:<sha256>") can be the same in two districts
-- sending the same state-wide message: keyed without the district, the second district's
-- broadcast or post was taken for the first's and never went out.
ALTER TABLE broadcasts DROP CONSTRAINT broadcasts_content_key_channel_broadcast_date_segment_key_key;
ALTER TABLE broadcasts ADD CONSTRAINT broadcasts_district_key UNIQUE (district_id, content_key, channel, broadcast_date, segment_key);

ALTER TABLE social_posts DROP CONSTRAINT social_posts_content_key_channel_key;
ALTER TABLE social_posts ADD CONSTRAINT social_posts_district_key UNIQUE (district_id, content_key, channel);
