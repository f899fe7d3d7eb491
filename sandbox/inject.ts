/**
 * Things a citizen or Meta does on their own, injected by a test or a trainer: an inbound
 * message (any script, emoji, button reply, image), a "Stop promotions" / resume preference,
 * and Meta's GET verification handshake against the callback.
 */
import { randomBytes } from 'crypto';
import * as http from 'http';
import * as https from 'https';
import type { MessagingTier, PhoneNumberConfig } from './config';
import { ConfigError } from './config';
import { normaliseTo } from './whatsapp';
import { hasUsername, phoneShown, recordContact, userIdOf, usernameOf, waIdOfUserId, changeUserId } from './identities';
import {
	inboundEnvelope,
	qualityUpdateEnvelope,
	userIdChangeEnvelope,
	userPreferencesEnvelope,
	type Envelope,
	type QualityEvent,
} from './webhook-payloads';
import { sampleBytes, storeMedia } from './wa-media';
import type { WebhookDispatcher } from './webhooks';
import type { SandboxState } from './state';

export interface InboundRequest {
	/** The citizen's number (the sandbox always knows it), or give fromUserId. */
	from?: string;
	/** The citizen's BSUID instead of the number (one the sandbox issued). */
	fromUserId?: string;
	/**
	 * How Meta identifies the citizen in this webhook: 'auto' (Meta's rule: the number is withheld
	 * for a username with no message exchanged), 'bsuid' (the citizen has a username and Meta
	 * withholds the number from now on), 'phone' (Meta shows the number again, e.g. the citizen
	 * shared it). Default 'auto'.
	 */
	identity?: 'auto' | 'bsuid' | 'phone';
	phoneNumberId?: string;
	name?: string;
	type?: 'text' | 'button' | 'interactive' | 'image' | 'audio' | 'document' | 'video' | 'sticker' | 'location' | 'reaction';
	text?: string;
	/** For type button (template quick reply) or interactive (button_reply, or list_reply with `list`). */
	payload?: string;
	title?: string;
	/** For type interactive: the citizen picked a row of a list message (list_reply), not a button. */
	list?: boolean;
	/** For media types: caption (image, video, document), the file's bytes (base64; default: sample bytes of the type). */
	caption?: string;
	mimeType?: string;
	dataBase64?: string;
	fileName?: string;
	/** For type location. */
	latitude?: number;
	longitude?: number;
	locationName?: string;
	/** For type reaction: the emoji and the wamid of the business message reacted to. */
	emoji?: string;
	reactedWamid?: string;
	/** wamid of the business message being replied to (fills `context`). */
	contextWamid?: string;
}

const MEDIA_DEFAULT_MIME: Record<string, string> = {
	image: 'image/jpeg',
	audio: 'audio/ogg; codecs=opus',
	document: 'application/pdf',
	video: 'video/mp4',
	sticker: 'image/webp',
};

function phoneOf(state: SandboxState, id?: string): PhoneNumberConfig {
	const phones = state.config.whatsapp.phoneNumbers;
	const p = id ? phones.find((x) => x.id === id) : phones[0];
	if (!p) throw new ConfigError(`unknown phoneNumberId ${id ?? ''}`);
	return p;
}

function inboundWamid(waId: string): string {
	return (
		'wamid.' +
		Buffer.concat([
			Buffer.from([0x1c, 0x18, 0x0c]),
			Buffer.from(waId),
			Buffer.from([0x15, 0x02, 0x00, 0x12, 0x18, 0x14]),
			randomBytes(10),
		]).toString('base64')
	);
}

export function injectInbound(
	state: SandboxState,
	webhooks: WebhookDispatcher,
	r: InboundRequest,
): { wamid: string; webhook: boolean; payload: Envelope } {
	const waId = citizenOf(state, r);
	const phone = phoneOf(state, r.phoneNumberId);
	const nowMs = state.now();
	const wamid = inboundWamid(waId);
	const type = r.type ?? 'text';
	const shown = applyIdentity(state, waId, r.identity, nowMs);
	const userId = userIdOf(state, waId);
	const message: Record<string, unknown> = {
		...(shown ? { from: waId } : {}),
		from_user_id: userId,
		id: wamid,
		timestamp: String(Math.floor(nowMs / 1000)),
		type,
	};
	if (r.contextWamid) message['context'] = { from: phone.displayPhoneNumber.replace(/\D/g, ''), id: r.contextWamid };
	if (type === 'text') {
		if (typeof r.text !== 'string' || !r.text) throw new ConfigError('text is required for a text message');
		message['text'] = { body: r.text };
	} else if (type === 'button') {
		message['button'] = { payload: r.payload ?? r.title ?? '', text: r.title ?? r.payload ?? '' };
	} else if (type === 'interactive') {
		const reply = { id: r.payload ?? 'button-0', title: r.title ?? r.payload ?? '' };
		message['interactive'] = r.list ? { type: 'list_reply', list_reply: reply } : { type: 'button_reply', button_reply: reply };
	} else if (MEDIA_DEFAULT_MIME[type] !== undefined) {
		// Meta stores the file and sends its id and hash (base64 in the webhook, hex on GET /{media-id}).
		const id = String(900000000000000 + state.nextSeq());
		const bytes = r.dataBase64 ? Buffer.from(r.dataBase64, 'base64') : sampleBytes(type);
		if (bytes.length === 0) throw new ConfigError('dataBase64 decodes to no bytes');
		const mimeType = r.mimeType ?? MEDIA_DEFAULT_MIME[type];
		const stored = storeMedia(state, { id, mimeType, bytes, fileName: r.fileName });
		message[type] = {
			...(r.caption && type !== 'audio' && type !== 'sticker' ? { caption: r.caption } : {}),
			...(type === 'document' ? { filename: r.fileName ?? 'document.pdf' } : {}),
			...(type === 'audio' ? { voice: true } : {}),
			mime_type: mimeType,
			sha256: Buffer.from(stored.sha256Hex, 'hex').toString('base64'),
			id,
		};
	} else if (type === 'location') {
		if (typeof r.latitude !== 'number' || typeof r.longitude !== 'number')
			throw new ConfigError('latitude and longitude are required for a location');
		message['location'] = { latitude: r.latitude, longitude: r.longitude, ...(r.locationName ? { name: r.locationName } : {}) };
	} else if (type === 'reaction') {
		if (!r.reactedWamid) throw new ConfigError('reactedWamid (the business message reacted to) is required for a reaction');
		message['reaction'] = { message_id: r.reactedWamid, emoji: r.emoji ?? '👍' };
	} else {
		throw new ConfigError(`unsupported inbound type ${String(type)}`);
	}
	// A citizen's message opens (or renews) the 24 h customer service window.
	state.lastInboundMs.set(waId, nowMs);
	recordContact(state, waId);
	state.wa.inbound++;
	const contact = { name: r.name ?? 'Sandbox Citizen', ...(shown ? { waId } : {}), userId, username: usernameOf(state, waId) };
	const payload = inboundEnvelope(state.config.whatsapp.wabaId, phone, contact, message);
	if (webhooks.enabled) webhooks.schedule({ kind: 'raw', envelope: payload }, 0);
	return { wamid, webhook: webhooks.enabled, payload };
}

/** The citizen behind `from` (a number) or `fromUserId` (a BSUID this sandbox issued). */
function citizenOf(state: SandboxState, r: { from?: string; fromUserId?: string }): string {
	if (r.fromUserId !== undefined) {
		const waId = typeof r.fromUserId === 'string' ? waIdOfUserId(state, r.fromUserId) : undefined;
		if (!waId) throw new ConfigError(`fromUserId ${String(r.fromUserId).slice(0, 60)} is not a user id this sandbox issued`);
		return waId;
	}
	const waId = typeof r.from === 'string' ? normaliseTo(r.from) : undefined;
	if (!waId) throw new ConfigError('from must be a phone number (8-15 digits), or give fromUserId');
	return waId;
}

/** Applies the requested identity and says whether this webhook shows the citizen's number. */
function applyIdentity(state: SandboxState, waId: string, identity: InboundRequest['identity'], nowMs: number): boolean {
	const ids = state.identities;
	if (identity !== undefined && identity !== 'auto' && identity !== 'bsuid' && identity !== 'phone')
		throw new ConfigError('identity must be auto, bsuid or phone');
	if (identity === 'bsuid') {
		if (!hasUsername(state, waId)) ids.adopted.add(waId);
		ids.withheld.add(waId);
	} else if (identity === 'phone') ids.withheld.delete(waId);
	if (identity === 'phone') return true;
	return phoneShown(state, waId, nowMs, state.lastInboundMs.get(waId));
}

export function injectUserPreference(
	state: SandboxState,
	webhooks: WebhookDispatcher,
	r: { waId?: string; fromUserId?: string; value: 'stop' | 'resume'; phoneNumberId?: string },
): { webhook: boolean; payload: Envelope } {
	const waId = citizenOf(state, { from: r.waId, fromUserId: r.fromUserId });
	if (r.value !== 'stop' && r.value !== 'resume') throw new ConfigError('value must be stop or resume');
	const phone = phoneOf(state, r.phoneNumberId);
	if (r.value === 'stop') state.stoppedAtRuntime.add(waId);
	else state.stoppedAtRuntime.delete(waId);
	const who = { ...(phoneShown(state, waId, state.now(), state.lastInboundMs.get(waId)) ? { waId } : {}), userId: userIdOf(state, waId) };
	const payload = userPreferencesEnvelope(state.config.whatsapp.wabaId, phone, who, r.value, Math.floor(state.now() / 1000));
	if (webhooks.enabled) webhooks.schedule({ kind: 'raw', envelope: payload }, 0);
	return { webhook: webhooks.enabled, payload };
}

/**
 * Meta issues the citizen a new BSUID (system message user_changed_user_id): the old id stops
 * working for `recipient`, the webhook names both.
 */
export function injectUserIdChange(
	state: SandboxState,
	webhooks: WebhookDispatcher,
	r: { from?: string; fromUserId?: string; phoneNumberId?: string },
): { webhook: boolean; previousUserId: string; userId: string; payload: Envelope } {
	const waId = citizenOf(state, r);
	const phone = phoneOf(state, r.phoneNumberId);
	const nowMs = state.now();
	const shown = phoneShown(state, waId, nowMs, state.lastInboundMs.get(waId));
	const [previousUserId, userId] = changeUserId(state, waId);
	const change = { ...(shown ? { waId } : {}), previousUserId, userId, wamid: inboundWamid(waId) };
	const payload = userIdChangeEnvelope(state.config.whatsapp.wabaId, phone, change, Math.floor(nowMs / 1000));
	if (webhooks.enabled) webhooks.schedule({ kind: 'raw', envelope: payload }, 0);
	return { webhook: webhooks.enabled, previousUserId, userId, payload };
}

const TIERS: MessagingTier[] = ['TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'];
const QUALITY = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'] as const;

export interface QualityUpdateRequest {
	phoneNumberId?: string;
	/** The portfolio's new tier (UPGRADE / DOWNGRADE). */
	messagingTier?: MessagingTier;
	/** The number's new quality rating (FLAGGED when it drops to RED, UNFLAGGED when it recovers). */
	qualityRating?: (typeof QUALITY)[number];
	/** The number's new throughput (THROUGHPUT_UPGRADE when it reaches 1,000). */
	throughputPerSecond?: number;
}

/**
 * What Meta does when it re-rates a number or its portfolio: the config changes (so the next
 * GET /{phone-number-id} and every limit agree) and a phone_number_quality_update webhook goes out.
 */
export function injectQualityUpdate(
	state: SandboxState,
	webhooks: WebhookDispatcher,
	r: QualityUpdateRequest,
): { webhook: boolean; event: QualityEvent; payload: Envelope } {
	const phone = phoneOf(state, r.phoneNumberId);
	const wa = state.config.whatsapp;
	const oldTier = wa.messagingTier;
	if (r.messagingTier !== undefined && !TIERS.includes(r.messagingTier))
		throw new ConfigError(`messagingTier must be one of ${TIERS.join(', ')}`);
	if (r.qualityRating !== undefined && !QUALITY.includes(r.qualityRating))
		throw new ConfigError(`qualityRating must be one of ${QUALITY.join(', ')}`);
	if (r.throughputPerSecond !== undefined && !(Number.isInteger(r.throughputPerSecond) && r.throughputPerSecond > 0))
		throw new ConfigError('throughputPerSecond must be a positive whole number');
	if (r.messagingTier === undefined && r.qualityRating === undefined && r.throughputPerSecond === undefined)
		throw new ConfigError('give messagingTier, qualityRating or throughputPerSecond');
	let event: QualityEvent;
	if (r.messagingTier !== undefined && r.messagingTier !== oldTier)
		event = TIERS.indexOf(r.messagingTier) > TIERS.indexOf(oldTier) ? 'UPGRADE' : 'DOWNGRADE';
	else if (r.throughputPerSecond !== undefined && r.throughputPerSecond > phone.throughputPerSecond) event = 'THROUGHPUT_UPGRADE';
	else event = r.qualityRating === 'RED' ? 'FLAGGED' : 'UNFLAGGED';
	const phones = wa.phoneNumbers.map((p) =>
		p.id === phone.id
			? { ...p, qualityRating: r.qualityRating ?? p.qualityRating, throughputPerSecond: r.throughputPerSecond ?? p.throughputPerSecond }
			: p,
	);
	state.patchConfig({ whatsapp: { phoneNumbers: phones, messagingTier: r.messagingTier ?? oldTier } });
	const newTier = state.config.whatsapp.messagingTier;
	const updated = state.config.whatsapp.phoneNumbers.find((p) => p.id === phone.id)!;
	const payload = qualityUpdateEnvelope(
		wa.wabaId,
		updated,
		{ event, ...(newTier !== oldTier ? { oldLimit: oldTier } : {}), limit: newTier },
		Math.floor(state.now() / 1000),
	);
	if (webhooks.enabled) webhooks.schedule({ kind: 'raw', envelope: payload }, 0);
	return { webhook: webhooks.enabled, event, payload };
}

export interface HandshakeResult {
	ok: boolean;
	url: string;
	status: number | string;
	challenge: string;
	body: string;
}

/** Meta's GET: hub.mode=subscribe, hub.verify_token, hub.challenge; passes on 200 + the challenge echoed. */
export async function verifyHandshake(state: SandboxState, opts: { callbackUrl?: string; verifyToken?: string }): Promise<HandshakeResult> {
	const target = opts.callbackUrl ?? state.config.webhook.callbackUrl;
	if (!target) throw new ConfigError('no callbackUrl configured or given');
	const challenge = String(1_000_000_000 + Math.floor(Math.random() * 1_000_000_000));
	const u = new URL(target);
	u.searchParams.set('hub.mode', 'subscribe');
	u.searchParams.set('hub.challenge', challenge);
	u.searchParams.set('hub.verify_token', opts.verifyToken ?? state.config.webhook.verifyToken);
	const url = u.toString();
	const result = await new Promise<{ status: number | string; body: string }>((resolve) => {
		const req = (u.protocol === 'https:' ? https : http).get(u, { headers: { 'user-agent': 'facebookplatform/1.0' } }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
		});
		req.setTimeout(state.config.webhook.timeoutMs, () => req.destroy(new Error('timeout')));
		req.on('error', (e: NodeJS.ErrnoException) => resolve({ status: e.code ?? e.message, body: '' }));
	});
	return { ok: result.status === 200 && result.body === challenge, url, status: result.status, challenge, body: result.body.slice(0, 200) };
}
