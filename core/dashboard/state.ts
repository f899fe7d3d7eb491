import type { Queryable } from '../db';
import type { DateRange } from './types';

/**
 * The state view: every district side by side over one range of days (each district's days are
 * its own calendar's, as in its rollups). Reads rollups only, one query per source for all
 * districts at once, so 33 districts cost what one does.
 */
export interface StateRow {
	districtId: number;
	code: string;
	name: string;
	nameHi: string;
	rosterActive: number;
	/** WhatsApp messages delivered in the range: the district's reach. */
	delivered: number;
	read: number;
	/** read ÷ delivered in percent, one decimal; null when nothing was delivered. */
	readRatePct: number | null;
	complaints: number;
	moneyLoss: number;
	spendInr: number;
}

export async function stateView(db: Queryable, range: DateRange): Promise<StateRow[]> {
	const rows = await db.query<{
		id: number;
		code: string;
		name: string;
		name_hi: string;
		roster_active: number;
		delivered: number;
		read: number;
		complaints: number;
		money_loss: number;
		spend_inr: string;
	}>(
		`SELECT d.id, d.code, d.name, d.name_hi,
            COALESCE(r.active, 0)::int AS roster_active,
            COALESCE(w.delivered, 0)::int AS delivered, COALESCE(w.read, 0)::int AS read,
            COALESCE(w.spend_inr, 0)::text AS spend_inr,
            COALESCE(c.opened, 0)::int AS complaints, COALESCE(c.money_loss, 0)::int AS money_loss
       FROM districts d
       LEFT JOIN (SELECT district_id, sum(subscribers) AS active FROM rollup_roster_snapshot WHERE status = 'active' GROUP BY 1) r
              ON r.district_id = d.id
       LEFT JOIN (SELECT district_id, sum(delivered) AS delivered, sum(read) AS read, sum(spend_inr) AS spend_inr
                    FROM rollup_whatsapp_daily WHERE day BETWEEN $1 AND $2 GROUP BY 1) w ON w.district_id = d.id
       LEFT JOIN (SELECT district_id, sum(opened) AS opened, sum(money_loss) AS money_loss
                    FROM rollup_complaints_daily WHERE day BETWEEN $1 AND $2 GROUP BY 1) c ON c.district_id = d.id
      ORDER BY d.name`,
		[range.from, range.to],
	);
	return rows.map((r) => ({
		districtId: r.id,
		code: r.code,
		name: r.name,
		nameHi: r.name_hi,
		rosterActive: r.roster_active,
		delivered: r.delivered,
		read: r.read,
		readRatePct: r.delivered > 0 ? Math.round((1000 * r.read) / r.delivered) / 10 : null,
		complaints: r.complaints,
		moneyLoss: r.money_loss,
		spendInr: Number(r.spend_inr),
	}));
}
