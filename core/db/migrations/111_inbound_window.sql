-- The 24-hour customer-service window (core/channels/whatsapp/window.ts) asks "when did this
-- number last write to us?" before every staff message; without this index that is a scan of
-- every citizen message the district ever received.
CREATE INDEX IF NOT EXISTS inbound_messages_from_recent ON inbound_messages (district_id, from_phone, received_at DESC);
