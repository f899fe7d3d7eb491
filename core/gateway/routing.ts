import type { Queryable } from '../db';
import { defaultDistrictId } from '../districts';

/**
 * Which district a webhook belongs to, from metadata.phone_number_id (one Meta app can serve
 * several numbers, one per district: districts.wa_phone_number_id).
 *
 * Unknown number: when it is the number this installation is configured with
 * (resolveConfig().whatsapp.phoneNumberId), it belongs to the installation's default district
 * (MITAN_DISTRICT, core/districts.ts), and it is written into districts.wa_phone_number_id once (if
 * that district has none yet) so the mapping is visible and
 * survives a config change. Any other unknown number is ignored: answered 200 (Meta would retry
 * a refusal for seven days), counted, nothing stored.
 *
 * Lookups are cached: the gateway sees thousands of calls a second from a handful of numbers.
 * A miss re-reads the table at most once per `missRefreshMs`, so a district added while running
 * is picked up without a query per unknown call.
 */
export class DistrictRouter {
	private cache = new Map<string, number>();
	private loadedAt = 0;
	private loading?: Promise<void>;

	constructor(
		private readonly db: Queryable,
		private readonly configuredPhoneNumberId: string | undefined,
		private readonly missRefreshMs = 5_000,
	) {}

	/** District id, or null when the number is not ours. */
	async resolve(phoneNumberId: string): Promise<number | null> {
		const hit = this.cache.get(phoneNumberId);
		if (hit !== undefined) return hit;
		if (Date.now() - this.loadedAt > this.missRefreshMs) {
			await this.reload();
			const again = this.cache.get(phoneNumberId);
			if (again !== undefined) return again;
		}
		if (this.configuredPhoneNumberId && phoneNumberId === this.configuredPhoneNumberId) {
			const id = await defaultDistrictId(this.db);
			await this.db.query(
				`UPDATE districts SET wa_phone_number_id = $1
         WHERE id = $2 AND wa_phone_number_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM districts WHERE wa_phone_number_id = $1)`,
				[phoneNumberId, id],
			);
			this.cache.set(phoneNumberId, id);
			return id;
		}
		return null;
	}

	private reload(): Promise<void> {
		this.loading ??= (async () => {
			try {
				const rows = await this.db.query<{ id: number; wa_phone_number_id: string }>(
					'SELECT id, wa_phone_number_id FROM districts WHERE wa_phone_number_id IS NOT NULL',
				);
				for (const r of rows) this.cache.set(r.wa_phone_number_id, r.id);
				this.loadedAt = Date.now();
			} finally {
				this.loading = undefined;
			}
		})();
		return this.loading;
	}
}
