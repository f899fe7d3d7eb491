/**
 * Meta's customer-service window: free-form messages reach a citizen only within 24 hours of
 * their last message to the business; after that only an approved template does (else 131047).
 */
export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 3_600_000;

export function isWindowOpen(lastInboundAt: Date | null, now: Date = new Date()): boolean {
	return lastInboundAt !== null && now.getTime() - lastInboundAt.getTime() < CUSTOMER_SERVICE_WINDOW_MS;
}
