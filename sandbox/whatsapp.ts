/**
 * WhatsApp Cloud API: POST /{v}/{phone-number-id}/messages (and /marketing_messages),
 * GET /{v}/{phone-number-id}, GET /{v}/{waba-id}, /phone_numbers, /message_templates.
 * Synchronous checks, in Meta's order: token (190), object (100/33), parameters (100/131008),
 * template (132001/132000/132015/132016), pair limit (131056), throughput (130429).
 * Everything that Meta decides after accepting (131026, 131047, 131048, 131049, 131050,
 * 131000) comes back as a failed status webhook (see populations.ts, wa-statuses.ts).
 */
import type { PhoneNumberConfig } from './config';
import { GraphError, invalidParam, MM_API_NOT_ONBOARDED_CODE, waError, WA_TITLES } from './errors';
import { validateTemplateSend, type TemplateSend } from './template-send';
import { sweepPauses } from './template-review';
import { templateById, templatesEdge } from './wa-templates-graph';
import { pickFields, requireToken, unknownEdge, type GraphHandler, type GraphRequest, type GraphResult } from './graph';
import { phoneShown, recordContact, waIdOfUserId } from './identities';
import { decideFailure } from './populations';
import { emitStatuses } from './wa-statuses';
import type { SandboxState } from './state';
import type { WaMessageRecord } from './wa-store';
import type { WebhookDispatcher } from './webhooks';
import { mediaInfo } from './wa-media';
import { interactiveProblem } from './wa-interactive';

const FREE_FORM_TYPES = new Set([
	'text',
	'image',
	'audio',
	'video',
	'document',
	'sticker',
	'interactive',
	'location',
	'contacts',
	'reaction',
]);

function isObj(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Digits of `to`: Meta tolerates "+", spaces, dashes and brackets; E.164 has at most 15 digits. */
export function normaliseTo(to: string): string | undefined {
	if (!/^\+?[\d\s\-().]+$/.test(to)) return undefined;
	const digits = to.replace(/\D/g, '');
	return digits.length >= 8 && digits.length <= 15 ? digits : undefined;
}

/** A wamid shaped like Meta's (base64 of a small binary blob carrying the recipient). */
function makeWamid(state: SandboxState, waId: string): string {
	const seq = state.nextSeq().toString(16).toUpperCase().padStart(12, '0');
	const blob = Buffer.concat([
		Buffer.from([0x1c, 0x18, 0x0c]),
		Buffer.from(waId),
		Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, 0x12]),
		Buffer.from(state.bootId + seq),
		Buffer.from([0x00]),
	]);
	return 'wamid.' + blob.toString('base64');
}

interface Validated {
	to: string;
	waId: string;
	addressedBy: 'to' | 'recipient';
	type: string;
	template?: TemplateSend;
	text?: string;
	bizOpaque?: string;
}

function validate(state: SandboxState, p: Record<string, unknown>, marketingOnly: boolean): Validated {
	if (p['messaging_product'] === undefined) throw invalidParam('The parameter messaging_product is required.', true);
	if (p['messaging_product'] !== 'whatsapp') throw invalidParam('Invalid parameter', true, "Param messaging_product must be 'whatsapp'");
	if (p['recipient_type'] !== undefined && p['recipient_type'] !== 'individual') {
		throw invalidParam('Invalid parameter', true, "Param recipient_type must be 'individual'");
	}
	const { to: toRaw, waId, addressedBy } = addressee(state, p);
	const type = p['type'] === undefined ? 'text' : p['type'];
	if (typeof type !== 'string' || (type !== 'template' && !FREE_FORM_TYPES.has(type))) {
		throw invalidParam('Invalid parameter', true, `Param type must be one of {TEMPLATE, ${[...FREE_FORM_TYPES].join(', ').toUpperCase()}}`);
	}
	const bizOpaque = typeof p['biz_opaque_callback_data'] === 'string' ? (p['biz_opaque_callback_data'] as string).slice(0, 512) : undefined;
	if (marketingOnly && type !== 'template') {
		throw invalidParam('Invalid parameter', true, 'Only marketing template messages can be sent to /marketing_messages');
	}
	if (type === 'text') {
		const text = p['text'];
		if (!isObj(text) || typeof text['body'] !== 'string' || text['body'] === '') {
			throw invalidParam("The parameter text['body'] is required.", true);
		}
		const body = text['body'] as string;
		if (body.length > state.config.whatsapp.textMaxLength) {
			throw invalidParam(`Param text['body'] must be at most ${state.config.whatsapp.textMaxLength} characters long.`, true);
		}
		return { to: toRaw, waId, addressedBy, type, text: body.slice(0, 1024), bizOpaque };
	}
	if (type !== 'template') {
		if (!isObj(p[type])) throw invalidParam(`The parameter ${type} is required.`, true);
		if (type === 'interactive') {
			const problem = interactiveProblem(p[type] as Record<string, unknown>);
			if (problem) throw invalidParam('Invalid parameter', true, problem);
			return { to: toRaw, waId, addressedBy, type, text: interactiveText(p[type] as Record<string, unknown>), bizOpaque };
		}
		return { to: toRaw, waId, addressedBy, type, bizOpaque };
	}
	const template = validateTemplateSend(state, p['template'], marketingOnly);
	if (addressedBy === 'recipient' && template.template.category === 'AUTHENTICATION')
		throw invalidParam('Invalid parameter', true, 'Authentication templates need the phone number: use to, not recipient');
	return { to: toRaw, waId, addressedBy, type, template, bizOpaque };
}

const USER_ID = /^[A-Z]{2}\.([A-Z]{3}\.)?[A-Za-z0-9]{1,128}$/;

/** `to` (a phone number) or `recipient` (a business-scoped user id), exactly one, as Meta takes them. */
function addressee(state: SandboxState, p: Record<string, unknown>): { to: string; waId: string; addressedBy: 'to' | 'recipient' } {
	const toRaw = p['to'];
	const recipient = p['recipient'];
	if (toRaw !== undefined && recipient !== undefined)
		throw invalidParam('Invalid parameter', true, 'Give either to (a phone number) or recipient (a user id), not both');
	if (recipient !== undefined) {
		if (typeof recipient !== 'string' || !USER_ID.test(recipient))
			throw invalidParam(
				'Invalid parameter',
				true,
				`Param recipient must be a business-scoped user id (e.g. IN.1502576394655843), got ${String(recipient).slice(0, 60)}`,
			);
		const waId = waIdOfUserId(state, recipient);
		if (!waId) throw invalidParam('Invalid parameter', true, `Recipient ${recipient} is not a WhatsApp user of this business`);
		return { to: recipient, waId, addressedBy: 'recipient' };
	}
	if (toRaw === undefined || toRaw === '') throw invalidParam('The parameter to is required.', true);
	if (typeof toRaw !== 'string') throw invalidParam('Invalid parameter', true, 'Param to must be a string');
	if (USER_ID.test(toRaw))
		throw invalidParam(
			'Invalid parameter',
			true,
			`Param to must be a phone number; send to a business-scoped user id (${toRaw}) with recipient`,
		);
	const waId = normaliseTo(toRaw);
	if (!waId)
		throw invalidParam('Invalid parameter', true, `Invalid phone number: ${toRaw}. Expected E.164 digits (8-15), leading + allowed.`);
	return { to: toRaw, waId, addressedBy: 'to' };
}

/** What a test reads back of an interactive message: the body, then each button / row as "id=title". */
function interactiveText(i: Record<string, unknown>): string {
	const action = (i['action'] ?? {}) as Record<string, unknown>;
	const body = ((i['body'] ?? {}) as Record<string, unknown>)['text'];
	const items: string[] = [];
	for (const b of (action['buttons'] as Record<string, Record<string, unknown>>[] | undefined) ?? [])
		items.push(`${b['reply']?.['id']}=${b['reply']?.['title']}`);
	for (const sct of (action['sections'] as Record<string, unknown>[] | undefined) ?? [])
		for (const r of (sct['rows'] as Record<string, unknown>[] | undefined) ?? []) items.push(`${r['id']}=${r['title']}`);
	return `${String(body)}\n[${items.join(' | ')}]`.slice(0, 1024);
}

function sendMessage(
	state: SandboxState,
	webhooks: WebhookDispatcher,
	phone: PhoneNumberConfig,
	r: GraphRequest,
	marketingOnly: boolean,
): GraphResult {
	if (marketingOnly && !state.config.whatsapp.marketingMessages.onboarded) {
		throw waError(
			400,
			MM_API_NOT_ONBOARDED_CODE,
			WA_TITLES[MM_API_NOT_ONBOARDED_CODE],
			'The business has not accepted the Marketing Messages API for WhatsApp terms of service. Accept them in WhatsApp Manager, or send through /messages.',
		);
	}
	const v = validate(state, r.params, marketingOnly);
	const nowMs = state.now();
	// Pair limit first, so the throughput window counts exactly the accepted messages.
	const pairKey = `${phone.id}|${v.waId}`;
	const pairWindowMs = state.config.whatsapp.pairLimitSeconds * 1000;
	if (state.pair.blocked(pairKey, nowMs, pairWindowMs)) {
		throw waError(
			400,
			131056,
			WA_TITLES[131056],
			'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
		);
	}
	if (!state.throughputOf(phone.id).tryTake(nowMs, phone.throughputPerSecond)) {
		throw waError(
			400,
			130429,
			WA_TITLES[130429],
			`Cloud API message throughput has been reached (${phone.throughputPerSecond} messages per second).`,
		);
	}
	state.pair.record(pairKey, nowMs, pairWindowMs);
	const wamid = makeWamid(state, v.waId);
	const lastIn = state.lastInboundMs.get(v.waId);
	const windowOpen = lastIn !== undefined && nowMs - lastIn < 24 * 3600 * 1000;
	const iso = new Date(nowMs).toISOString();
	const rec: WaMessageRecord = {
		wamid,
		phoneNumberId: phone.id,
		input: v.to,
		addressedBy: v.addressedBy,
		waId: v.waId,
		type: v.type,
		template: v.template?.template.name,
		language: v.template?.template.language,
		category: v.template?.template.category,
		params: v.template?.params,
		header: v.template?.header,
		urls: v.template?.urls.length ? v.template.urls : undefined,
		rendered: v.template?.rendered,
		text: v.text,
		bizOpaqueCallbackData: v.bizOpaque,
		endpoint: marketingOnly ? 'marketing_messages' : 'messages',
		acceptedAt: iso,
		acceptedAtMs: nowMs,
		day: state.dayOf(nowMs),
		status: 'accepted',
		statuses: [{ status: 'accepted', at: iso }],
	};
	state.wa.addAccepted(rec);
	// Asked whether the number is shown before this message puts the pair in the contact book.
	const numberShown = v.addressedBy === 'to' || phoneShown(state, v.waId, nowMs, lastIn);
	recordContact(state, v.waId);
	const failCode = decideFailure(state, {
		waId: v.waId,
		category: v.template?.template.category,
		nowMs,
		viaMarketingMessages: marketingOnly,
	});
	emitStatuses(state, webhooks, rec, failCode, windowOpen);
	return {
		body: {
			messaging_product: 'whatsapp',
			// Sent by number: Meta's answer as before. Sent by BSUID: the number only if Meta shows it.
			contacts: [
				v.addressedBy === 'to' ? { input: v.to, wa_id: v.waId } : { input: v.to, ...(numberShown ? { wa_id: v.waId } : {}), user_id: v.to },
			],
			messages: [{ id: wamid, message_status: 'accepted' }],
		},
	};
}

function phoneInfo(state: SandboxState, phone: PhoneNumberConfig): Record<string, unknown> {
	return {
		id: phone.id,
		verified_name: phone.verifiedName,
		code_verification_status: 'VERIFIED',
		display_phone_number: phone.displayPhoneNumber,
		quality_rating: phone.qualityRating,
		platform_type: 'CLOUD_API',
		throughput: { level: phone.throughputPerSecond >= 1000 ? 'HIGH' : phone.throughputPerSecond <= 20 ? 'COEXISTENCE' : 'STANDARD' },
		name_status: 'APPROVED',
		status: 'CONNECTED',
		// Deprecated by Meta but still answered; the portfolio's limit is the field to read.
		messaging_limit_tier: state.config.whatsapp.messagingTier,
		whatsapp_business_manager_messaging_limit: state.config.whatsapp.messagingTier,
		last_onboarded_time: '2026-01-01T00:00:00+0000',
	};
}

const PHONE_DEFAULT_FIELDS = [
	'verified_name',
	'code_verification_status',
	'display_phone_number',
	'quality_rating',
	'platform_type',
	'throughput',
	'last_onboarded_time',
];

export function whatsappGraph(state: SandboxState, webhooks: WebhookDispatcher): GraphHandler {
	return (r) => {
		const wa = state.config.whatsapp;
		const phone = wa.phoneNumbers.find((p) => p.id === r.id);
		if (phone && r.method === 'POST' && (r.edge === 'messages' || r.edge === 'marketing_messages')) {
			try {
				requireToken(state, r, wa.accessTokens);
				sweepPauses(state, webhooks);
				return sendMessage(state, webhooks, phone, r, r.edge === 'marketing_messages');
			} catch (err) {
				// Every synchronous refusal is counted by code, so a test can assert "no 130429 storm".
				if (err instanceof GraphError) {
					const to =
						typeof r.params['to'] === 'string'
							? (normaliseTo(r.params['to']) ?? r.params['to'])
							: typeof r.params['recipient'] === 'string'
								? r.params['recipient']
								: '';
					const tpl = r.params['template'];
					const template = isObj(tpl) && typeof tpl['name'] === 'string' ? tpl['name'] : undefined;
					state.wa.addRejection({ at: new Date(state.now()).toISOString(), phoneNumberId: phone.id, to, code: err.code, template });
				}
				throw err;
			}
		}
		const media = r.method === 'GET' && !r.edge ? state.media.get(r.id, state.now()) : undefined;
		if (media) {
			requireToken(state, r, wa.accessTokens);
			if (state.mediaFaults > 0) {
				state.mediaFaults--;
				throw waError(500, 131000, WA_TITLES[131000], 'media service temporarily unavailable (sandbox fault)');
			}
			return { body: mediaInfo(state, media, r.req) };
		}
		if (phone) {
			requireToken(state, r, wa.accessTokens);
			if (r.method === 'GET' && !r.edge) {
				return { body: pickFields(phoneInfo(state, phone), r.params['fields'], PHONE_DEFAULT_FIELDS, 'WhatsAppBusinessPhoneNumber') };
			}
			throw unknownEdge(r);
		}
		if (r.id !== wa.wabaId) {
			if (!state.templates.get(r.id)) return undefined;
			requireToken(state, r, wa.accessTokens);
			return templateById(state, webhooks, r);
		}
		requireToken(state, r, wa.accessTokens);
		const templates = templatesEdge(state, webhooks, r);
		if (templates) return templates;
		if (r.method !== 'GET') throw unknownEdge(r);
		if (!r.edge) {
			return {
				body: pickFields(
					{ id: wa.wabaId, name: 'Police Mitan Sandbox WABA', currency: 'INR', timezone_id: '71', message_template_namespace: 'sandbox' },
					r.params['fields'],
					['name', 'currency', 'timezone_id'],
					'WhatsAppBusinessAccount',
				),
			};
		}
		if (r.edge === 'phone_numbers') {
			return {
				body: {
					data: wa.phoneNumbers.map((p) =>
						pickFields(phoneInfo(state, p), r.params['fields'], PHONE_DEFAULT_FIELDS, 'WhatsAppBusinessPhoneNumber'),
					),
					paging: { cursors: { before: 'QVFIU', after: 'QVFIU' } },
				},
			};
		}
		throw unknownEdge(r);
	};
}
