import type { Db, Queryable } from '../db';
import { defaultDistrictId, districtTimeZone } from '../districts';
import { MitanError } from '../errors';
import { bindNamed } from '../metrics/named';
import { refreshRollups } from '../metrics/refresh';
import { COMPLAINT_SAMPLES } from './sql/complaints';
import { DEMO_PHONE_BASE, DEMO_SOURCE } from './sql/random';
import { PARAM_TYPES, STEPS, type DemoStep } from './steps';
import { addDays, isCalendarDate, todayIn } from '../time';

export { DEMO_PHONE_BASE };

/**
 * Deterministic demo data: subscribers, 90 days of daily broadcasts with their deliveries and
 * status events (≈13.5 million for 50,000 citizens), opt-outs, citizens' messages and
 * complaints, social posts and their metrics.
 *
 * Every row is computed inside the database by INSERT ... SELECT FROM generate_series, with
 * pseudo-randomness from hashint8extended(key, seed): no row crosses the wire, and the same
 * (citizens, days, seed, endDate) gives the same data on PostgreSQL and on PGlite.
 * Keys are the citizen's demo index and the day index, never serial ids, so the data does not
 * depend on what the database held before. The steps and their SQL: steps.ts, sql/*.ts.
 */
export interface DemoOptions {
	citizens?: number;
	days?: number;
	seed?: number;
	/** Last day of the window, YYYY-MM-DD (district time). Default: yesterday. */
	endDate?: string;
	districtId?: number;
	/** Complaints per day on average. Default: 0.06 % of the citizens, at least 2. */
	complaintsPerDay?: number;
	/** Refresh the rollups at the end (default true). */
	refreshRollups?: boolean;
	onProgress?: (step: string, done: number, total: number) => void;
}

export interface DemoSummary {
	citizens: number;
	days: number;
	seed: number;
	startDate: string;
	endDate: string;
	subscribers: number;
	broadcasts: number;
	deliveries: number;
	statusEvents: number;
	optOuts: number;
	inboundMessages: number;
	complaints: number;
	socialPosts: number;
	socialMetrics: number;
	millis: number;
}

function check(o: Required<Pick<DemoOptions, 'citizens' | 'days' | 'seed'>> & { endDate: string; complaintsPerDay: number }): void {
	const bad = (field: string, msg: string) => {
		throw new MitanError('DEMO_BAD_OPTION', `demo option "${field}": ${msg}`, { field });
	};
	if (!Number.isInteger(o.citizens) || o.citizens < 1 || o.citizens > 10_000_000)
		bad('citizens', `must be an integer 1..10,000,000, got ${o.citizens}`);
	if (!Number.isInteger(o.days) || o.days < 1 || o.days > 3660) bad('days', `must be an integer 1..3660, got ${o.days}`);
	if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 1_000_000_000) bad('seed', `must be an integer 0..1,000,000,000, got ${o.seed}`);
	if (!isCalendarDate(o.endDate)) bad('endDate', `must be a date YYYY-MM-DD, got "${o.endDate}"`);
	if (!(o.complaintsPerDay >= 0 && o.complaintsPerDay <= 100_000)) bad('complaintsPerDay', `must be 0..100,000, got ${o.complaintsPerDay}`);
}

export async function generateDemo(db: Db, opts: DemoOptions = {}): Promise<DemoSummary> {
	const started = Date.now();
	const citizens = opts.citizens ?? 50_000;
	const days = opts.days ?? 90;
	const seed = opts.seed ?? 1;
	const districtId = opts.districtId ?? (await defaultDistrictId(db));
	const endDate = opts.endDate ?? addDays(todayIn(await districtTimeZone(db, districtId)), -1);
	const complaintsPerDay = opts.complaintsPerDay ?? Math.max(2, Math.round(citizens * 0.0006));
	check({ citizens, days, seed, endDate, complaintsPerDay });
	const progress = opts.onProgress ?? (() => undefined);
	const startDate = addDays(endDate, -(days - 1));
	const district = await emptyDistrict(db, districtId);
	// The values every statement may name.
	const values: Values = {
		seed,
		district: districtId,
		citizens,
		start: startDate,
		days,
		tz: district.timezone,
		phone_base: DEMO_PHONE_BASE,
		total: Math.round(complaintsPerDay * days),
		samples: COMPLAINT_SAMPLES,
		code: district.code,
	};

	for (const phase of phases(STEPS)) {
		if (phase[0].perDay) await runPerDay(db, phase[0], values, progress);
		else if (phase[0].group) {
			await db.transaction(async (tx) => {
				for (const step of phase) await runStep(tx, step, values, progress);
			});
		} else await runStep(db, phase[0], values, progress);
	}

	// Fresh statistics: the planner would otherwise plan the rollups for empty tables.
	await db.exec(
		'ANALYZE subscribers; ANALYZE broadcasts; ANALYZE deliveries; ANALYZE status_events; ANALYZE complaints; ANALYZE social_metrics; ANALYZE audit_log',
	);

	if (opts.refreshRollups !== false) {
		progress('rollups', 0, 1);
		await refreshRollups(db, { mode: 'full', districtId });
		progress('rollups', 1, 1);
	}
	return { citizens, days, seed, startDate, endDate, ...(await demoCounts(db, districtId)), millis: Date.now() - started };
}

type Values = Record<string, unknown>;
type Progress = NonNullable<DemoOptions['onProgress']>;

/** Steps in order, consecutive steps of one group together. */
function phases(steps: readonly DemoStep[]): DemoStep[][] {
	const out: DemoStep[][] = [];
	for (const step of steps) {
		const last = out[out.length - 1];
		if (last && step.group !== undefined && last[0].group === step.group) last.push(step);
		else out.push([step]);
	}
	return out;
}

const run = (q: Queryable, sql: string, values: Values) => q.query(...bindNamed(sql, values, PARAM_TYPES));

async function runStep(q: Queryable, step: DemoStep, values: Values, progress: Progress): Promise<void> {
	progress(step.name, 0, 1);
	for (const sql of step.sql) await run(q, sql, values);
	progress(step.name, 1, 1);
}

/** The district, which must exist and hold no demo yet (the demo goes into a fresh database). */
async function emptyDistrict(db: Db, districtId: number): Promise<{ code: string; timezone: string }> {
	const [district] = await db.query<{ code: string; timezone: string }>('SELECT code, timezone FROM districts WHERE id = $1', [districtId]);
	if (!district)
		throw new MitanError('DEMO_NO_DISTRICT', `demo option "districtId": no district with id ${districtId}`, {
			field: 'districtId',
		});
	const [already] = await db.query<{ n: number }>(
		`SELECT count(*)::int AS n FROM subscribers WHERE district_id = $1 AND consent_source = '${DEMO_SOURCE}'`,
		[districtId],
	);
	if (already.n > 0) {
		throw new MitanError(
			'DEMO_ALREADY_LOADED',
			`district ${district.code} already holds ${already.n} demo subscribers: generate into a fresh database`,
		);
	}
	return district;
}

/** A step run once per demo broadcast day (oldest first), each day in its own transaction. */
async function runPerDay(db: Db, step: DemoStep, values: Values, progress: Progress): Promise<void> {
	const [role] = await db.query<{ superuser: boolean }>('SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = current_user');
	const fastLoad = db.engine === 'postgres' && role?.superuser === true;
	const broadcasts = await db.query<{ id: number; broadcast_date: string }>(
		`SELECT id, broadcast_date FROM broadcasts WHERE district_id = $1 AND content_key LIKE 'demo:%' AND channel = 'whatsapp' ORDER BY broadcast_date`,
		[values.district],
	);
	for (let k = 0; k < broadcasts.length; k++) {
		const b = broadcasts[k];
		progress(step.name, k, broadcasts.length);
		await db.transaction(async (tx) => {
			// A lost demo day on a crash is harmless; waiting for every WAL flush is not.
			if (db.engine === 'postgres') await tx.query('SET LOCAL synchronous_commit = off');
			// The rows are consistent by construction: when allowed (superuser), skip the per-row
			// foreign-key checks and dirty-day triggers, which cost more than the inserts themselves.
			// The full rollup refresh at the end stands in for the dirty days.
			if (fastLoad) await tx.query(`SET LOCAL session_replication_role = replica`);
			const startsAt = await tx.query<{ t: Date }>(`SELECT ($1::date::timestamp + interval '10 hours') AT TIME ZONE $2 AS t`, [
				b.broadcast_date,
				values.tz,
			]);
			const day = { ...values, broadcast: b.id, starts_at: startsAt[0].t, day: b.broadcast_date, k };
			for (const sql of step.sql) await run(tx, sql, day);
		});
	}
	progress(step.name, broadcasts.length, broadcasts.length);
}

async function demoCounts(
	db: Db,
	districtId: number,
): Promise<Omit<DemoSummary, 'citizens' | 'days' | 'seed' | 'startDate' | 'endDate' | 'millis'>> {
	const [c] = await db.query<Record<string, number>>(
		`SELECT
       (SELECT count(*) FROM subscribers WHERE district_id = $1 AND consent_source = '${DEMO_SOURCE}')::int AS subscribers,
       (SELECT count(*) FROM subscribers WHERE district_id = $1 AND consent_source = '${DEMO_SOURCE}' AND status = 'opted_out')::int AS opt_outs,
       (SELECT count(*) FROM broadcasts WHERE district_id = $1 AND content_key LIKE 'demo:%')::int AS broadcasts,
       (SELECT coalesce(sum(targeted), 0) FROM broadcasts WHERE district_id = $1 AND content_key LIKE 'demo:%')::int AS deliveries,
       (SELECT count(*) FROM status_events WHERE district_id = $1 AND wamid LIKE 'wamid.DEMO%')::int AS status_events,
       (SELECT count(*) FROM inbound_messages WHERE district_id = $1 AND wamid LIKE 'wamid.DEMOIN%')::int AS inbound,
       (SELECT count(*) FROM complaints c JOIN inbound_messages im ON im.id = c.inbound_message_id WHERE c.district_id = $1 AND im.wamid LIKE 'wamid.DEMOIN%')::int AS complaints,
       (SELECT count(*) FROM social_posts WHERE district_id = $1 AND content_key LIKE 'demo:%')::int AS posts,
       (SELECT count(*) FROM social_metrics m JOIN social_posts p ON p.id = m.post_id WHERE p.district_id = $1 AND p.content_key LIKE 'demo:%')::int AS metrics`,
		[districtId],
	);
	return {
		subscribers: c.subscribers,
		broadcasts: c.broadcasts,
		deliveries: c.deliveries,
		statusEvents: c.status_events,
		optOuts: c.opt_outs,
		inboundMessages: c.inbound,
		complaints: c.complaints,
		socialPosts: c.posts,
		socialMetrics: c.metrics,
	};
}
