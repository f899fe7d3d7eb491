import type { Queryable, Row } from '../db';

/**
 * The inbound queue the Mitan Trigger node consumes: Postgres is the queue, so nothing is lost
 * while n8n is down, and several n8n processes can consume at once.
 *
 * claim: `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED LIMIT n) RETURNING` — two
 * workers never take the same row. A claim is a lease: a row claimed longer than `leaseSeconds`
 * ago (its worker died mid-execution) is claimed again, until `maxAttempts`, after which it is
 * marked failed for a person to look at. ack: only the holder of the claim token may settle it.
 */
export interface InboundFilter {
	/** Meta message types (text, image, button, interactive, audio, …); empty = all. */
	types?: string[];
	/** The citizen's police station on the roster (case-insensitive); empty = all. */
	policeStations?: string[];
	districtId?: number;
}

export interface ClaimOptions {
	token: string;
	limit: number;
	leaseSeconds: number;
	maxAttempts: number;
}

export interface SubscriberRecord {
	id: number;
	name: string | null;
	language: 'hi' | 'en';
	policeStation: string | null;
	block: string | null;
	village: string | null;
	tags: string[];
	status: string;
}

export interface ClaimedMessage {
	id: number;
	wamid: string;
	districtId: number;
	/** The citizen's number, E.164: where a reply goes. */
	/** E.164 of the sender; null when Meta withheld the number (then fromUserId says who wrote). */
	from: string | null;
	/** The sender's business-scoped user id, when Meta sent it: replies go there without a number. */
	fromUserId: string | null;
	type: string;
	text: string | null;
	/** The subscriber's language, else guessed from the script of the message. */
	language: 'hi' | 'en';
	contactName: string | null;
	sentAt: string | null;
	receivedAt: string;
	attempt: number;
	claimToken: string;
	phoneNumberId: string | null;
	/** Meta's message object as received (context, media ids, button payloads). */
	message: Record<string, unknown>;
	subscriber: SubscriberRecord | null;
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

function toClaimed(r: Row): ClaimedMessage {
	const payload = (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as {
		message?: Record<string, unknown>;
		contact?: { name?: string | null };
	};
	const subscriber: SubscriberRecord | null =
		r.s_id === null || r.s_id === undefined
			? null
			: {
					id: Number(r.s_id),
					name: (r.s_name as string | null) ?? null,
					language: r.s_language as 'hi' | 'en',
					policeStation: (r.s_police_station as string | null) ?? null,
					block: (r.s_block as string | null) ?? null,
					village: (r.s_village as string | null) ?? null,
					tags: (r.s_tags as string[] | null) ?? [],
					status: r.s_status as string,
				};
	const text = (r.body as string | null) ?? null;
	return {
		id: Number(r.id),
		wamid: r.wamid as string,
		districtId: Number(r.district_id),
		from: (r.from_phone as string | null) ?? null,
		fromUserId: (r.from_user_id as string | null) ?? null,
		type: r.type as string,
		text,
		language: subscriber?.language ?? (text && /[\u0900-\u097f]/.test(text) ? 'hi' : text ? 'en' : 'hi'),
		contactName: payload?.contact?.name ?? null,
		sentAt: iso(r.sent_at),
		receivedAt: iso(r.received_at)!,
		attempt: Number(r.attempts),
		claimToken: r.claimed_by as string,
		phoneNumberId: (r.phone_number_id as string | null) ?? null,
		message: payload?.message ?? {},
		subscriber,
	};
}

const norm = (list?: string[]): string[] | null => {
	const l = (list ?? []).map((s) => s.trim()).filter(Boolean);
	return l.length ? l : null;
};

export async function claimInbound(db: Queryable, filter: InboundFilter, o: ClaimOptions): Promise<ClaimedMessage[]> {
	// Leases that ran out too often: stop retrying, leave them for a person.
	await db.query(
		`UPDATE inbound_messages SET queue_state = 'failed', handled_at = now()
     WHERE queue_state = 'claimed' AND claimed_at < now() - make_interval(secs => $1::int) AND attempts >= $2`,
		[o.leaseSeconds, o.maxAttempts],
	);
	const stations = norm(filter.policeStations)?.map((s) => s.toLowerCase()) ?? null;
	const rows = await db.query(
		`WITH claimed AS (
       UPDATE inbound_messages m
       SET queue_state = 'claimed', claimed_by = $1, claimed_at = now(), attempts = m.attempts + 1
       WHERE m.id IN (
         SELECT i.id FROM inbound_messages i
         LEFT JOIN subscribers s ON s.id = i.subscriber_id
         WHERE (i.queue_state = 'queued'
                OR (i.queue_state = 'claimed' AND i.claimed_at < now() - make_interval(secs => $2::int)))
           AND ($3::text[] IS NULL OR i.type = ANY($3::text[]))
           AND ($4::text[] IS NULL OR lower(s.police_station) = ANY($4::text[]))
           AND ($5::int IS NULL OR i.district_id = $5::int)
         ORDER BY i.id
         LIMIT $6
         FOR UPDATE OF i SKIP LOCKED
       )
       RETURNING m.*
     )
     SELECT c.id, c.wamid, c.district_id, c.from_phone, c.from_user_id, c.type, c.body, c.payload, c.sent_at, c.received_at, c.attempts,
            c.claimed_by, c.phone_number_id,
            s.id AS s_id, s.name AS s_name, s.language AS s_language, s.police_station AS s_police_station,
            s.block AS s_block, s.village AS s_village, s.tags AS s_tags, s.status AS s_status
     FROM claimed c LEFT JOIN subscribers s ON s.id = c.subscriber_id
     ORDER BY c.id`,
		[o.token, o.leaseSeconds, norm(filter.types), stations, filter.districtId ?? null, o.limit],
	);
	return rows.map(toClaimed);
}

/** Settles a claimed message; false when the claim was lost (lease ran out and another worker took it). */
export async function ackInbound(db: Queryable, id: number, token: string, outcome: 'done' | 'failed'): Promise<boolean> {
	const rows = await db.query(
		`UPDATE inbound_messages SET queue_state = $3, handled_at = now()
     WHERE id = $1 AND claimed_by = $2 AND queue_state = 'claimed' RETURNING id`,
		[id, token, outcome],
	);
	return rows.length === 1;
}

/** Gives a claimed message back (the execution could not be started); it is claimed again soon. */
export async function releaseInbound(db: Queryable, id: number, token: string): Promise<boolean> {
	const rows = await db.query(
		`UPDATE inbound_messages SET queue_state = 'queued', claimed_by = NULL, claimed_at = NULL
     WHERE id = $1 AND claimed_by = $2 AND queue_state = 'claimed' RETURNING id`,
		[id, token],
	);
	return rows.length === 1;
}

/** Queue depth by state, for the dashboard and tests. */
export async function inboundQueueCounts(db: Queryable): Promise<Record<string, number>> {
	const rows = await db.query<{ queue_state: string; n: number }>(
		'SELECT queue_state, count(*)::int AS n FROM inbound_messages GROUP BY queue_state',
	);
	return Object.fromEntries(rows.map((r) => [r.queue_state, Number(r.n)]));
}
