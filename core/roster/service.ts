import { audit } from '../audit';
import type { Db, Queryable } from '../db';
import { eraseCitizen, isSuppressed, type ErasureOptions, type ErasureReceipt } from '../erasure';
import { MitanError } from '../errors';
import { maskCitizen } from '../identity';
import { isUserId, maskPhone, maskUserId, normalisePhone } from '../phone';
import { looksLikeFormula } from './fields';
import * as repo from './repository';
import type { SegmentDimension, SegmentFilter, Subscriber, SubscriberInput, UserIdInput } from './types';
import { checkPoliceStation, districtOrDefault } from '../districts';

type UpsertOutcome = 'inserted' | 'updated' | 'unchanged';

export interface Actor {
	/** 'user:asha', 'citizen', 'system:gateway', 'n8n:<workflow>' */
	actor: string;
	ip?: string | null;
	source?: string;
}

function requirePhone(raw: string): string {
	const p = normalisePhone(raw);
	if (!p.ok) throw new MitanError('PHONE_INVALID', `phone "${raw}": ${p.message}`, { field: 'phone', reason: p.reason });
	return p.e164;
}

function cleanText(field: string, v: string | null | undefined): string | null {
	if (v === undefined || v === null) return null;
	const t = String(v).trim();
	if (t === '') return null;
	if (looksLikeFormula(t)) {
		throw new MitanError(
			'FORMULA_IN_FIELD',
			`${field} "${t.slice(0, 40)}" starts with ${JSON.stringify(t[0])}, which spreadsheets run as a formula`,
			{ field },
		);
	}
	return t;
}

export function toUpsertRow(input: SubscriberInput, defaultConsentSource?: string): repo.UpsertRow {
	return { phone: requirePhone(input.phone), ...fieldsOf(input, defaultConsentSource), wa_id: input.waId ?? null };
}

/** The fields a clerk or a registration gives, checked, whichever identifier the citizen has. */
function fieldsOf(input: Omit<SubscriberInput, 'phone' | 'waId'>, defaultConsentSource?: string): Omit<repo.UpsertRow, 'phone' | 'wa_id'> {
	return {
		name: cleanText('name', input.name),
		language: input.language ?? null,
		police_station: cleanText('police_station', input.policeStation),
		block: cleanText('block', input.block),
		village: cleanText('village', input.village),
		tags: [...new Set((input.tags ?? []).map((t) => t.trim().toLowerCase()).filter(Boolean))].sort(),
		consent_source: cleanText('consent_source', input.consentSource) ?? defaultConsentSource ?? null,
		consent_at: input.consentAt ? new Date(input.consentAt).toISOString() : null,
		consent_evidence: cleanText('consent_evidence', input.consentEvidence),
	};
}

export class RosterService {
	/** The given district, else the installation's default (MITAN_DISTRICT). */
	private readonly district: (q?: Queryable) => Promise<number>;

	constructor(
		private readonly db: Db,
		districtId?: number,
	) {
		this.district = districtOrDefault(db, districtId);
	}

	/** Adds or updates one citizen; a new number needs a consent source. */
	async upsert(input: SubscriberInput, by: Actor): Promise<{ subscriber: Subscriber; outcome: UpsertOutcome }> {
		const row = toUpsertRow(input);
		return this.db.transaction(async (tx) => {
			if (row.police_station)
				row.police_station = await checkPoliceStation(tx, await this.district(tx), row.police_station, 'policeStation');
			const existing = await repo.findByPhone(tx, await this.district(tx), row.phone);
			if (!existing && (await isSuppressed(tx, await this.district(tx), { phone: row.phone, waId: row.wa_id }))) {
				throw new MitanError(
					'CITIZEN_SUPPRESSED',
					`${maskPhone(row.phone)} asked to be erased and cannot be added again without their own new consent (liftSuppression)`,
					{ field: 'phone' },
				);
			}
			if (!existing && !row.consent_source) {
				throw new MitanError('CONSENT_REQUIRED', `a new subscriber needs a consent source (where and how ${maskPhone(row.phone)} agreed)`, {
					field: 'consentSource',
				});
			}
			const r = await repo.upsertBatch(tx, await this.district(tx), [row]);
			const subscriber = (await repo.findByPhone(tx, await this.district(tx), row.phone))!;
			const outcome = r.inserted ? 'inserted' : r.updated ? 'updated' : 'unchanged';
			await this.auditUpsert(tx, subscriber, outcome, by, { phone: maskPhone(row.phone) });
			return { subscriber, outcome };
		});
	}

	/**
	 * Adds or updates a citizen known only by their BSUID (Meta withheld the number, e.g. a WhatsApp
	 * registration from a citizen with a username); a new one needs a consent source like anyone.
	 * When the number arrives later, core/identity.ts links it to this row.
	 */
	async upsertByUserId(input: UserIdInput, by: Actor): Promise<{ subscriber: Subscriber; outcome: UpsertOutcome }> {
		if (!isUserId(input.waUserId))
			throw new MitanError('USER_ID_INVALID', `waUserId "${String(input.waUserId).slice(0, 40)}" is not a WhatsApp user id (IN.1502…)`, {
				field: 'waUserId',
			});
		const row = fieldsOf(input);
		return this.db.transaction(async (tx) => {
			if (row.police_station)
				row.police_station = await checkPoliceStation(tx, await this.district(tx), row.police_station, 'policeStation');
			const existing = await repo.findByUserId(tx, await this.district(tx), input.waUserId);
			if (!existing && !row.consent_source)
				throw new MitanError(
					'CONSENT_REQUIRED',
					`a new subscriber needs a consent source (where and how ${maskUserId(input.waUserId)} agreed)`,
					{
						field: 'consentSource',
					},
				);
			const waUsername = cleanText('waUsername', input.waUsername);
			const outcome = await repo.upsertByUserId(tx, await this.district(tx), {
				...row,
				wa_user_id: input.waUserId,
				wa_username: waUsername,
			});
			const subscriber = (await repo.findByUserId(tx, await this.district(tx), input.waUserId))!;
			await this.auditUpsert(tx, subscriber, outcome, by, { userId: maskUserId(input.waUserId) });
			return { subscriber, outcome };
		});
	}

	/** Audits a change made by an upsert (an unchanged row leaves no entry); `who` is masked. */
	private async auditUpsert(
		tx: Queryable,
		subscriber: Subscriber,
		outcome: UpsertOutcome,
		by: Actor,
		who: Record<string, string>,
	): Promise<void> {
		if (outcome === 'unchanged') return;
		await audit(tx, {
			districtId: await this.district(tx),
			actor: by.actor,
			ip: by.ip,
			action: `subscriber.${outcome}`,
			entity: 'subscriber',
			entityId: subscriber.id,
			details: { ...who, source: by.source },
		});
	}

	async getByPhone(raw: string): Promise<Subscriber | undefined> {
		return repo.findByPhone(this.db, await this.district(), requirePhone(raw));
	}

	async search(
		filter: SegmentFilter & { nameContains?: string },
		cursor?: string,
		limit = 100,
	): Promise<{ items: Subscriber[]; nextCursor: string | null }> {
		if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
			throw new MitanError('LIMIT_OUT_OF_RANGE', `limit must be 1..1000, got ${limit}`, { field: 'limit' });
		const after = decodeCursor(cursor);
		const items = await repo.search(this.db, { ...filter, districtId: await this.district() }, after, limit);
		const nextCursor = items.length === limit ? encodeCursor(items[items.length - 1].id) : null;
		return { items, nextCursor };
	}

	async countBy(dim: SegmentDimension, filter: SegmentFilter = {}): Promise<{ key: string; count: number }[]> {
		return repo.countBy(this.db, dim, { ...filter, districtId: await this.district() });
	}

	/** Opt-out wins over everything: imports and broadcasts check status, never resubscribe. */
	async optOut(phone: string | number, reason: string, by: Actor, tx?: Queryable): Promise<Subscriber> {
		return this.changeStatus(phone, 'opted_out', reason, ['active', 'invalid'], 'subscriber.opt_out', by, tx);
	}

	async optIn(phone: string | number, reason: string, by: Actor, tx?: Queryable): Promise<Subscriber> {
		return this.changeStatus(phone, 'active', reason, ['opted_out', 'invalid'], 'subscriber.opt_in', by, tx);
	}

	async markInvalid(subscriberId: number, reason: string, by: Actor, tx?: Queryable): Promise<void> {
		const db = tx ?? this.db;
		const s = await repo.setStatus(db, subscriberId, 'invalid', reason, ['active']);
		if (s)
			await audit(db, {
				districtId: await this.district(db),
				actor: by.actor,
				action: 'subscriber.invalid',
				entity: 'subscriber',
				entityId: subscriberId,
				details: { reason, source: by.source },
			});
	}

	/** `who`: the citizen's phone, or their subscriber id (a citizen known by BSUID only has no phone). */
	private async changeStatus(
		who: string | number,
		to: 'active' | 'opted_out',
		reason: string,
		from: Subscriber['status'][],
		action: string,
		by: Actor,
		tx?: Queryable,
	): Promise<Subscriber> {
		const run = async (q: Queryable) => {
			const e164 = typeof who === 'number' ? null : requirePhone(who);
			const existing = e164 ? await repo.findByPhone(q, await this.district(q), e164) : await repo.findById(q, who as number);
			const named = e164 ? maskPhone(e164) : `#${who}`;
			if (!existing || existing.districtId !== (await this.district(q)))
				throw new MitanError('SUBSCRIBER_NOT_FOUND', `no subscriber ${e164 ? 'with phone ' : ''}${named}`, {
					field: e164 ? 'phone' : 'subscriberId',
				});
			if (existing.status === to) return existing; // idempotent: STOP twice is one opt-out
			const updated = await repo.setStatus(q, existing.id, to, reason, from);
			if (!updated) throw new MitanError('SUBSCRIBER_ERASED', `subscriber ${named} was erased and cannot be changed`);
			await audit(q, {
				districtId: await this.district(q),
				actor: by.actor,
				ip: by.ip,
				action,
				entity: 'subscriber',
				entityId: existing.id,
				details: {
					phone: maskCitizen({ phone: existing.phone, userId: existing.waUserId }),
					reason,
					source: by.source,
					from: existing.status,
				},
			});
			return updated;
		};
		return tx ? run(tx) : this.db.transaction(run);
	}

	/** DPDP erasure request by phone: core/erasure's eraseCitizen does it (every identifier, every table, the suppression list). */
	async erase(
		phone: string,
		by: Actor,
		opts: ErasureOptions = {},
	): Promise<{ erased: boolean; subscriberId?: number; receipt: ErasureReceipt }> {
		const receipt = await eraseCitizen(this.db, { phone: requirePhone(phone), districtId: await this.district() }, by, opts);
		const subscriberId = receipt.subscriberIds[0];
		return { erased: receipt.erased, subscriberId, receipt };
	}
}

export function encodeCursor(id: number): string {
	return Buffer.from(`s:${id}`).toString('base64url');
}

export function decodeCursor(cursor?: string | null): number {
	if (!cursor) return 0;
	const m = /^s:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
	if (!m) throw new MitanError('CURSOR_INVALID', 'cursor is not one this API returned', { field: 'cursor' });
	return Number(m[1]);
}
