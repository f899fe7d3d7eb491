import { audit } from '../audit';
import { freeTextProblems, refuse } from '../channels/whatsapp/text';
import type { WhatsAppSender } from '../channels/whatsapp/types';
import { isWindowOpen, lastMessageFrom } from '../channels/whatsapp/window';
import { looksLikeFormula } from '../csv';
import type { Db, Queryable } from '../db';
import { MitanError } from '../errors';
import { sendAddress } from '../identity';
import { consentRecord, type ConsentRecord } from '../roster/consent';
import { isComplaintCategory } from './categories';
import * as desk from './desk-repository';
import { closedNotice, forwardedNotice } from './desk-notices';
import { ASSIGNEE_MAX, isOutcome, NOTE_MAX, OUTCOMES, parseNcrpAck, REPLY_MAX, type Outcome } from './desk-rules';
import * as repo from './repository';
import type { Complaint } from './repository';
import type { Actor, ComplaintService } from './service';
import { isComplaintStatus, canTransition } from './status';
import { refusalOf } from './reply-record';
import { threadOf, attachmentBytes, type ThreadItem } from './thread';
import { complaintUpdateMessage, COMPLAINT_UPDATE_TEMPLATE } from './update-template';
import { canSee, canSeeSensitive, showPhone, type Viewer } from './visibility';

/**
 * The complaint desk (issue 17 §2): the queue, a case with its whole thread, and what officers do
 * to it. Status moves go through ComplaintService.moveStatus (status.ts owns the rule); who may see
 * a case is visibility.ts's canSee (a case the officer may not see is "not found", not "forbidden",
 * so its existence is not given away). Messages to the citizen go out after the commit: a refused
 * send is recorded on the case and never undoes the step.
 */
const bad = (field: string, message: string) => new MitanError('COMPLAINT_BAD_INPUT', message, { field });
const notFound = (ref: string) => new MitanError('COMPLAINT_NOT_FOUND', `no complaint ${ref}`, { field: 'ref' });

export interface QueueInput {
	status?: unknown;
	category?: unknown;
	policeStation?: unknown;
	moneyLoss?: unknown;
	age?: unknown;
	/** "failed": only cases whose latest message to the citizen did not reach them. */
	reply?: unknown;
	page?: unknown;
}

export const QUEUE_PAGE_SIZE = 25;
const AGES: desk.AgeFilter[] = ['under_24h', '24_48h', 'over_48h'];

export interface CaseView {
	complaint: Complaint & desk.DeskFields;
	thread: ThreadItem[];
	consent: ConsentRecord | null;
	/** Whether a reply now goes as free text (the citizen wrote within 24 hours) or as the template. */
	window: { open: boolean; lastInboundAt: Date | null };
	outcomes: readonly Outcome[];
}

export interface Sent {
	ok: boolean;
	via: 'text' | 'template';
	wamid?: string;
	error?: { code: string; message: string };
}

export class DeskService {
	constructor(
		private readonly db: Db,
		private readonly complaints: ComplaintService,
		private readonly opts: { districtId: number | null; sender: () => WhatsAppSender | null },
	) {}

	async queue(input: QueueInput, viewer: Viewer): Promise<{ rows: desk.QueueRow[]; total: number; page: number; pageSize: number }> {
		const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
		const status = text(input.status);
		if (status && status !== 'open' && !isComplaintStatus(status))
			throw bad('status', `status "${status}" is not one of open, new, acknowledged, forwarded, closed`);
		const category = text(input.category);
		if (category && !isComplaintCategory(category)) throw bad('category', `category "${category}" is not one of the portal categories`);
		const money = text(input.moneyLoss);
		if (money && money !== 'yes' && money !== 'no') throw bad('moneyLoss', `moneyLoss must be "yes" or "no", got "${money}"`);
		const age = text(input.age);
		if (age && !(AGES as string[]).includes(age)) throw bad('age', `age must be one of ${AGES.join(', ')}, got "${age}"`);
		const reply = text(input.reply);
		if (reply && reply !== 'failed') throw bad('reply', `reply must be "failed" (or empty for any), got "${reply}"`);
		const pageRaw = text(input.page) ?? '1';
		const page = Number(pageRaw);
		if (!Number.isInteger(page) || page < 1 || page > 10_000) throw bad('page', `page must be a whole number 1..10000, got "${pageRaw}"`);
		const out = await desk.queue(this.db, {
			districtId: this.opts.districtId,
			status: status as desk.QueueFilter['status'],
			category: category as desk.QueueFilter['category'],
			policeStation: text(input.policeStation),
			moneyLoss: money === undefined ? undefined : money === 'yes',
			age: age as desk.AgeFilter | undefined,
			replyFailed: reply ? true : undefined,
			includeSensitive: canSeeSensitive(viewer),
			offset: (page - 1) * QUEUE_PAGE_SIZE,
			limit: QUEUE_PAGE_SIZE,
		});
		// canSee() once more per row: the SQL filter is the fast path, the rule stays visibility.ts's.
		// The queue never needs a whole number: always masked here.
		const rows = out.rows.filter((r) => canSee(viewer, r)).map((r) => ({ ...r, phone: showPhone('viewer', r.phone) }));
		return { rows, total: out.total, page, pageSize: QUEUE_PAGE_SIZE };
	}

	stations(): Promise<string[]> {
		return desk.stations(this.db, this.opts.districtId);
	}

	/** The complaint if this officer may see it and it is in their district; else "not found". */
	private async visible(q: Queryable, ref: string, viewer: Viewer, forUpdate = false): Promise<Complaint> {
		const c = await repo.findByRef(q, ref, forUpdate);
		if (!c || !canSee(viewer, c) || (this.opts.districtId !== null && c.districtId !== this.opts.districtId)) throw notFound(ref);
		return c;
	}

	async caseOf(ref: string, viewer: Viewer): Promise<CaseView> {
		const c = await this.visible(this.db, ref, viewer);
		const [fields, thread, consent, last] = await Promise.all([
			desk.deskFields(this.db, c.id),
			threadOf(this.db, c),
			c.subscriberId === null ? Promise.resolve(undefined) : consentRecord(this.db, c.subscriberId),
			c.citizenPhone || c.citizenUserId
				? lastMessageFrom(this.db, c.districtId, { phone: c.citizenPhone, userId: c.citizenUserId })
				: Promise.resolve(null),
		]);
		return {
			complaint: {
				...c,
				...fields,
				citizenPhone: showPhone(viewer.role, c.citizenPhone),
				citizenUserId: showPhone(viewer.role, c.citizenUserId),
			},
			thread,
			consent: consent ?? null,
			window: { open: isWindowOpen(last), lastInboundAt: last },
			outcomes: OUTCOMES,
		};
	}

	async attachment(ref: string, attachmentId: number, viewer: Viewer): Promise<{ mimeType: string; bytes: Buffer; sha256: string | null }> {
		const c = await this.visible(this.db, ref, viewer);
		const a = await attachmentBytes(this.db, c.id, attachmentId);
		if (!a)
			throw new MitanError('COMPLAINT_ATTACHMENT_NOT_FOUND', `complaint ${ref} has no attachment ${attachmentId} with bytes`, {
				field: 'aid',
			});
		return a;
	}

	async acknowledge(ref: string, viewer: Viewer, by: Actor): Promise<Complaint> {
		return this.step(ref, viewer, async (tx, c) => this.complaints.moveStatus(tx, c, 'acknowledged', by, {}));
	}

	async correctCategory(ref: string, category: unknown, viewer: Viewer, by: Actor): Promise<Complaint> {
		await this.visible(this.db, ref, viewer);
		return this.complaints.overrideCategory(ref, String(category ?? ''), by);
	}

	async assign(ref: string, input: { policeStation?: unknown; officer?: unknown }, viewer: Viewer, by: Actor): Promise<Complaint> {
		const name = (field: string, v: unknown) => {
			if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return undefined;
			if (typeof v !== 'string') throw bad(field, `${field} must be text`);
			const s = v.trim();
			if (s.length > ASSIGNEE_MAX) throw bad(field, `${field} is ${s.length} characters; at most ${ASSIGNEE_MAX}`);
			// Both land in the dashboard's CSV exports: refused like the roster's fields.
			if (looksLikeFormula(s)) throw bad(field, `${field} "${s.slice(0, 40)}" holds a spreadsheet formula (= + - @) / नाम लिखें`);
			return s;
		};
		const policeStation = name('policeStation', input.policeStation);
		const officer = name('officer', input.officer);
		if (!policeStation && !officer)
			throw bad('policeStation', 'give a police station or an officer to assign the case to / थाना या अधिकारी चुनें');
		return this.step(ref, viewer, async (tx, c) => {
			await desk.assign(tx, c.id, { policeStation, officer }, by.actor);
			await audit(tx, {
				districtId: c.districtId,
				actor: by.actor,
				ip: by.ip,
				action: 'complaint.assigned',
				entity: 'complaint',
				entityId: c.ref,
				details: { policeStation: policeStation ?? null, officer: officer ?? null, fromStation: c.policeStation },
			});
		});
	}

	/** Forwarded to the national portal: the acknowledgement number is recorded, the status moves, the citizen is told. */
	async forward(ref: string, input: { ncrpAck?: unknown }, viewer: Viewer, by: Actor): Promise<{ complaint: Complaint; notice: Sent }> {
		const ack = parseNcrpAck(input.ncrpAck);
		const c = await this.step(ref, viewer, async (tx, cur) => {
			if (cur.status === 'closed')
				throw new MitanError('COMPLAINT_STATUS_BACKWARDS', `complaint ${ref} is closed and cannot be forwarded`, { field: 'status' });
			await desk.setNcrpAck(tx, cur.id, ack);
			if (canTransition(cur.status, 'forwarded'))
				await this.complaints.moveStatus(tx, cur, 'forwarded', by, { forwardedTo: `NCRP ${ack}` });
			await audit(tx, {
				districtId: cur.districtId,
				actor: by.actor,
				ip: by.ip,
				action: 'complaint.ncrp_recorded',
				entity: 'complaint',
				entityId: cur.ref,
				details: { ncrpAck: ack },
			});
		});
		const text = forwardedNotice({ ref: c.ref, language: c.language, policeStation: c.policeStation, ncrpAck: ack });
		return { complaint: c, notice: await this.deliver(c, 'forwarded', text, by) };
	}

	async note(ref: string, body: unknown, viewer: Viewer, by: Actor): Promise<void> {
		const text = typeof body === 'string' ? body.trim() : '';
		if (text === '') throw bad('note', 'the note is empty / नोट खाली है');
		if (text.length > NOTE_MAX) throw bad('note', `the note is ${text.length} characters; at most ${NOTE_MAX}`);
		await this.step(ref, viewer, async (tx, c) => {
			await desk.insertNote(tx, c.id, by.actor, text);
			// The note's text stays in complaint_notes (erasable); the log outlives erasure, so it gets only the length.
			await audit(tx, {
				districtId: c.districtId,
				actor: by.actor,
				ip: by.ip,
				action: 'complaint.note',
				entity: 'complaint',
				entityId: c.ref,
				details: { length: text.length },
			});
		});
	}

	async close(
		ref: string,
		input: { outcome?: unknown; note?: unknown },
		viewer: Viewer,
		by: Actor,
	): Promise<{ complaint: Complaint; notice: Sent }> {
		if (!isOutcome(input.outcome))
			throw bad('outcome', `outcome must be one of ${OUTCOMES.join(', ')}, got "${String(input.outcome ?? '')}"`);
		const outcome = input.outcome;
		const note = typeof input.note === 'string' && input.note.trim() !== '' ? input.note.trim() : undefined;
		if (note && note.length > NOTE_MAX) throw bad('note', `the note is ${note.length} characters; at most ${NOTE_MAX}`);
		const c = await this.step(ref, viewer, async (tx, cur) => {
			await this.complaints.moveStatus(tx, cur, 'closed', by, { note });
			await desk.setOutcome(tx, cur.id, outcome);
			await audit(tx, {
				districtId: cur.districtId,
				actor: by.actor,
				ip: by.ip,
				action: 'complaint.outcome',
				entity: 'complaint',
				entityId: cur.ref,
				details: { outcome },
			});
		});
		return { complaint: c, notice: await this.deliver(c, 'closed', closedNotice({ ref: c.ref, language: c.language, outcome }), by) };
	}

	/** An officer's message to the citizen. A refusal is recorded on the case and then raised. */
	async reply(ref: string, body: unknown, viewer: Viewer, by: Actor): Promise<Sent> {
		refuse(freeTextProblems(body, 'text'));
		const text = (body as string).trim();
		if (text.length > REPLY_MAX)
			throw bad('text', `the reply is ${text.length} characters; at most ${REPLY_MAX} (it must fit the update template too)`);
		const c = await this.visible(this.db, ref, viewer);
		const sent = await this.deliver(c, 'reply', text, by);
		if (!sent.ok)
			throw new MitanError('COMPLAINT_REPLY_FAILED', `the reply to ${ref} was not sent: ${sent.error!.code} ${sent.error!.message}`, {
				field: 'text',
			});
		return sent;
	}

	/** One step on one case in one transaction (the row locked), then the case as it now is. */
	private async step(ref: string, viewer: Viewer, fn: (tx: Queryable, c: Complaint) => Promise<void>): Promise<Complaint> {
		return this.db.transaction(async (tx) => {
			const c = await this.visible(tx, ref, viewer, true);
			await fn(tx, c);
			return (await repo.findById(tx, c.id))!;
		});
	}

	/**
	 * The one reply path: free text while the citizen's 24-hour window is open, else the update
	 * template with the text inside its body. Sent after the step committed; recorded and audited
	 * either way. The audit outlives erasure, so it names what went and how, never the text or the number.
	 */
	private async deliver(c: Complaint, purpose: 'reply' | 'forwarded' | 'closed', text: string, by: Actor): Promise<Sent> {
		const cur = await repo.findById(this.db, c.id);
		// The number, else the BSUID (sent with recipient; core/identity.ts sendAddress).
		const phone = sendAddress({ phone: cur?.citizenPhone, waUserId: cur?.citizenUserId });
		const open = phone
			? isWindowOpen(await lastMessageFrom(this.db, c.districtId, { phone: cur?.citizenPhone ?? null, userId: cur?.citizenUserId ?? null }))
			: false;
		const via: Sent['via'] = open ? 'text' : 'template';
		const msg = complaintUpdateMessage(c.ref, text, c.language);
		const record = (wamid: string | null, error: Sent['error'] | null) =>
			desk.insertReply(this.db, {
				complaintId: c.id,
				purpose,
				kind: via,
				template: via === 'template' ? COMPLAINT_UPDATE_TEMPLATE.name : null,
				// Least data: for women / child cases only the fact that a message went out is kept.
				body: c.sensitive ? null : via === 'text' ? text : msg.shown,
				wamid,
				errorCode: error?.code ?? null,
				errorMessage: error?.message ?? null,
				sentBy: by.actor,
			});
		const audited = (action: 'complaint.reply' | 'complaint.reply_failed', details: Record<string, unknown>) =>
			audit(this.db, {
				districtId: c.districtId,
				actor: by.actor,
				ip: by.ip,
				action,
				entity: 'complaint',
				entityId: c.ref,
				details: { purpose, via, ...details },
			});
		const sender = this.opts.sender();
		let error: Sent['error'];
		if (!phone) error = { code: 'COMPLAINT_NO_PHONE', message: `complaint ${c.ref} has no number to write to` };
		else if (!sender)
			error = {
				code: 'COMPLAINT_REPLY_UNCONFIGURED',
				message: 'WhatsApp is not configured (WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID)',
			};
		else {
			try {
				const r = via === 'text' ? await sender.sendText(phone, text) : await sender.sendTemplate(phone, msg.template);
				await record(r.wamid, null);
				await audited('complaint.reply', {});
				return { ok: true, via, wamid: r.wamid };
			} catch (e) {
				error = refusalOf(e);
				if (!error) throw e;
			}
		}
		await record(null, error);
		await audited('complaint.reply_failed', { code: error.code });
		return { ok: false, via, error };
	}
}
