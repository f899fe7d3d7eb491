import type { Queryable } from '../db';
import type { Cards, Chart, Scope } from './types';
import { coverage, HELD_FOR_TIER } from '../broadcast/tier-repository';
import { parseTier, tierAllowance } from '../channels/whatsapp/limits';

/** Citizens a day the stored tier allows; null when unknown or unlimited. */
function tierPerDay(tier: string | null | undefined): number | null {
	const t = parseTier(tier);
	if (!t) return null;
	const n = tierAllowance(t);
	return Number.isFinite(n) ? n : null;
}

/**
 * Live progress of the running (or latest) broadcast, counted from its deliveries: one grouped
 * scan of one broadcast's rows (≤ a roster's size), polled every few seconds by the page.
 */
export interface BroadcastProgress {
	broadcast: null | {
		id: number;
		districtId: number;
		status: string;
		broadcastDate: string;
		contentTitle: string | null;
		startedAt: Date | null;
		finishedAt: Date | null;
		stopCode: string | null;
		stopReason: string | null;
		/** What Meta last said about the sending number (read before the run, or a quality webhook). */
		number: { tier: string | null; qualityRating: string | null; throughputPerSecond: number | null } | null;
	};
	cards: Cards;
	charts: Chart[];
}

/** Window over which the send rate is measured: long enough to smooth pacing, short enough to be live. */
export const RATE_WINDOW_SECONDS = 30;

export async function broadcastProgress(db: Queryable, scope: Scope, broadcastId?: number): Promise<BroadcastProgress> {
	const [b] = await db.query<{
		id: number;
		district_id: number;
		status: string;
		broadcast_date: string;
		title: string | null;
		started_at: Date | null;
		finished_at: Date | null;
		stop_code: string | null;
		stop_reason: string | null;
		targeted: number;
	}>(
		`SELECT b.id, b.district_id, b.status, b.broadcast_date, c.title, b.started_at, b.finished_at, b.stop_code, b.stop_reason, b.targeted
       FROM broadcasts b LEFT JOIN content c ON c.id = b.content_id
      WHERE b.channel = 'whatsapp' AND ($1::int IS NULL OR b.district_id = $1) AND ($2::bigint IS NULL OR b.id = $2)
      ORDER BY (b.status IN ('running', 'paused')) DESC, b.created_at DESC
      LIMIT 1`,
		[scope.districtId, broadcastId ?? null],
	);
	if (!b) return { broadcast: null, cards: {}, charts: [] };
	const running = b.status === 'running';
	const [states, [held], failures, [rate], [num], cov] = await Promise.all([
		// By state alone, so deliveries_claim (broadcast_id, state, …) answers from the index; the
		// held-for-tier count reads only the skipped rows. One grouped heap scan of a 50,000-citizen
		// broadcast was 48 ms a request (issue 19 state-scale bench).
		db.query<{ state: string; n: number }>(`SELECT state, count(*)::int AS n FROM deliveries WHERE broadcast_id = $1 GROUP BY 1`, [b.id]),
		db.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM deliveries WHERE broadcast_id = $1 AND state = 'skipped' AND error_class = '${HELD_FOR_TIER}'`,
			[b.id],
		),
		db.query<{ k: string; n: number }>(
			`SELECT COALESCE(error_class, 'unknown') AS k, count(*)::int AS n FROM deliveries
        WHERE broadcast_id = $1 AND state = 'failed' GROUP BY 1 ORDER BY 2 DESC`,
			[b.id],
		),
		// The send rate only means something while sending: a finished broadcast skips the scan.
		running
			? db.query<{ n: number }>(
					`SELECT count(*)::int AS n FROM deliveries WHERE broadcast_id = $1 AND sent_at > now() - make_interval(secs => $2)`,
					[b.id, RATE_WINDOW_SECONDS],
				)
			: Promise.resolve([{ n: 0 }]),
		db.query<{ messaging_tier: string | null; quality_rating: string | null; throughput_per_second: number | null }>(
			`SELECT w.messaging_tier, w.quality_rating, w.throughput_per_second FROM broadcasts b JOIN whatsapp_numbers w
        ON w.phone_number_id = b.phone_number_id OR (b.phone_number_id IS NULL AND w.district_id = b.district_id)
        WHERE b.id = $1 ORDER BY w.checked_at DESC LIMIT 1`,
			[b.id],
		),
		coverage(db, b.district_id),
	]);
	const by: Record<string, number> = {};
	for (const r of states) by[r.state] = (by[r.state] ?? 0) + r.n;
	const heldForTier = Number(held.n);
	const total = states.reduce((s, r) => s + r.n, 0);
	const targeted = Math.max(b.targeted, total);
	const sent = (by.sent ?? 0) + (by.delivered ?? 0) + (by.read ?? 0);
	const failed = by.failed ?? 0;
	const remaining = (by.pending ?? 0) + (by.in_flight ?? 0) + Math.max(0, targeted - total);
	const perSecond = Math.round((rate.n / RATE_WINDOW_SECONDS) * 10) / 10;
	return {
		broadcast: {
			id: b.id,
			districtId: b.district_id,
			status: b.status,
			broadcastDate: b.broadcast_date,
			contentTitle: b.title,
			startedAt: b.started_at,
			finishedAt: b.finished_at,
			stopCode: b.stop_code,
			stopReason: b.stop_reason,
			number: num
				? {
						tier: num.messaging_tier,
						qualityRating: num.quality_rating,
						throughputPerSecond: num.throughput_per_second === null ? null : Number(num.throughput_per_second),
					}
				: null,
		},
		cards: {
			held_for_tier: heldForTier,
			tier_per_day: tierPerDay(num?.messaging_tier),
			coverage_7d_pct: Math.round(cov.share * 1000) / 10,
			targeted,
			sent,
			delivered: (by.delivered ?? 0) + (by.read ?? 0),
			read: by.read ?? 0,
			failed,
			remaining,
			in_doubt: by.in_doubt ?? 0,
			rate_per_second: running ? perSecond : null,
			eta_seconds: running && perSecond > 0 ? Math.ceil(remaining / perSecond) : null,
			progress_pct: targeted ? Math.round(((sent + failed + (by.skipped ?? 0)) / targeted) * 1000) / 10 : null,
		},
		charts: [
			{
				id: 'broadcast_states',
				kind: 'bar',
				labelKind: 'key',
				horizontal: true,
				labels: ['pending', 'in_flight', 'sent', 'delivered', 'read', 'failed', 'in_doubt', 'skipped'],
				series: [
					{
						key: 'messages',
						data: ['pending', 'in_flight', 'sent', 'delivered', 'read', 'failed', 'in_doubt', 'skipped'].map((s) => by[s] ?? 0),
					},
				],
			},
			{
				id: 'failures_by_class',
				kind: 'bar',
				labelKind: 'key',
				horizontal: true,
				labels: failures.map((f) => f.k),
				series: [{ key: 'failed', data: failures.map((f) => f.n) }],
			},
		],
	};
}
