-- Gateway (Meta's webhooks): what status batching, keyword opt-outs and the inbound queue need
-- beyond the shared schema.

-- A "read" that arrives without a "delivered" counts as both: the delivered row is written
-- with inferred = true, and replaced by the real one (its time and pricing) if that arrives later.
ALTER TABLE status_events ADD COLUMN inferred boolean NOT NULL DEFAULT false;
-- Meta's pricing.type (regular, free_customer_service, free_entry_point): spend = billable + category.
ALTER TABLE status_events ADD COLUMN pricing_type text;
-- Statuses can overtake the broadcast sender's write of deliveries.wamid; the gateway links
-- those orphans again for a while (core/statuses/repository.ts linkOrphans).
CREATE INDEX status_events_unlinked ON status_events (received_at) WHERE delivery_id IS NULL;

-- 'stop' / 'start' when the message was a keyword the gateway handled itself (never queued).
ALTER TABLE inbound_messages ADD COLUMN keyword text CHECK (keyword IN ('stop', 'start'));
-- The business number the citizen wrote to (metadata.phone_number_id).
ALTER TABLE inbound_messages ADD COLUMN phone_number_id text;
-- Lease expiry: a claim older than the lease is taken again (a worker died mid-execution).
CREATE INDEX inbound_claimed ON inbound_messages (claimed_at) WHERE queue_state = 'claimed';
