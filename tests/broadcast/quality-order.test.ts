/**
 * phone_number_quality_update is delivered at least once and in no fixed order (the sandbox repeats
 * and reorders webhooks as Meta does): a repeat or a late, older event must not undo a newer one.
 */
import { applyQualityUpdate, findNumber, saveNumberLimits } from '../../core/broadcast/tier-repository';
import { describeEachEngine } from '../helpers/db';

const ID = '100000000000001';
const DISPLAY = '15550001111';

describeEachEngine('quality updates in Meta order', (ctx) => {
	test('a repeat is applied once; an older event arriving late changes nothing', async () => {
		await saveNumberLimits(ctx.db, {
			phoneNumberId: ID,
			districtId: 1,
			limits: { tier: 'TIER_250', throughputLevel: 'STANDARD', throughputPerSecond: 80, displayPhoneNumber: DISPLAY } as never,
		});
		const t0 = '2026-12-02T01:00:00.000Z';
		expect(await applyQualityUpdate(ctx.db, DISPLAY, { tier: 'TIER_10K' } as never, 'UPGRADE', t0)).toBe(1);
		expect(
			await applyQualityUpdate(ctx.db, DISPLAY, { throughputLevel: 'HIGH', throughputPerSecond: 1000 } as never, 'THROUGHPUT_UPGRADE', t0),
		).toBe(1);
		// The first event again (same second): a repeat, not a new state.
		expect(await applyQualityUpdate(ctx.db, DISPLAY, { tier: 'TIER_10K' } as never, 'UPGRADE', t0)).toBe(0);
		// An older downgrade delivered late.
		expect(await applyQualityUpdate(ctx.db, DISPLAY, { tier: 'TIER_2K' } as never, 'DOWNGRADE', '2026-12-02T00:59:00.000Z')).toBe(0);
		expect(await findNumber(ctx.db, ID)).toMatchObject({
			tier: 'TIER_10K',
			throughputLevel: 'HIGH',
			throughputPerSecond: 1000,
			lastEvent: 'THROUGHPUT_UPGRADE',
		});
		// A newer event is applied.
		expect(await applyQualityUpdate(ctx.db, DISPLAY, { tier: 'TIER_100K' } as never, 'UPGRADE', '2026-12-02T01:05:00.000Z')).toBe(1);
		expect(await findNumber(ctx.db, ID)).toMatchObject({ tier: 'TIER_100K', lastEvent: 'UPGRADE' });
	});
});
