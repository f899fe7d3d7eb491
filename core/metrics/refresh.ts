import { WHATSAPP_ERROR_ACTIONS } from '../channels/whatsapp/errors';
import type { Db, Queryable } from '../db';
import { MitanError } from '../errors';
import { isCalendarDate } from '../time';
import { BROADCAST_ROLLUP_SQL } from './broadcast-rollup';
import { COMPLAINTS_ROLLUP_SQL } from './complaints-rollup';
import { bindNamed } from './named';
import { ROLLUP_KINDS, scopeCte, type DayKey, type RollupKind, type Scope } from './scope';
import { SOCIAL_ROLLUP_SQL } from './social-rollup';
import { WHATSAPP_ROLLUP_SQL } from './whatsapp-rollup';

/**
 * Keeps the daily rollups equal to the rows they summarise.
 * - incremental (the default, run by the Reach node / a schedule): claims the days the triggers
 *   of migrations 050 and 065 marked in rollup_dirty_days and recomputes only those;
 * - full: recomputes every day (after a restore, a change of definition, the demo load).
 * Both are idempotent: unchanged rows are not rewritten. The claim (DELETE ... RETURNING) and the
 * recompute share one transaction, so a failed refresh leaves its days dirty, and two refreshes
 * running at once never both recompute a day (the second waits, then finds nothing to claim).
 */
export interface RefreshOptions {
	mode?: 'incremental' | 'full';
	kinds?: RollupKind[];
	/** Only this district (default: all). */
	districtId?: number;
}

export interface KindResult {
	kind: RollupKind;
	/** Days recomputed (incremental), or null for a full refresh. */
	days: DayKey[] | null;
	rows: number;
	changed: number;
	removed: number;
	millis: number;
}

export interface RefreshResult {
	mode: 'incremental' | 'full';
	kinds: KindResult[];
	millis: number;
}

/** Each kind's statements; one dirty day of the kind recomputes all its tables (spend rides with WhatsApp's events). */
const SQL: Record<RollupKind, ((scopeCte: string, fewDays: boolean) => string)[]> = {
	whatsapp: [WHATSAPP_ROLLUP_SQL, BROADCAST_ROLLUP_SQL],
	social: [SOCIAL_ROLLUP_SQL],
	complaints: [COMPLAINTS_ROLLUP_SQL],
};

function checkKinds(kinds: unknown): RollupKind[] {
	if (kinds === undefined) return [...ROLLUP_KINDS];
	if (!Array.isArray(kinds) || kinds.length === 0 || kinds.some((k) => !(ROLLUP_KINDS as readonly unknown[]).includes(k))) {
		throw new MitanError(
			'ROLLUP_KIND_UNKNOWN',
			`kinds must be a non-empty list of ${ROLLUP_KINDS.join(', ')}; got ${JSON.stringify(kinds)}`,
			{ field: 'kinds' },
		);
	}
	return kinds as RollupKind[];
}

async function recompute(tx: Queryable, kind: RollupKind, scope: Scope) {
	const { cte, params } = scopeCte(scope);
	const total = { rows: 0, changed: 0, removed: 0 };
	for (const sql of SQL[kind]) {
		const [r] = await tx.query<{ rows: number; changed: number; removed: number }>(
			...bindNamed(sql(cte, scope.mode === 'days'), { ...params, classes: JSON.stringify(WHATSAPP_ERROR_ACTIONS) }),
		);
		total.rows += r.rows;
		total.changed += r.changed;
		total.removed += r.removed;
	}
	return total;
}

export async function refreshRollups(db: Db, opts: RefreshOptions = {}): Promise<RefreshResult> {
	const started = Date.now();
	const mode = opts.mode ?? 'incremental';
	if (mode !== 'incremental' && mode !== 'full')
		throw new MitanError('ROLLUP_MODE_UNKNOWN', `mode must be "incremental" or "full", got "${String(mode)}"`, {
			field: 'mode',
		});
	const kinds = checkKinds(opts.kinds);
	const district = opts.districtId ?? null;
	const out: KindResult[] = [];
	for (const kind of kinds) {
		const t0 = Date.now();
		const res = await db.transaction(async (tx) => {
			// Whole-history aggregations hash millions of rows: give this transaction room (PostgreSQL only).
			if (db.engine === 'postgres' && mode === 'full') await tx.query(`SET LOCAL work_mem = '256MB'`);
			const claimed = await tx.query<{ day: string; district_id: number }>(
				`DELETE FROM rollup_dirty_days WHERE kind = $1 AND ($2::int IS NULL OR district_id = $2::int) RETURNING day, district_id`,
				[kind, district],
			);
			if (mode === 'full') return { days: null, ...(await recompute(tx, kind, { mode: 'all', districtId: district ?? undefined })) };
			const days = claimed
				.map((c) => ({ day: c.day, districtId: c.district_id }))
				.sort((a, b) => a.day.localeCompare(b.day) || a.districtId - b.districtId);
			if (days.length === 0) return { days, rows: 0, changed: 0, removed: 0 };
			return { days, ...(await recompute(tx, kind, { mode: 'days', days })) };
		});
		out.push({ kind, ...res, millis: Date.now() - t0 });
	}
	return { mode, kinds: out, millis: Date.now() - started };
}

/** Recomputes the given days now (whether marked dirty or not); e.g. "refresh yesterday". */
export async function refreshDays(db: Db, days: DayKey[], opts: Omit<RefreshOptions, 'mode'> = {}): Promise<RefreshResult> {
	const started = Date.now();
	const kinds = checkKinds(opts.kinds);
	for (const d of days) {
		if (!isCalendarDate(d.day)) {
			throw new MitanError('ROLLUP_DAY_INVALID', `day must be YYYY-MM-DD, got "${d.day}"`, { field: 'day' });
		}
	}
	const out: KindResult[] = [];
	for (const kind of kinds) {
		const t0 = Date.now();
		const r = await db.transaction(async (tx) => {
			await tx.query(
				`DELETE FROM rollup_dirty_days d USING jsonb_to_recordset($2::jsonb) AS x(day date, district_id int)
         WHERE d.kind = $1 AND d.day = x.day AND d.district_id = x.district_id`,
				[kind, JSON.stringify(days.map((d) => ({ day: d.day, district_id: d.districtId })))],
			);
			return recompute(tx, kind, { mode: 'days', days });
		});
		out.push({ kind, days, ...r, millis: Date.now() - t0 });
	}
	return { mode: 'incremental', kinds: out, millis: Date.now() - started };
}
