/**
 * Repository of social_posts: the once-per-(content, channel) record. A worker leases the row
 * before calling a network, so two workers (or a re-run while the first is still waiting on
 * Instagram) never post the same content twice.
 */
import type { Queryable } from '../db';
import { MitanError } from '../errors';
import type { PostDraft, SocialChannel } from '../channels/types';

export type SocialPostState = 'intent' | 'published' | 'failed' | 'unknown';

export interface SocialPostRow {
	id: number;
	district_id: number;
	content_id: number | null;
	content_key: string;
	channel: SocialChannel;
	state: SocialPostState;
	external_id: string | null;
	url: string | null;
	error_code: string | null;
	error_class: string | null;
	attempts: number;
	created_at: Date;
	published_at: Date | null;
	claimed_by: string | null;
	lease_until: Date | null;
	first_attempt_at: Date | null;
	last_attempt_at: Date | null;
	last_error: string | null;
	draft: Record<string, unknown>;
}

export type ClaimResult =
	{ kind: 'claimed'; row: SocialPostRow } | { kind: 'published'; row: SocialPostRow } | { kind: 'busy'; row: SocialPostRow };

export async function claimPost(
	db: Queryable,
	p: { contentKey: string; contentId: number | null; channel: SocialChannel; districtId: number; worker: string; leaseSeconds: number },
): Promise<ClaimResult> {
	await db.query(
		`INSERT INTO social_posts (district_id, content_id, content_key, channel) VALUES ($1, $2, $3, $4)
     ON CONFLICT (district_id, content_key, channel) DO NOTHING`,
		[p.districtId, p.contentId, p.contentKey, p.channel],
	);
	// One UPDATE decides: under concurrency the loser re-reads the row after the winner's lease.
	const [claimed] = await db.query<SocialPostRow & Record<string, unknown>>(
		`UPDATE social_posts SET claimed_by = $3, lease_until = now() + make_interval(secs => $4), updated_at = now()
      WHERE district_id = $5 AND content_key = $1 AND channel = $2 AND state <> 'published' AND (lease_until IS NULL OR lease_until < now())
      RETURNING *`,
		[p.contentKey, p.channel, p.worker, p.leaseSeconds, p.districtId],
	);
	if (claimed) return { kind: 'claimed', row: claimed };
	const row = await getPost(db, p.contentKey, p.channel, p.districtId);
	if (!row)
		throw new MitanError('SOCIAL_POST_VANISHED', 'social_posts row vanished between insert and read', {
			contentKey: p.contentKey,
			channel: p.channel,
		});
	return row.state === 'published' ? { kind: 'published', row } : { kind: 'busy', row };
}

/** `districtId`: the post of that district (a content key can be the same in two); omitted, the key's only post. */
export async function getPost(
	db: Queryable,
	contentKey: string,
	channel: SocialChannel,
	districtId?: number,
): Promise<SocialPostRow | undefined> {
	const [row] = await db.query<SocialPostRow & Record<string, unknown>>(
		'SELECT * FROM social_posts WHERE content_key = $1 AND channel = $2 AND ($3::int IS NULL OR district_id = $3) ORDER BY id LIMIT 1',
		[contentKey, channel, districtId ?? null],
	);
	return row;
}

/** Written just before the network call: from here on the outcome may be "posted". */
export async function markAttempt(db: Queryable, id: number, draft: PostDraft): Promise<SocialPostRow> {
	const [row] = await db.query<SocialPostRow & Record<string, unknown>>(
		`UPDATE social_posts SET attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, now()), last_attempt_at = now(),
            draft = $2::jsonb, updated_at = now()
      WHERE id = $1 RETURNING *`,
		[id, JSON.stringify(draft)],
	);
	return row;
}

export async function markPublished(db: Queryable, id: number, post: { externalId: string; url: string }): Promise<SocialPostRow> {
	const [row] = await db.query<SocialPostRow & Record<string, unknown>>(
		`UPDATE social_posts SET state = 'published', external_id = $2, url = $3, published_at = COALESCE(published_at, now()),
            lease_until = NULL, error_code = NULL, error_class = NULL, last_error = NULL, updated_at = now()
      WHERE id = $1 RETURNING *`,
		[id, post.externalId, post.url],
	);
	return row;
}

/** 'failed' = certainly not posted; 'unknown' = may have been posted, look before retrying. */
export async function markNotPublished(
	db: Queryable,
	id: number,
	state: 'failed' | 'unknown',
	err: { code: string; action: string; message: string },
): Promise<void> {
	await db.query(
		`UPDATE social_posts SET state = $2, error_code = $3, error_class = $4, last_error = $5, lease_until = NULL, updated_at = now()
      WHERE id = $1 AND state <> 'published'`,
		[id, state, err.code, err.action, err.message.slice(0, 1000)],
	);
}

/** Frees a lease without touching the state (validation failed before any call). */
export async function releaseLease(db: Queryable, id: number): Promise<void> {
	await db.query('UPDATE social_posts SET lease_until = NULL, updated_at = now() WHERE id = $1', [id]);
}

export async function listRecentPublished(
	db: Queryable,
	p: { days: number; channels?: SocialChannel[]; districtId?: number },
): Promise<SocialPostRow[]> {
	return db.query<SocialPostRow & Record<string, unknown>>(
		`SELECT * FROM social_posts
      WHERE state = 'published' AND external_id IS NOT NULL AND published_at >= now() - make_interval(days => $1)
        AND ($2::jsonb IS NULL OR channel IN (SELECT jsonb_array_elements_text($2::jsonb)))
        AND ($3::int IS NULL OR district_id = $3)
      ORDER BY published_at DESC, id`,
		[p.days, p.channels ? JSON.stringify(p.channels) : null, p.districtId ?? null],
	);
}
