import { audit } from '../audit';
import { createWhatsAppClient } from '../channels/whatsapp/client';
import { whatsappClients, type WhatsAppClients } from '../channels/whatsapp/clients';
import type { ConversationSender, MediaReader } from '../channels/whatsapp/types';
import { runConversationActions } from '../conversation/after-commit';
import type { ConversationAction } from '../conversation/service';
import type { WhatsAppSettings } from '../config';
import type { Db, Queryable } from '../db';
import type { N8nApiSettings } from '../erasure';
import type { MediaFetchRetry } from '../conversation/attachments';
import { httpErrorOf, MitanError } from '../errors';
import { safeFlat } from '../inbound/safe-form';
import { handleInbound, type Confirmation, type InboundOutcome } from '../inbound/service';
import { applyUserIdChanges, linkFromStatuses } from '../identity';
import { maskPhone } from '../phone';
import { StatusBatchWriter, type StatusWriterOptions } from '../statuses/writer';
import { CONFIRMATIONS } from './keywords';
import { parseWebhook, parseWebhookJson, type ParsedWebhook, type QualityUpdateEvent } from './payload';
import { applyQualityUpdate } from '../broadcast/tier-repository';
import { findBroadcast } from '../broadcast/repository';
import { runSender } from '../broadcast/sender';
import { ALERT_PARAM_MAX, toTemplateParam } from '../channels/whatsapp/text';
import { applyTemplateEvents, type TemplateOutcome } from '../templates/lifecycle';
import { templateAlertRecipients } from '../staff/roles';
import { DistrictRouter } from './routing';
import { tokensEqual, verifySignature } from './signature';

/**
 * Meta's WhatsApp webhooks, independent of Express: the route hands over the raw bytes and the
 * signature header and sends back what this returns.
 *
 * Order of work per POST: signature (401, nothing read further) → JSON and shape (400, nothing
 * stored) → district by phone_number_id (unknown → ignored and counted) → statuses to the group
 * committer and messages / preferences to their transaction, concurrently → 200 once both are
 * durable. Opt-out confirmations are sent after the answer: the commit is what counts, and a
 * failed send must never undo an opt-out.
 */
export interface GatewayOptions {
	db: Db;
	whatsapp: WhatsAppSettings;
	/** Sends confirmations and the conversation's answers; default: a client per business number from `whatsapp` settings, or none. */
	senderFor?: (phoneNumberId: string) => ConversationSender | null;
	/** Reads citizens' media; default: the same client as senderFor's default. */
	mediaFor?: (phoneNumberId: string) => MediaReader | null;
	writer?: StatusWriterOptions;
	onError?: (e: unknown, where: string) => void;
	/**
	 * Staff told at once when Meta rejects a template (the approved UTILITY alert template): the
	 * district's cyber cell in the staff registry, or `phones` when a fixed list was configured.
	 */
	staffAlerts?: { phones?: string[]; template: string };
	/**
	 * n8n's public API: a citizen's DELETE MY DATA also deletes the executions n8n kept naming them.
	 * A function when the settings arrive after the gateway starts (`npm start` makes n8n's key once
	 * n8n is up, cli/n8n-api-key.ts).
	 */
	n8nApi?: N8nApiSettings | (() => N8nApiSettings | undefined);
	/** Retries of a transient media fetch failure (core/conversation/attachments.ts MEDIA_FETCH_RETRY). */
	mediaRetry?: MediaFetchRetry;
	/** Runs a broadcast Meta's reinstatement resumed; default: a sender on the business number. */
	restartSender?: (broadcastId: number) => Promise<void>;
}

export interface GatewayAnswer {
	status: number;
	body: unknown;
	/** Work to run after the answer is sent. */
	after?: () => Promise<void>;
}

export interface GatewayCounters {
	posts: number;
	accepted: number;
	unsigned: number;
	badSignature: number;
	malformed: number;
	failed: number;
	ignored: Record<string, number>;
	confirmationsSent: number;
	confirmationsFailed: number;
	confirmationsSkipped: number;
	/** The conversation's answers (menu, join, my data ...) and media fetched after the commit. */
	answersSent: number;
	answersFailed: number;
	answersSkipped: number;
	mediaFetched: number;
	mediaFailed: number;
	erasures: number;
	templateEvents: number;
	templateAlertsSent: number;
	templateAlertsFailed: number;
}

export class WhatsAppWebhookService {
	readonly writer: StatusBatchWriter;
	private readonly router: DistrictRouter;
	/** Phone ↔ BSUID pairs already linked on the roster (core/identity.ts linkFromStatuses). */
	private readonly linkedPairs = new Set<string>();
	private readonly clients: WhatsAppClients;
	private readonly afterWork = new Set<Promise<void>>();
	readonly counters: GatewayCounters = {
		posts: 0,
		accepted: 0,
		unsigned: 0,
		badSignature: 0,
		malformed: 0,
		failed: 0,
		ignored: {},
		confirmationsSent: 0,
		confirmationsFailed: 0,
		confirmationsSkipped: 0,
		answersSent: 0,
		answersFailed: 0,
		answersSkipped: 0,
		mediaFetched: 0,
		mediaFailed: 0,
		erasures: 0,
		templateEvents: 0,
		templateAlertsSent: 0,
		templateAlertsFailed: 0,
	};

	constructor(private readonly options: GatewayOptions) {
		this.writer = new StatusBatchWriter(options.db, { ...options.writer, onError: (e) => options.onError?.(e, 'statuses') });
		this.router = new DistrictRouter(options.db, options.whatsapp.phoneNumberId);
		this.clients = whatsappClients(options.whatsapp);
	}

	/** GET: Meta's subscription handshake. No signature is sent with it, so none is checked. */
	handshake(query: Record<string, unknown>): GatewayAnswer {
		const challenge = query['hub.challenge'];
		if (
			query['hub.mode'] === 'subscribe' &&
			typeof challenge === 'string' &&
			challenge !== '' &&
			tokensEqual(query['hub.verify_token'], this.options.whatsapp.verifyToken)
		) {
			return { status: 200, body: challenge };
		}
		return refuse(
			new MitanError('VERIFY_TOKEN_MISMATCH', 'hub.mode must be subscribe and hub.verify_token must match WHATSAPP_VERIFY_TOKEN'),
		);
	}

	async receive(raw: Buffer, signature: string | string[] | undefined): Promise<GatewayAnswer> {
		this.counters.posts++;
		const secret = this.options.whatsapp.appSecret;
		if (!secret) {
			throw new MitanError(
				'GATEWAY_NOT_CONFIGURED',
				'META_APP_SECRET is not set: webhook signatures cannot be checked, so nothing is accepted',
			);
		}
		if (!signature) {
			this.counters.unsigned++;
			return refuse(new MitanError('SIGNATURE_MISSING', 'X-Hub-Signature-256 header is missing'));
		}
		if (!verifySignature(raw, signature, secret)) {
			this.counters.badSignature++;
			return refuse(new MitanError('SIGNATURE_INVALID', 'X-Hub-Signature-256 does not match the body (HMAC-SHA256 with the app secret)'));
		}
		let parsed: ParsedWebhook;
		try {
			parsed = parseWebhook(parseWebhookJson(raw));
		} catch (e) {
			if (e instanceof MitanError) {
				this.counters.malformed++;
				return refuse(e);
			}
			throw e;
		}
		const ignored = { ...parsed.ignored };
		const districtOf = new Map<string, number | null>();
		for (const id of new Set(
			[...parsed.statuses, ...parsed.messages, ...parsed.preferences, ...parsed.userIdChanges].map((x) => x.phoneNumberId),
		)) {
			districtOf.set(id, await this.router.resolve(id));
		}
		const routed = <T extends { phoneNumberId: string }>(list: T[]): (T & { districtId: number })[] => {
			const outList: (T & { districtId: number })[] = [];
			for (const x of list) {
				const d = districtOf.get(x.phoneNumberId);
				if (d === null || d === undefined) ignored['unknown_phone_number_id'] = (ignored['unknown_phone_number_id'] ?? 0) + 1;
				else outList.push({ ...x, districtId: d });
			}
			return outList;
		};
		// A status's error title can carry what PostgreSQL refuses too (see core/inbound/safe-form.ts).
		const statuses = routed(parsed.statuses).map((x) => safeFlat(x));
		const messages = routed(parsed.messages);
		const preferences = routed(parsed.preferences);
		const userIdChanges = routed(parsed.userIdChanges);
		for (const [k, v] of Object.entries(ignored)) this.counters.ignored[k] = (this.counters.ignored[k] ?? 0) + v;

		let inbound: InboundOutcome;
		let numbers = 0;
		let templates: TemplateOutcome;
		try {
			const [, ib, n, , , t] = await Promise.all([
				this.writer.write(statuses),
				handleInbound(this.options.db, messages, preferences, raw),
				storeQualityUpdates(this.options.db, parsed.qualityUpdates),
				// Who is who (core/identity.ts): pairs statuses reveal, and Meta's BSUID changes.
				linkFromStatuses(this.options.db, statuses, this.linkedPairs),
				applyUserIdChanges(this.options.db, userIdChanges),
				applyTemplateEvents(this.options.db, parsed.templateEvents),
			]);
			inbound = ib;
			numbers = n;
			templates = t;
		} catch (e) {
			// Nothing is acknowledged that is not durable: Meta retries, and what did commit dedupes.
			this.counters.failed++;
			this.options.onError?.(e, 'receive');
			const busy = e instanceof MitanError && e.action === 'retry_soon';
			return refuse(busy ? e : new MitanError('STORE_UNAVAILABLE', 'the events could not be stored; retry later'));
		}
		this.counters.accepted++;
		this.counters.templateEvents += templates.stored;
		const confirmations = inbound.confirmations;
		const actions = inbound.actions;
		const after: (() => Promise<void>)[] = [];
		if (confirmations.length || actions.length) after.push(() => this.afterCommit(confirmations, actions));
		if (templates.alerts.length || templates.resumed.length) after.push(() => this.followTemplates(templates));
		return {
			status: 200,
			body: {
				ok: true,
				statuses: statuses.length,
				messages: messages.length,
				preferences: preferences.length,
				numbersUpdated: numbers,
				replays: inbound.replays,
				templates: { stored: templates.stored, replays: templates.replays, paused: templates.paused, resumed: templates.resumed },
				ignored,
			},
			after: after.length
				? async () => {
						for (const f of after) await f();
					}
				: undefined,
		};
	}

	private async afterCommit(confirmations: Confirmation[], actions: ConversationAction[]): Promise<void> {
		if (confirmations.length) await this.confirm(confirmations);
		if (actions.length)
			await runConversationActions(actions, {
				db: this.options.db,
				senderFor: (id) => this.senderFor(id),
				mediaFor: (id) => (this.options.mediaFor ? this.options.mediaFor(id) : this.clients.get(id)),
				n8nApi: typeof this.options.n8nApi === 'function' ? this.options.n8nApi() : this.options.n8nApi,
				mediaRetry: this.options.mediaRetry,
				counters: this.counters,
				onError: (e, where) => this.options.onError?.(e, where),
			});
	}

	private senderFor(phoneNumberId: string): ConversationSender | null {
		if (this.options.senderFor) return this.options.senderFor(phoneNumberId);
		return this.clients.get(phoneNumberId);
	}

	/** After the commit: tell the citizen, in Hindi and English. A failure is recorded, nothing undone. */
	private async confirm(list: Confirmation[]): Promise<void> {
		for (const c of list) {
			const sender = this.senderFor(c.phoneNumberId);
			if (!sender) {
				this.counters.confirmationsSkipped++;
				continue;
			}
			try {
				await sender.sendText(c.to, CONFIRMATIONS[c.keyword]);
				this.counters.confirmationsSent++;
			} catch (e) {
				this.counters.confirmationsFailed++;
				this.options.onError?.(e, 'confirmation');
				await audit(this.options.db, {
					districtId: c.districtId,
					actor: 'system:gateway',
					action: 'citizen.confirmation_failed',
					entity: 'phone',
					entityId: maskPhone(c.to),
					details: { keyword: c.keyword, code: (e as MitanError).code ?? 'unknown' },
				}).catch((e2) => this.options.onError?.(e2, 'confirmation audit'));
			}
		}
	}

	/**
	 * After the commit: staff hear of a rejection with Meta's reason, and a broadcast Meta's
	 * reinstatement resumed is sent on (its rows waited, pending). A failed alert is recorded.
	 */
	private async followTemplates(t: TemplateOutcome): Promise<void> {
		const alerts = this.options.staffAlerts;
		for (const a of t.alerts) {
			if (!alerts) continue;
			const sender = this.senderFor(this.options.whatsapp.phoneNumberId ?? '');
			const recipients = await templateAlertRecipients(this.options.db, a.districtId, alerts.phones).catch((e) => {
				this.options.onError?.(e, 'template alert recipients');
				return [] as string[];
			});
			for (const to of recipients) {
				try {
					if (!sender) throw new MitanError('WHATSAPP_CONFIG_INVALID', 'no WhatsApp access token: staff alert not sent');
					const param = toTemplateParam(a.text, { max: ALERT_PARAM_MAX }).text;
					await sender.sendTemplate(to, { name: alerts.template, language: 'hi', bodyParams: [param] });
					this.counters.templateAlertsSent++;
				} catch (e) {
					this.counters.templateAlertsFailed++;
					this.options.onError?.(e, 'template alert');
					await audit(this.options.db, {
						districtId: a.districtId,
						actor: 'system:gateway',
						action: 'template.alert_failed',
						entity: 'phone',
						entityId: maskPhone(to),
						details: { code: (e as MitanError).code ?? 'unknown' },
					}).catch((e2) => this.options.onError?.(e2, 'template alert audit'));
				}
			}
		}
		for (const id of t.resumed) {
			try {
				await (this.options.restartSender ?? ((b) => this.runBroadcast(b)))(id);
			} catch (e) {
				this.options.onError?.(e, 'resume broadcast');
			}
		}
	}

	/** Sends a resumed broadcast from its business number until it completes or halts again. */
	private async runBroadcast(broadcastId: number): Promise<void> {
		const b = await findBroadcast(this.options.db, broadcastId);
		const w = this.options.whatsapp;
		const phoneNumberId = b?.phoneNumberId ?? w.phoneNumberId;
		if (!b || !phoneNumberId || !w.accessToken) return;
		const client = createWhatsAppClient({ accessToken: w.accessToken, phoneNumberId, baseUrl: w.baseUrl, graphVersion: w.graphVersion });
		try {
			await runSender(this.options.db, client, broadcastId);
		} finally {
			client.close();
		}
	}

	/** Runs an answer's after-work, tracked so close() (and tests) can wait for it. */
	runAfter(answer: GatewayAnswer): void {
		if (!answer.after) return;
		const p: Promise<void> = answer
			.after()
			.catch((e) => this.options.onError?.(e, 'after'))
			.finally(() => this.afterWork.delete(p));
		this.afterWork.add(p);
	}

	/** Resolves when every after-answer task started so far has finished. */
	async idle(): Promise<void> {
		while (this.afterWork.size) await Promise.all([...this.afterWork]);
	}

	stats(): GatewayCounters & { statuses: ReturnType<StatusBatchWriter['stats']> } {
		return { ...this.counters, ignored: { ...this.counters.ignored }, statuses: this.writer.stats() };
	}

	async close(): Promise<void> {
		await this.writer.close();
		await this.idle();
		this.clients.close();
	}
}

/** A refusal answered with core's status for the error (httpStatusOf), the same as a thrown one. */
function refuse(err: MitanError): GatewayAnswer {
	return httpErrorOf(err);
}

/**
 * Meta's re-rating of a number, kept where the next broadcast reads it when the Graph API cannot
 * be asked (core/broadcast/tier.ts). A number never read before a broadcast is not known here yet:
 * counted as 0, and the next broadcast's Graph read fills it in.
 */
async function storeQualityUpdates(db: Queryable, updates: QualityUpdateEvent[]): Promise<number> {
	let n = 0;
	for (const u of updates) n += await applyQualityUpdate(db, u.displayPhoneNumber, u.limits, u.event, u.occurredAt);
	return n;
}
