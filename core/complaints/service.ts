import { audit } from '../audit';
import { mediaOfInbound, mediaSummary } from '../conversation/attachments';
import { WHATSAPP_LIMITS } from '../channels/whatsapp/text';
import type { WhatsAppSender } from '../channels/whatsapp/types';
import { looksLikeFormula } from '../csv';
import type { Db, Queryable } from '../db';
import { MitanError } from '../errors';
import { citizenHash as identityHash } from '../identity';
import { isUserId, maskPhone, normalisePhone } from '../phone';
import { isComplaintCategory, isSensitiveCategory, type ComplaintCategory } from './categories';
import { classify, type Classification } from './classify';
import { checkPoliceStation, defaultDistrictId } from '../districts';
import { nextReference } from './reference';
import * as repo from './repository';
import type { Complaint } from './repository';
import { complaintReply, followUpReply } from './reply';
import { recordAutomaticReply, refusalOf } from './reply-record';
import { checkTransition, isComplaintStatus, STATUS_TIMESTAMP, type ComplaintStatus } from './status';
import { canSee, canSeeSensitive, showPhone, type Role, type Viewer } from './visibility';

export interface Actor {
	actor: string;
	ip?: string;
}

export interface IntakeInput {
	/** The message text; defaults to the stored inbound message's body. */
	body?: string | null;
	fromPhone?: string | null;
	/** The citizen's BSUID when Meta withheld the number (defaults to the inbound message's). */
	fromUserId?: string | null;
	inboundMessageId?: number | null;
	wamid?: string | null;
	subscriberId?: number | null;
	policeStation?: string | null;
	language?: 'hi' | 'en' | null;
	receivedAt?: Date | string | null;
	/** An officer's category instead of the classifier's (recorded as an override). */
	category?: string | null;
	/** A message within this many minutes of the citizen's last one joins their open complaint. 0 = never. */
	followUpWindowMinutes?: number;
	districtId?: number;
}

export interface IntakeResult {
	outcome: 'created' | 'follow_up' | 'existing';
	complaint: Complaint;
	classification: Omit<Classification, 'matched'> & { matched: string[] | null };
	/** The reply to send (in the citizen's language), and where. */
	reply: { to: string | null; language: 'hi' | 'en'; text: string };
	/** False when this reply already went out (a retried item). */
	replyNeeded: boolean;
}

export const DEFAULT_FOLLOW_UP_MINUTES = 120;
/** A citizen's message is WhatsApp text: WhatsApp's own limit. */
const MAX_BODY = WHATSAPP_LIMITS.freeText;

/** sha256 of a citizen's number (core/identity.ts owns the rule: the BSUID's when there is no number). */
export function citizenHash(e164: string): string {
	return identityHash(e164) as string;
}

const bad = (field: string, message: string) => new MitanError('COMPLAINT_BAD_INPUT', message, { field });

/**
 * Complaints from citizens' messages: classify, number, attach follow-ups, reply, move the
 * status forward, list within what the viewer may see.
 */
export class ComplaintService {
	constructor(
		private readonly db: Db,
		private readonly opts: { districtId?: number; districtName?: string; districtNameHi?: string } = {},
	) {}

	async intake(input: IntakeInput, by: Actor): Promise<IntakeResult> {
		const window = input.followUpWindowMinutes ?? DEFAULT_FOLLOW_UP_MINUTES;
		if (!Number.isFinite(window) || window < 0 || window > 60 * 24 * 30)
			throw bad('followUpWindowMinutes', `followUpWindowMinutes must be 0..43200, got ${window}`);
		if (input.category != null && input.category !== '' && !isComplaintCategory(input.category)) {
			throw bad('category', `category "${input.category}" is not one of the portal categories`);
		}
		// The station lands in the dashboard's CSV exports: refused at intake like the roster's fields.
		if (input.policeStation && looksLikeFormula(input.policeStation))
			throw bad(
				'policeStation',
				`policeStation "${input.policeStation.slice(0, 40)}" holds a spreadsheet formula (= + - @); give the station's name / थाने का नाम लिखें`,
			);
		if (input.language != null && input.language !== 'hi' && input.language !== 'en')
			throw bad('language', `language must be "hi" or "en", got "${String(input.language)}"`);
		const receivedAt = input.receivedAt ? new Date(input.receivedAt) : null;
		if (receivedAt && Number.isNaN(receivedAt.getTime()))
			throw bad('receivedAt', `receivedAt is not a date: "${String(input.receivedAt)}"`);

		return this.db.transaction(async (tx) => {
			const inbound =
				input.inboundMessageId != null || input.wamid
					? await repo.findInbound(tx, { id: input.inboundMessageId ?? undefined, wamid: input.wamid ?? undefined })
					: undefined;
			if ((input.inboundMessageId != null || input.wamid) && !inbound) {
				throw new MitanError('INBOUND_NOT_FOUND', `no inbound message ${input.inboundMessageId ?? input.wamid}`, {
					field: input.inboundMessageId != null ? 'inboundMessageId' : 'wamid',
				});
			}
			if (inbound) {
				const done = await repo.findByInbound(tx, inbound.id);
				if (done)
					return this.result('existing', done.complaint, classify(input.body ?? done.complaint.summary ?? ''), done.asFollowUp, false);
			}
			const districtId = input.districtId ?? inbound?.districtId ?? this.opts.districtId ?? (await defaultDistrictId(tx));
			const words = (input.body ?? inbound?.body ?? '').trim();
			// A voice note or an uncaptioned screenshot is a complaint too: its media say what it is.
			const mediaOnly = words === '' && inbound ? mediaSummary(await mediaOfInbound(tx, inbound.id)) : '';
			const body = words || mediaOnly;
			if (body === '') throw bad('body', 'the message has no text or media to register as a complaint');
			if (body.length > MAX_BODY) throw bad('body', `the message is ${body.length} characters; at most ${MAX_BODY}`);
			const rawPhone = input.fromPhone ?? inbound?.fromPhone ?? null;
			let phone: string | null = null;
			if (rawPhone) {
				const p = normalisePhone(rawPhone);
				if (!p.ok) throw bad('fromPhone', `phone "${rawPhone}": ${p.message}`);
				phone = p.e164;
			}
			let userId = input.fromUserId ?? inbound?.fromUserId ?? null;
			if (userId && !isUserId(userId)) throw bad('fromUserId', `fromUserId "${userId.slice(0, 40)}" is not a WhatsApp user id (IN.1502…)`);
			const sub = await repo.findSubscriber(tx, { districtId, id: input.subscriberId ?? inbound?.subscriberId ?? null, phone, userId });
			if (input.subscriberId != null && !sub) throw bad('subscriberId', `no subscriber with id ${input.subscriberId}`);
			phone ??= sub?.phone ?? null;
			userId ??= sub?.waUserId ?? null;
			const at = receivedAt ?? inbound?.receivedAt ?? new Date();
			// One hash per citizen: the number's, else the BSUID's (core/identity.ts relinks on both).
			const hash = identityHash({ phone, userId });
			/** Where the reply goes: the number, else the BSUID (sent as `recipient`). */
			const address = phone ?? userId;
			const cls = classify(body);

			// Follow-up: one open complaint per citizen at a time; the advisory lock makes two
			// messages handled at once by two workers agree on it.
			if (hash && window > 0) {
				await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`complaint:${hash}`]);
				const open = await repo.findOpenForCitizen(tx, districtId, hash, new Date(at.getTime() - window * 60_000));
				if (open) return this.attach(tx, open, body, cls, inbound?.id ?? null, at, by, address);
			}

			const category = (input.category && isComplaintCategory(input.category) ? input.category : cls.category) as ComplaintCategory;
			const sensitive = isSensitiveCategory(category);
			const language = input.language ?? (mediaOnly ? null : cls.language) ?? sub?.language ?? 'hi';
			// An officer's station is checked against the district's list; the roster's was checked at import.
			const station = input.policeStation ? await checkPoliceStation(tx, districtId, input.policeStation) : null;
			const { ref } = await nextReference(tx, districtId, at);
			const id = await repo.insertComplaint(tx, {
				ref,
				districtId,
				subscriberId: sub?.id ?? null,
				inboundMessageId: inbound?.id ?? null,
				category: cls.category,
				categoryOverride: category !== cls.category ? category : null,
				confidence: cls.confidence,
				moneyLoss: cls.moneyLoss,
				moneyAmountInr: cls.amountInr,
				sensitive,
				policeStation: station || sub?.policeStation || null,
				language,
				summary: sensitive ? null : body.slice(0, 1000),
				matchedKeywords: sensitive ? null : cls.matched,
				citizenHash: hash,
				at,
				overrideBy: category !== cls.category ? by.actor : null,
			});
			await repo.insertMessage(tx, id, inbound?.id ?? null, sensitive ? null : body, at);
			if (sensitive) await repo.redactSensitive(tx, id);
			await audit(tx, {
				districtId,
				actor: by.actor,
				ip: by.ip,
				action: 'complaint.created',
				entity: 'complaint',
				entityId: ref,
				details: { category, moneyLoss: cls.moneyLoss, phone: maskPhone(address), sensitive },
			});
			return this.result('created', (await repo.findById(tx, id))!, cls, false, true, address);
		});
	}

	private async attach(
		tx: Queryable,
		open: Complaint,
		body: string,
		cls: Classification,
		inboundId: number | null,
		at: Date,
		by: Actor,
		phone: string | null,
	): Promise<IntakeResult> {
		await repo.insertMessage(tx, open.id, inboundId, open.sensitive ? null : body, at);
		// The first message may have said little ("sir help"): classify all the text again, unless an
		// officer chose the category or the complaint is already in the restricted queue.
		let update = '';
		const params: unknown[] = [open.id, at];
		if (!open.sensitive && !open.categoryOverride) {
			const joined = classify(`${open.summary ?? ''}\n${body}`);
			const sensitive = isSensitiveCategory(joined.category);
			params.push(
				joined.category,
				joined.confidence,
				joined.moneyLoss || open.moneyLoss,
				joined.amountInr ?? open.moneyAmountInr,
				sensitive,
				sensitive ? null : `${open.summary ?? ''}\n${body}`.slice(0, 1000),
				sensitive ? null : joined.matched,
			);
			update = `, category = $3, confidence = $4, money_loss = $5, money_amount_inr = $6, sensitive = $7, summary = $8, matched_keywords = $9`;
			cls = joined;
		}
		await tx.query(
			`UPDATE complaints SET last_message_at = $2, message_count = message_count + 1, updated_at = now()${update} WHERE id = $1`,
			params,
		);
		const after = (await repo.findById(tx, open.id))!;
		if (after.sensitive) await repo.redactSensitive(tx, open.id);
		await audit(tx, {
			districtId: open.districtId,
			actor: by.actor,
			ip: by.ip,
			action: 'complaint.follow_up',
			entity: 'complaint',
			entityId: open.ref,
			details: { category: after.category },
		});
		return this.result('follow_up', (await repo.findById(tx, open.id))!, cls, true, true, phone);
	}

	private result(
		outcome: IntakeResult['outcome'],
		c: Complaint,
		cls: Classification,
		followUp: boolean,
		fresh: boolean,
		phone: string | null = null,
	): IntakeResult {
		const text = followUp
			? followUpReply({ ref: c.ref, language: c.language, moneyLoss: c.moneyLoss })
			: complaintReply({
					ref: c.ref,
					category: c.category,
					moneyLoss: c.moneyLoss,
					language: c.language,
					policeStation: c.policeStation,
					districtName: this.opts.districtName,
					districtNameHi: this.opts.districtNameHi,
				});
		return {
			outcome,
			complaint: c,
			classification: { ...cls, matched: c.sensitive ? null : cls.matched },
			reply: { to: c.citizenPhone ?? c.citizenUserId ?? phone, language: c.language, text },
			replyNeeded: fresh || (!followUp && c.repliedAt === null),
		};
	}

	/**
	 * Sends the reply (free text: the citizen just wrote, so the 24 h window is open) and marks a
	 * new complaint acknowledged. The complaint is committed before the network call: a failed
	 * send leaves it 'new', and a retry of the same message sends again. Every reply, the first or
	 * a follow-up's, is recorded on the case (reply-record.ts): sent with its wamid for the status
	 * webhooks, or refused with Meta's code before the error goes on to the caller.
	 */
	async sendReply(sender: WhatsAppSender, r: IntakeResult, by: Actor): Promise<{ wamid: string; complaint: Complaint }> {
		if (!r.reply.to)
			throw new MitanError('COMPLAINT_NO_PHONE', `complaint ${r.complaint.ref} has no phone number or WhatsApp user id to reply to`, {
				field: 'fromPhone',
			});
		const purpose = r.outcome === 'follow_up' ? 'follow_up' : 'ack';
		let sent: { wamid: string };
		try {
			sent = await sender.sendText(r.reply.to, r.reply.text);
		} catch (e) {
			const refused = refusalOf(e);
			if (refused) await recordAutomaticReply(this.db, r.complaint, purpose, r.reply.text, by.actor, { refused });
			throw e;
		}
		const c = await this.db.transaction(async (tx) => {
			const cur = (await repo.findById(tx, r.complaint.id, true))!;
			await recordAutomaticReply(tx, cur, purpose, r.reply.text, by.actor, { wamid: sent.wamid });
			if (r.outcome !== 'follow_up' && cur.repliedAt === null) {
				await tx.query('UPDATE complaints SET reply_wamid = $2, replied_at = now(), updated_at = now() WHERE id = $1', [
					cur.id,
					sent.wamid,
				]);
				if (cur.status === 'new') await this.moveStatus(tx, cur, 'acknowledged', by, {});
			}
			return (await repo.findById(tx, cur.id))!;
		});
		return { wamid: sent.wamid, complaint: c };
	}

	async setStatus(ref: string, to: string, by: Actor, o: { note?: string; forwardedTo?: string } = {}): Promise<Complaint> {
		return this.db.transaction(async (tx) => {
			const c = await repo.findByRef(tx, ref, true);
			if (!c) throw new MitanError('COMPLAINT_NOT_FOUND', `no complaint ${ref}`, { field: 'ref' });
			await this.moveStatus(tx, c, to, by, o);
			return (await repo.findById(tx, c.id))!;
		});
	}

	/** The one status move (checkTransition, its timestamp, the audit), inside the caller's transaction; the desk uses it too. */
	async moveStatus(tx: Queryable, c: Complaint, to: unknown, by: Actor, o: { note?: string; forwardedTo?: string }): Promise<void> {
		const next = checkTransition(c.ref, c.status, to);
		const col = STATUS_TIMESTAMP[next];
		await tx.query(
			`UPDATE complaints SET status = $2, ${col} = now(), updated_at = now(), status_note = coalesce($3, status_note),
              forwarded_to = coalesce($4, forwarded_to) WHERE id = $1`,
			[c.id, next, o.note ?? null, o.forwardedTo ?? null],
		);
		await audit(tx, {
			districtId: c.districtId,
			actor: by.actor,
			ip: by.ip,
			action: `complaint.${next}`,
			entity: 'complaint',
			entityId: c.ref,
			details: { from: c.status, forwardedTo: o.forwardedTo ?? null },
		});
	}

	/** An officer corrects the category. Becoming women / child related removes the text at once. */
	async overrideCategory(ref: string, category: string, by: Actor): Promise<Complaint> {
		if (!isComplaintCategory(category)) throw bad('category', `category "${category}" is not one of the portal categories`);
		return this.db.transaction(async (tx) => {
			const c = await repo.findByRef(tx, ref, true);
			if (!c) throw new MitanError('COMPLAINT_NOT_FOUND', `no complaint ${ref}`, { field: 'ref' });
			const sensitive = c.sensitive || isSensitiveCategory(category);
			await tx.query(
				`UPDATE complaints SET category_override = $2, category_override_by = $3, category_override_at = now(), sensitive = $4, updated_at = now() WHERE id = $1`,
				[c.id, category, by.actor, sensitive],
			);
			if (sensitive) await repo.redactSensitive(tx, c.id);
			await audit(tx, {
				districtId: c.districtId,
				actor: by.actor,
				ip: by.ip,
				action: 'complaint.category_override',
				entity: 'complaint',
				entityId: c.ref,
				details: { from: c.category, to: category },
			});
			return (await repo.findById(tx, c.id))!;
		});
	}

	async get(ref: string, viewer: Role | Viewer): Promise<Complaint | undefined> {
		const c = await repo.findByRef(this.db, ref);
		if (!c || !canSee(viewer, c)) return undefined;
		return { ...c, citizenPhone: showPhone(viewer, c.citizenPhone), citizenUserId: showPhone(viewer, c.citizenUserId) };
	}

	async list(
		filter: { status?: string; category?: string; policeStation?: string; from?: Date; to?: Date; afterId?: number; limit?: number },
		viewer: Role | Viewer,
	): Promise<Complaint[]> {
		const limit = filter.limit ?? 100;
		if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw bad('limit', `limit must be 1..1000, got ${limit}`);
		if (filter.status && !isComplaintStatus(filter.status))
			throw bad('status', `status "${filter.status}" is not one of new, acknowledged, forwarded, closed`);
		if (filter.category && !isComplaintCategory(filter.category))
			throw bad('category', `category "${filter.category}" is not one of the portal categories`);
		const rows = await repo.list(this.db, {
			districtId: this.opts.districtId ?? (await defaultDistrictId(this.db)),
			status: (filter.status || undefined) as ComplaintStatus | undefined,
			category: (filter.category || undefined) as ComplaintCategory | undefined,
			policeStation: filter.policeStation || undefined,
			from: filter.from,
			to: filter.to,
			includeSensitive: canSeeSensitive(viewer),
			afterId: filter.afterId,
			limit,
		});
		return rows.map((c) => ({ ...c, citizenPhone: showPhone(viewer, c.citizenPhone), citizenUserId: showPhone(viewer, c.citizenUserId) }));
	}
}
