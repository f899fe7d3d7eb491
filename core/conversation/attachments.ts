import { createHash } from 'crypto';
import { audit } from '../audit';
import { hexSha256 } from '../channels/whatsapp/media';
import { isWhatsAppApiError } from '../channels/whatsapp/errors';
import type { MediaReader } from '../channels/whatsapp/types';
import type { Queryable } from '../db';
import { MitanError } from '../errors';

/**
 * Media citizens send (voice notes, screenshots, documents, video, a location): one row per
 * message in inbound_attachments (migration 101), written with the message in the webhook's
 * transaction, fetched after the commit through the Graph media endpoint and kept with its
 * SHA-256 (checked against the hash Meta stated in the webhook and on the media endpoint).
 * The complaint reaches its attachments through complaint_messages.inbound_message_id, so a
 * follow-up's media joins the complaint the follow-up joined; the desk lists and serves them
 * (core/complaints/thread.ts, DeskService.attachment).
 */
export type AttachmentKind = 'audio' | 'image' | 'document' | 'video' | 'sticker' | 'location';

export interface AttachmentInput {
	kind: AttachmentKind;
	metaMediaId: string | null;
	mimeType: string | null;
	sha256: string | null;
	caption: string | null;
	fileName: string | null;
	latitude: number | null;
	longitude: number | null;
}

const KINDS: ReadonlySet<string> = new Set(['audio', 'image', 'document', 'video', 'sticker', 'location']);

type Obj = Record<string, unknown>;
const s = (v: unknown, max = 512): string | null => (typeof v === 'string' && v !== '' ? v.slice(0, max) : null);
const n = (v: unknown): number | null =>
	typeof v === 'number' && Number.isFinite(v)
		? v
		: typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))
			? Number(v)
			: null;

/** The attachment a webhook message carries, or null (a text, a reply, a media object without an id). */
export function attachmentOf(type: string, raw: Obj): AttachmentInput | null {
	if (!KINDS.has(type)) return null;
	const o = (raw[type] ?? {}) as Obj;
	if (type === 'location') {
		const latitude = n(o.latitude);
		const longitude = n(o.longitude);
		if (latitude === null || longitude === null || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null;
		const label = [s(o.name, 200), s(o.address, 300)].filter(Boolean).join(', ');
		return {
			kind: 'location',
			metaMediaId: null,
			mimeType: null,
			sha256: null,
			caption: label || null,
			fileName: null,
			latitude,
			longitude,
		};
	}
	const id = s(o.id, 128);
	if (!id) return null;
	return {
		kind: type as AttachmentKind,
		metaMediaId: id,
		mimeType: s(o.mime_type, 120),
		sha256: hexSha256(o.sha256),
		caption: s(o.caption, 1024),
		fileName: s(o.filename, 240),
		latitude: null,
		longitude: null,
	};
}

export async function insertAttachment(db: Queryable, districtId: number, inboundMessageId: number, a: AttachmentInput): Promise<number> {
	const [r] = await db.query<{ id: number }>(
		`INSERT INTO inbound_attachments (district_id, inbound_message_id, kind, meta_media_id, mime_type, sha256, caption, file_name,
                                      latitude, longitude, fetch_state, fetched_at, next_fetch_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, CASE WHEN $11 = 'fetched' THEN now() END,
             CASE WHEN $11 = 'pending' THEN now() + make_interval(mins => $12) END)
     ON CONFLICT (inbound_message_id, meta_media_id) DO UPDATE SET kind = EXCLUDED.kind RETURNING id`,
		[
			districtId,
			inboundMessageId,
			a.kind,
			a.metaMediaId,
			a.mimeType,
			a.sha256,
			a.caption,
			a.fileName,
			a.latitude,
			a.longitude,
			// A location has no bytes: nothing to fetch.
			a.kind === 'location' ? 'fetched' : 'pending',
			// The fetch after the commit takes seconds: still pending after this, it was cut short.
			MEDIA_FETCH_ROUNDS.pendingMinutes,
		],
	);
	return Number(r.id);
}

/**
 * Retries of a transient failure (an action of 'retry_soon': Meta's 131000, a 5xx, a dropped
 * connection) before the round is counted failed, with the wait doubling from `backoffMs`
 * (1, 2, 4, 8 s: about 15 s, inside Meta's five-minute media URL and long before the citizen
 * expects an answer). A failure that will not pass in seconds (media gone, a bad token) is not
 * retried within the round.
 */
export const MEDIA_FETCH_RETRY = { retries: 4, backoffMs: 1_000 };
export type MediaFetchRetry = typeof MEDIA_FETCH_RETRY;

/**
 * Rounds of fetching: the one after the webhook's commit, then the media sweep's
 * (attachment-sweep.ts), each a fetchAttachment with its quick retries. Between rounds the wait
 * grows from 15 minutes four-fold to a day at most (15 min, 1 h, 4 h, 16 h, 1 day …), so a token
 * fixed the next morning still gets every file; after `maxRounds` failed rounds (about four days)
 * the attachment is 'given_up'. An attachment still pending `pendingMinutes` after it arrived was
 * left by a restart or a missing credential.
 */
export const MEDIA_FETCH_ROUNDS = { maxRounds: 8, firstWaitMinutes: 15, factor: 4, maxWaitMinutes: 24 * 60, pendingMinutes: 10 };

/** Meta keeps a citizen's media 30 days: an older attachment is 'gone' without asking. */
export const MEDIA_KEPT_DAYS = 30;

export type FetchOutcome = 'fetched' | 'failed' | 'gone' | 'given_up' | 'skipped';

/** Minutes to wait after failed round `round` (1 = the first). */
export function roundWaitMinutes(round: number, r = MEDIA_FETCH_ROUNDS): number {
	return Math.min(r.firstWaitMinutes * r.factor ** (round - 1), r.maxWaitMinutes);
}

type AttachmentRow = {
	meta_media_id: string | null;
	sha256: string | null;
	fetch_state: string;
	district_id: number;
	fetch_attempts: number;
	created_at: Date;
};

interface Failure {
	error: MitanError;
	/** GET /{media-id} answered 100: Meta does not know the id (any more). */
	unknownMedia: boolean;
}

/**
 * Fetches one pending (or failed) attachment's bytes: one round. A failure is recorded on the
 * row (the state, the reason, the rounds, when the sweep may try again), never thrown past here:
 * the complaint stands without its bytes, and staff see why on it. `now` is the sweep's clock.
 */
export async function fetchAttachment(
	db: Queryable,
	reader: MediaReader,
	id: number,
	retry: MediaFetchRetry = MEDIA_FETCH_RETRY,
	now: Date = new Date(),
): Promise<FetchOutcome> {
	const [a] = await db.query<AttachmentRow>(
		'SELECT meta_media_id, sha256, fetch_state, district_id, fetch_attempts, created_at FROM inbound_attachments WHERE id = $1',
		[id],
	);
	if (!a || !a.meta_media_id || (a.fetch_state !== 'pending' && a.fetch_state !== 'failed')) return 'skipped';
	if (now.getTime() - new Date(a.created_at).getTime() > MEDIA_KEPT_DAYS * 86_400_000) {
		const error = new MitanError('MEDIA_GONE', `media ${a.meta_media_id}: older than the ${MEDIA_KEPT_DAYS} days Meta keeps media`);
		return recordFailure(db, id, a, { error, unknownMedia: false }, 0, now);
	}
	for (let attempt = 1; ; attempt++) {
		const r = await fetchOnce(db, reader, id, { ...a, meta_media_id: a.meta_media_id });
		if (r === 'fetched' || r === 'skipped') return r;
		if (r.error.action !== 'retry_soon' || attempt > retry.retries) return recordFailure(db, id, a, r, attempt, now);
		await new Promise((res) => setTimeout(res, retry.backoffMs * 2 ** (attempt - 1)));
	}
}

async function fetchOnce(
	db: Queryable,
	reader: MediaReader,
	id: number,
	a: { meta_media_id: string; sha256: string | null },
): Promise<'fetched' | 'skipped' | Failure> {
	let lookup = true;
	try {
		const info = await reader.getMedia(a.meta_media_id);
		lookup = false;
		if (a.sha256 && info.sha256 && info.sha256 !== a.sha256)
			throw new MitanError('MEDIA_HASH_MISMATCH', `media ${a.meta_media_id}: the media endpoint's SHA-256 is not the webhook's`, {
				field: 'sha256',
			});
		const bytes = await reader.downloadMedia({ ...info, sha256: info.sha256 ?? a.sha256 });
		const rows = await db.query(
			`UPDATE inbound_attachments SET bytes = $2, byte_size = $3, sha256 = $4, mime_type = coalesce(mime_type, $5),
              fetch_state = 'fetched', fetch_error = NULL, fetched_at = now(), next_fetch_at = NULL
       WHERE id = $1 AND fetch_state IN ('pending', 'failed') RETURNING id`,
			[id, bytes, bytes.length, createHash('sha256').update(bytes).digest('hex'), info.mimeType],
		);
		return rows.length ? 'fetched' : 'skipped';
	} catch (e) {
		// Network errors arrive bare: transient, like Meta's own 5xx.
		const error = e instanceof MitanError ? e : MitanError.from({ message: String((e as Error).message ?? e) }, 'MEDIA_FETCH_FAILED');
		return { error, unknownMedia: lookup && isWhatsAppApiError(e) && e.metaCode === 100 };
	}
}

/**
 * What a failed round leaves. Meta not knowing the media id is believed once the attachment is
 * older than `pendingMinutes` (right after the webhook the file may not be readable yet): then it
 * is 'gone', as it is past Meta's 30 days. The last allowed round failing gives it up; else the
 * sweep tries again after roundWaitMinutes. 'gone' and 'given_up' are audited as such, once.
 */
async function recordFailure(db: Queryable, id: number, a: AttachmentRow, f: Failure, attempts: number, now: Date): Promise<FetchOutcome> {
	const code = f.error.code ?? 'unknown';
	const round = Number(a.fetch_attempts) + 1;
	const settled = now.getTime() - new Date(a.created_at).getTime() > MEDIA_FETCH_ROUNDS.pendingMinutes * 60_000;
	const state: FetchOutcome =
		f.error.code === 'MEDIA_GONE' || (f.unknownMedia && settled) ? 'gone' : round >= MEDIA_FETCH_ROUNDS.maxRounds ? 'given_up' : 'failed';
	const rows = await db.query(
		`UPDATE inbound_attachments SET fetch_state = $2, fetch_error = $3, fetch_attempts = $4,
            next_fetch_at = CASE WHEN $2 = 'failed' THEN $5::timestamptz + make_interval(mins => $6) END
     WHERE id = $1 AND fetch_state IN ('pending', 'failed') RETURNING id`,
		[
			id,
			state,
			`${code}: ${String(f.error.message).slice(0, 280)} (${attempts} attempt${attempts === 1 ? '' : 's'})`,
			round,
			now,
			roundWaitMinutes(round),
		],
	);
	// Fetched (or erased) meanwhile by another round: nothing failed.
	if (rows.length === 0) return 'skipped';
	const action =
		state === 'gone' ? 'attachment.media_gone' : state === 'given_up' ? 'attachment.fetch_given_up' : 'attachment.fetch_failed';
	await audit(db, {
		districtId: a.district_id,
		actor: 'system:gateway',
		action,
		entity: 'inbound_attachment',
		entityId: id,
		details: state === 'failed' ? { code, attempts } : { code, attempts, rounds: round },
	});
	return state;
}

/** The media of one inbound message (what a message without words is about). */
export async function mediaOfInbound(
	db: Queryable,
	inboundMessageId: number,
): Promise<Pick<AttachmentInput, 'kind' | 'caption' | 'fileName' | 'latitude' | 'longitude'>[]> {
	const rows = await db.query<{
		kind: AttachmentKind;
		caption: string | null;
		file_name: string | null;
		latitude: number | null;
		longitude: number | null;
	}>('SELECT kind, caption, file_name, latitude, longitude FROM inbound_attachments WHERE inbound_message_id = $1 ORDER BY id', [
		inboundMessageId,
	]);
	return rows.map((r) => ({ kind: r.kind, caption: r.caption, fileName: r.file_name, latitude: r.latitude, longitude: r.longitude }));
}

const LABEL: Record<AttachmentKind, string> = {
	audio: 'वॉइस नोट / voice note',
	image: 'तस्वीर / image',
	document: 'दस्तावेज़ / document',
	video: 'वीडियो / video',
	sticker: 'स्टिकर / sticker',
	location: 'स्थान / location',
};

/**
 * The words a complaint made of media alone carries (a voice note, an uncaptioned screenshot):
 * what was sent, in Hindi and English, so the complaint, its list and its export say it; '' when
 * the message has no media.
 */
export function mediaSummary(media: Pick<AttachmentInput, 'kind' | 'caption' | 'fileName' | 'latitude' | 'longitude'>[]): string {
	return media
		.map((a) => {
			const extra =
				a.kind === 'location' && a.latitude !== null && a.longitude !== null
					? `: ${a.latitude.toFixed(5)}, ${a.longitude.toFixed(5)}${a.caption ? ` (${a.caption})` : ''}`
					: a.fileName
						? `: ${a.fileName}`
						: '';
			return `[${LABEL[a.kind]}${extra}]`;
		})
		.join(' ');
}
