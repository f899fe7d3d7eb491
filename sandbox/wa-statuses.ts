/**
 * The life of an accepted message after the 200: sent / delivered / read, or failed with
 * errors[], each applied to the sandbox's state when it "happens" and POSTed as a webhook when a
 * callback is configured. With webhooks off the statuses are applied at once (nothing waits).
 */
import { WA_TITLES } from './errors';
import { phoneShown, userIdOf } from './identities';
import type { StatusObject } from './webhook-payloads';
import type { WebhookDispatcher } from './webhooks';
import type { SandboxState } from './state';
import type { WaMessageRecord, WaStatus } from './wa-store';

const ERROR_DETAILS: Record<number, string> = {
	131000: 'Something went wrong. Please try again later.',
	131026: 'Message Undeliverable.',
	131047: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
	131048: 'Message failed to send because there are restrictions on how many messages can be sent from this phone number.',
	131049: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
	131050: 'This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
};

function pricingOf(rec: WaMessageRecord, windowOpen: boolean): StatusObject['pricing'] {
	if (!rec.category) return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' };
	// Meta: utility templates inside an open customer service window are free.
	const free = windowOpen && rec.category === 'UTILITY';
	return {
		billable: !free,
		pricing_model: 'PMP',
		type: free ? 'free_customer_service' : 'regular',
		category: rec.category.toLowerCase(),
	};
}

export function emitStatuses(
	state: SandboxState,
	webhooks: WebhookDispatcher,
	rec: WaMessageRecord,
	failCode: number | undefined,
	windowOpen: boolean,
): void {
	const cfg = state.config.webhook;
	const plan: { status: WaStatus; delay: number }[] = [];
	if (failCode !== undefined) {
		plan.push({ status: 'failed', delay: cfg.delaysMs.failed });
	} else {
		plan.push({ status: 'sent', delay: cfg.delaysMs.sent });
		if (state.prng.chance(cfg.shares.delivered)) {
			plan.push({ status: 'delivered', delay: cfg.delaysMs.delivered });
			if (state.prng.chance(cfg.shares.read)) plan.push({ status: 'read', delay: cfg.delaysMs.read });
		}
	}
	const pricing = failCode === undefined ? pricingOf(rec, windowOpen) : undefined;
	// Sent by number: the number comes back. Sent by BSUID: only if Meta shows it (contact book,
	// 30 days), and never on a failed status, which Meta may send with no phone at all.
	const numberShown =
		rec.addressedBy === 'to' || (failCode === undefined && phoneShown(state, rec.waId, state.now(), state.lastInboundMs.get(rec.waId)));
	const userId = userIdOf(state, rec.waId);
	for (const step of plan) {
		const atMs = state.now() + (webhooks.enabled ? step.delay : 0);
		const apply = (): void => state.wa.applyStatus(rec.wamid, step.status, new Date(atMs).toISOString(), failCode, rec.endpoint);
		if (!webhooks.enabled) {
			apply();
			continue;
		}
		const status: StatusObject = {
			id: rec.wamid,
			status: step.status as StatusObject['status'],
			timestamp: String(Math.floor(atMs / 1000)),
			...(numberShown ? { recipient_id: rec.waId } : {}),
			recipient_user_id: userId,
		};
		if (rec.bizOpaqueCallbackData) status.biz_opaque_callback_data = rec.bizOpaqueCallbackData;
		if (pricing) status.pricing = pricing;
		if (failCode !== undefined) {
			const title = WA_TITLES[failCode] ?? 'Message failed';
			status.errors = [
				{
					code: failCode,
					title,
					message: title,
					error_data: { details: ERROR_DETAILS[failCode] ?? title },
					href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
				},
			];
		}
		webhooks.schedule({ kind: 'status', phoneNumberId: rec.phoneNumberId, status }, step.delay, apply);
	}
}
