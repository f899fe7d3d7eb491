import type { Queryable } from '../db';
import { addDays } from '../time';
import { rosterTotals } from './roster';
import type { Chart, PageData, Scope } from './types';

/** Today at a glance: today's broadcast funnel so far, failures by reason, roster size, opt-outs, complaints. */
/** `today`: the scope's day (scopeClock). */
export async function overviewPage(db: Queryable, scope: Scope, today: string): Promise<PageData> {
	const from = addDays(today, -13);
	const [[funnel], failed, [complaints], trend, roster] = await Promise.all([
		db.query<{
			targeted: number;
			sent: number;
			delivered: number;
			read: number;
			failed: number;
			opt_outs: number;
			new_subscribers: number;
		}>(
			// Today's broadcast so far: targeted counts its deliveries (the rollup's broadcast day), the
			// funnel its messages' events whatever day they fall on; events of yesterday's broadcast
			// arriving today are not today's broadcast.
			`SELECT (SELECT COALESCE(sum(targeted), 0) FROM rollup_whatsapp_daily WHERE day = $1 AND ($2::int IS NULL OR district_id = $2))::int AS targeted,
              COALESCE(sum(r.sent), 0)::int AS sent, COALESCE(sum(r.delivered), 0)::int AS delivered,
              COALESCE(sum(r.read), 0)::int AS read, COALESCE(sum(r.failed), 0)::int AS failed,
              (SELECT COALESCE(sum(opt_outs), 0) FROM rollup_whatsapp_daily WHERE day = $1 AND ($2::int IS NULL OR district_id = $2))::int AS opt_outs,
              (SELECT COALESCE(sum(new_subscribers), 0) FROM rollup_whatsapp_daily WHERE day = $1 AND ($2::int IS NULL OR district_id = $2))::int AS new_subscribers
         FROM broadcasts b JOIN rollup_broadcast_daily r ON r.broadcast_id = b.id
        WHERE b.broadcast_date = $1 AND b.channel = 'whatsapp' AND ($2::int IS NULL OR b.district_id = $2)`,
			[today, scope.districtId],
		),
		db.query<{ reason: string; n: number }>(
			`SELECT e.key AS reason, sum((e.value)::int)::int AS n
         FROM rollup_whatsapp_daily r, jsonb_each_text(r.failed_by_class) AS e
        WHERE r.day = $1 AND ($2::int IS NULL OR r.district_id = $2)
        GROUP BY e.key ORDER BY 2 DESC, 1`,
			[today, scope.districtId],
		),
		db.query<{ opened: number; money_loss: number }>(
			`SELECT COALESCE(sum(opened), 0)::int AS opened, COALESCE(sum(money_loss), 0)::int AS money_loss
         FROM rollup_complaints_daily WHERE day = $1 AND ($2::int IS NULL OR district_id = $2)`,
			[today, scope.districtId],
		),
		db.query<{ day: string; delivered: number; read: number; complaints: number }>(
			`SELECT d.day, COALESCE(w.delivered, 0)::int AS delivered, COALESCE(w.read, 0)::int AS read, COALESCE(c.opened, 0)::int AS complaints
         FROM (SELECT generate_series($1::date, $2::date, interval '1 day')::date AS day) d
         LEFT JOIN (SELECT day, sum(delivered) AS delivered, sum(read) AS read FROM rollup_whatsapp_daily
                     WHERE day BETWEEN $1 AND $2 AND ($3::int IS NULL OR district_id = $3) GROUP BY day) w ON w.day = d.day
         LEFT JOIN (SELECT day, sum(opened) AS opened FROM rollup_complaints_daily
                     WHERE day BETWEEN $1 AND $2 AND ($3::int IS NULL OR district_id = $3) GROUP BY day) c ON c.day = d.day
        ORDER BY d.day`,
			[from, today, scope.districtId],
		),
		rosterTotals(db, scope),
	]);
	const charts: Chart[] = [
		{
			id: 'funnel_today',
			kind: 'bar',
			labelKind: 'key',
			horizontal: true,
			labels: ['targeted', 'sent', 'delivered', 'read', 'failed'],
			series: [{ key: 'messages', data: [funnel.targeted, funnel.sent, funnel.delivered, funnel.read, funnel.failed] }],
		},
		{
			id: 'failed_by_reason',
			kind: 'bar',
			labelKind: 'key',
			horizontal: true,
			labels: failed.map((f) => f.reason),
			series: [{ key: 'failed', data: failed.map((f) => f.n) }],
		},
		{
			id: 'last_14_days',
			kind: 'line',
			labelKind: 'day',
			labels: trend.map((t) => t.day),
			series: [
				{ key: 'delivered', data: trend.map((t) => t.delivered) },
				{ key: 'read', data: trend.map((t) => t.read) },
			],
		},
	];
	return {
		range: { from: today, to: today, days: 1 },
		scope,
		cards: {
			targeted: funnel.targeted,
			sent: funnel.sent,
			delivered: funnel.delivered,
			read: funnel.read,
			failed: funnel.failed,
			roster_active: roster.active,
			opt_outs_today: funnel.opt_outs,
			new_subscribers_today: funnel.new_subscribers,
			complaints_today: complaints.opened,
			money_loss_today: complaints.money_loss,
		},
		charts,
	};
}
