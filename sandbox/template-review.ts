/**
 * What Meta decides about a template after it is created, and every later change of its state:
 * review (APPROVED / REJECTED with a reason) after `whatsapp.templateReviewMs`, pause, disable,
 * reinstate, flag, quality and category changes. Each change goes out as Meta's webhook
 * (message_template_status_update, message_template_quality_update, template_category_update)
 * through the sandbox's one webhook queue, signed like every other webhook.
 * The review rules are the sandbox's reading of Meta's guidelines (sandbox/README.md).
 */
import type { TemplateCategory } from './config';
import { ConfigError } from './config';
import type { Envelope } from './webhook-payloads';
import type { SandboxState } from './state';
import type { QualityScore, TemplateRecord } from './wa-templates';
import type { WebhookDispatcher } from './webhooks';

export const BODY_MAX = 1024;
/** Fixed words a body needs per variable (Meta: "too many variables for its length"). */
export const WORDS_PER_VARIABLE = 3;
/** Words that make a text promotional (Meta files such texts as MARKETING, not UTILITY). */
export const PROMOTIONAL_WORDS = [
	'offer',
	'discount',
	'sale',
	'buy',
	'shop',
	'deal',
	'coupon',
	'promo',
	'cashback',
	'limited time',
	'% off',
	'ऑफर',
	'छूट',
	'डिस्काउंट',
	'सेल',
	'खरीदें',
	'कूपन',
	'कैशबैक',
];
/** Pause lengths after the first and second RED (then the template is disabled). */
export const PAUSE_MS = [3 * 3600 * 1000, 6 * 3600 * 1000];

/** Review's verdict: undefined = approved, else Meta's rejected_reason. */
export function reviewVerdict(t: TemplateRecord): string | undefined {
	const text = t.body.text;
	const bare = text.trim().replace(/[\s.!?,;:।…]+$/u, '');
	if (/^\{\{\d+\}\}/.test(bare) || /\{\{\d+\}\}$/.test(bare)) return 'INVALID_FORMAT';
	if ([...text].length > BODY_MAX) return 'INVALID_FORMAT';
	const words = text
		.replace(/\{\{\d+\}\}/g, ' ')
		.split(/\s+/)
		.filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
	if (t.body.params > 0 && words < WORDS_PER_VARIABLE * t.body.params) return 'INVALID_FORMAT';
	if (t.category === 'UTILITY' && isPromotional([t.header?.text ?? '', text, t.footer ?? ''].join(' '))) return 'INCORRECT_CATEGORY';
	return undefined;
}

export function isPromotional(text: string): boolean {
	const lower = text.toLowerCase();
	return PROMOTIONAL_WORDS.some((w) => (/^[a-z ]+$/.test(w) ? new RegExp(`\\b${w}\\b`).test(lower) : lower.includes(w)));
}

function envelope(state: SandboxState, field: string, value: Record<string, unknown>): Envelope {
	return {
		object: 'whatsapp_business_account',
		entry: [{ id: state.config.whatsapp.wabaId, time: Math.floor(state.now() / 1000), changes: [{ field, value }] }],
	};
}

const ident = (t: TemplateRecord) => ({
	message_template_id: Number(t.id),
	message_template_name: t.name,
	message_template_language: t.language,
});

export type StatusEvent = 'APPROVED' | 'REJECTED' | 'PAUSED' | 'DISABLED' | 'REINSTATED' | 'FLAGGED';

function statusWebhook(
	state: SandboxState,
	webhooks: WebhookDispatcher,
	t: TemplateRecord,
	event: StatusEvent,
	reason: string,
	otherInfo?: { title: string; description: string },
): void {
	if (!webhooks.enabled) return;
	const value = { event, ...ident(t), reason, ...(otherInfo ? { other_info: otherInfo } : {}) };
	webhooks.schedule({ kind: 'raw', envelope: envelope(state, 'message_template_status_update', value) }, 0);
}

/** Starts the review of a PENDING template; it ends after templateReviewMs (real time). */
export function scheduleReview(state: SandboxState, webhooks: WebhookDispatcher, t: TemplateRecord): void {
	const generation = state.templates.generation;
	const decide = (): void => {
		if (generation !== state.templates.generation || state.templates.get(t.id) !== t || t.status !== 'PENDING') return;
		const reason = reviewVerdict(t);
		t.status = reason ? 'REJECTED' : 'APPROVED';
		t.rejectedReason = reason ?? 'NONE';
		if (!reason) t.quality = 'UNKNOWN';
		statusWebhook(state, webhooks, t, t.status, t.rejectedReason);
	};
	setTimeout(decide, Math.max(0, state.config.whatsapp.templateReviewMs)).unref();
}

/** Pauses an APPROVED template (FIRST_PAUSE 3 h, SECOND_PAUSE 6 h); the third time disables it. */
export function pauseTemplate(state: SandboxState, webhooks: WebhookDispatcher, t: TemplateRecord): void {
	if (t.status !== 'APPROVED') throw new ConfigError(`only an APPROVED template can be paused (${t.name}/${t.language} is ${t.status})`);
	if (t.pauses >= PAUSE_MS.length) return disableTemplate(state, webhooks, t);
	const ms = PAUSE_MS[t.pauses];
	t.pauses++;
	t.status = 'PAUSED';
	t.pausedUntilMs = state.now() + ms;
	const title = t.pauses === 1 ? 'FIRST_PAUSE' : 'SECOND_PAUSE';
	statusWebhook(state, webhooks, t, 'PAUSED', 'NONE', {
		title,
		description: `Your WhatsApp message template has been paused for ${ms / 3600_000} hours until ${new Date(t.pausedUntilMs).toISOString()} due to low quality.`,
	});
}

export function disableTemplate(state: SandboxState, webhooks: WebhookDispatcher, t: TemplateRecord): void {
	if (t.status === 'PENDING' || t.status === 'REJECTED' || t.status === 'DISABLED') {
		throw new ConfigError(`${t.name}/${t.language} is ${t.status} and cannot be disabled`);
	}
	t.status = 'DISABLED';
	t.pausedUntilMs = undefined;
	statusWebhook(state, webhooks, t, 'DISABLED', 'NONE', {
		title: 'DISABLED',
		description: 'Your WhatsApp message template has been disabled due to low quality.',
	});
}

export function reinstateTemplate(state: SandboxState, webhooks: WebhookDispatcher, t: TemplateRecord): void {
	if (t.status !== 'PAUSED' && t.status !== 'DISABLED')
		throw new ConfigError(`only a PAUSED or DISABLED template can be reinstated (${t.status})`);
	t.status = 'APPROVED';
	t.pausedUntilMs = undefined;
	statusWebhook(state, webhooks, t, 'REINSTATED', 'NONE', {
		title: 'UNPAUSE',
		description: 'Your WhatsApp message template is active again.',
	});
}

/** FLAGGED: quality dropped; the template still sends (Meta disables it if it stays low). */
export function flagTemplate(state: SandboxState, webhooks: WebhookDispatcher, t: TemplateRecord): void {
	if (t.status !== 'APPROVED') throw new ConfigError(`only an APPROVED template can be flagged (${t.status})`);
	statusWebhook(state, webhooks, t, 'FLAGGED', 'NONE');
}

const SCORES: QualityScore[] = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'];

/** A new quality score, with its webhook; RED pauses the template as Meta does. */
export function setQuality(state: SandboxState, webhooks: WebhookDispatcher, t: TemplateRecord, score: QualityScore): void {
	if (!SCORES.includes(score)) throw new ConfigError(`quality must be one of ${SCORES.join(', ')}`);
	const previous = t.quality;
	t.quality = score;
	if (webhooks.enabled) {
		const value = { ...ident(t), previous_quality_score: previous, new_quality_score: score };
		webhooks.schedule({ kind: 'raw', envelope: envelope(state, 'message_template_quality_update', value) }, 0);
	}
	if (score === 'RED' && t.status === 'APPROVED') pauseTemplate(state, webhooks, t);
}

const CATS: TemplateCategory[] = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];

/** Meta recategorises a template (template_category_update); sends are priced and routed by the new one. */
export function setCategory(state: SandboxState, webhooks: WebhookDispatcher, t: TemplateRecord, category: TemplateCategory): void {
	if (!CATS.includes(category)) throw new ConfigError(`category must be one of ${CATS.join(', ')}`);
	const previous = t.category;
	t.category = category;
	if (webhooks.enabled) {
		const value = { ...ident(t), previous_category: previous, new_category: category };
		webhooks.schedule({ kind: 'raw', envelope: envelope(state, 'template_category_update', value) }, 0);
	}
}

/** Ends pauses whose time has come on the sandbox clock (called wherever templates are read). */
export function sweepPauses(state: SandboxState, webhooks: WebhookDispatcher): void {
	const now = state.now();
	for (const t of state.templates.all()) {
		if (t.status === 'PAUSED' && t.pausedUntilMs !== undefined && now >= t.pausedUntilMs) reinstateTemplate(state, webhooks, t);
	}
}
