/**
 * The sender's pure parts: tuning from the rate, one group's slot clock, the wake-up and the
 * halt latch, what a heartbeat answer means, and how long an idle worker waits.
 */
import { idleWaitMs } from '../../../core/broadcast/sender/claims';
import { haltFor } from '../../../core/broadcast/sender/heartbeat';
import { templatesByLanguage } from '../../../core/broadcast/sender/requests';
import { GroupSlots, MAX_LATE_MS } from '../../../core/broadcast/sender/schedule';
import { senderSettings } from '../../../core/broadcast/sender/settings';
import { HaltLatch, Wakeup } from '../../../core/broadcast/sender/signals';

const broadcast = (rateLimitPerSecond: number, pacingFactor = 0.985) => ({ rateLimitPerSecond, pacingFactor, maxAttempts: 3 });

describe('senderSettings', () => {
	test('at 1,000/s: 40 ms groups, 2 s claims, 1/8 s of requests in the air', () => {
		expect(senderSettings(broadcast(1000))).toMatchObject({
			rate: 985,
			groupSize: 39,
			claimBatch: 1970,
			maxInFlight: 124,
			heartbeatMs: 1000,
			deadAfterMs: 15_000,
			flushMs: 100,
			progressEveryMs: 5000,
		});
	});

	test('at 80/s a group is at least 8 rows (each group costs two round trips); limits are clamped', () => {
		const s = senderSettings(broadcast(80));
		expect(s).toMatchObject({ groupSize: 8, claimBatch: 158, maxInFlight: 10 });
		expect(senderSettings(broadcast(1, 1))).toMatchObject({ groupSize: 1, claimBatch: 2, maxInFlight: 8 });
		expect(senderSettings(broadcast(100_000, 1))).toMatchObject({ claimBatch: 2000, maxInFlight: 128 });
	});

	test('options win; the retry policy takes the broadcast attempts', () => {
		const s = senderSettings(broadcast(1000, 1), { groupMs: 10, claimBatch: 50, maxInFlight: 4, flushMs: 5, retry: { baseDelayMs: 7 } });
		expect(s).toMatchObject({ groupSize: 10, claimBatch: 50, maxInFlight: 4, flushMs: 5 });
		expect(s.policy).toMatchObject({ maxAttempts: 3, baseDelayMs: 7, maxDelayMs: 60_000 });
	});
});

describe('GroupSlots', () => {
	test('one slot per interval from the first', () => {
		const g = new GroupSlots(100, 10);
		expect(g.nextWaitMs(100)).toBe(0);
		expect(g.nextWaitMs(100)).toBe(10);
		expect(g.nextWaitMs(105)).toBe(15);
	});

	test('a little late fires at once; far behind says so instead of bursting or moving the schedule', () => {
		const g = new GroupSlots(100, 10);
		expect(g.nextWaitMs(100 + MAX_LATE_MS)).toBe(-MAX_LATE_MS); // slot 0, late but within bounds: fire now
		// Slot 1 was due at 110: at 300 it is 190 ms gone. Neither fired late nor moved to 300 (other
		// senders hold the slots from 110 on): the caller must reserve fresh ones.
		expect(g.nextWaitMs(300)).toBeNull();
		expect(g.nextWaitMs(300)).toBeNull(); // still the same slot: nothing was consumed
		expect(g.nextWaitMs(110)).toBe(0);
	});
});

/** p's value, or 'still waiting' when it has not settled within ms. */
async function within<T>(p: Promise<T>, ms: number): Promise<T | 'still waiting'> {
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<'still waiting'>((r) => (timer = setTimeout(() => r('still waiting'), ms)));
	try {
		return await Promise.race([p, late]);
	} finally {
		clearTimeout(timer);
	}
}

describe('Wakeup and HaltLatch', () => {
	test('notify ends every wait early; without it a wait times out', async () => {
		const w = new Wakeup();
		const a = w.wait(60_000).then(() => 'woken');
		const b = w.wait(60_000).then(() => 'woken');
		w.notify();
		await expect(within(Promise.all([a, b]), 5000)).resolves.toEqual(['woken', 'woken']);
		await expect(
			within(
				w.wait(5).then(() => 'timed out'),
				5000,
			),
		).resolves.toBe('timed out');
	});

	test('the first halt wins; every set notifies', () => {
		let notified = 0;
		const h = new HaltLatch(() => notified++);
		expect(h.reason).toBeNull();
		h.set({ kind: 'stopped', stop: { code: 'whatsapp_190', action: 'reauthenticate', reason: 'token expired' } });
		h.set({ kind: 'aborted' });
		expect(h.reason).toEqual({ kind: 'stopped', stop: { code: 'whatsapp_190', action: 'reauthenticate', reason: 'token expired' } });
		expect(notified).toBe(2);
	});
});

test('haltFor: running keeps sending; pause, cancel and a death verdict halt', () => {
	expect(haltFor({ status: 'running', declaredDead: false })).toBeNull();
	expect(haltFor({ status: 'paused', declaredDead: false })).toEqual({ kind: 'paused' });
	expect(haltFor({ status: 'created', declaredDead: false })).toEqual({ kind: 'paused' });
	expect(haltFor({ status: 'cancelled', declaredDead: false })).toEqual({ kind: 'cancelled' });
	expect(haltFor({ status: 'stopped', declaredDead: false })).toEqual({ kind: 'stopped' });
	expect(haltFor({ status: 'running', declaredDead: true })).toEqual({ kind: 'superseded' });
});

test('idleWaitMs: until the next retry is due (bounded by the heartbeat), else half a heartbeat', () => {
	expect(idleWaitMs({ pending: 3, inFlight: 0, claimable: 3, nextDueInMs: 200 }, 1000)).toBe(205);
	expect(idleWaitMs({ pending: 3, inFlight: 0, claimable: 3, nextDueInMs: 0 }, 1000)).toBe(5);
	expect(idleWaitMs({ pending: 3, inFlight: 0, claimable: 3, nextDueInMs: 60_000 }, 1000)).toBe(1000);
	expect(idleWaitMs({ pending: 3, inFlight: 0, claimable: 0, nextDueInMs: null }, 1000)).toBe(500);
});

test('templatesByLanguage: the language defaults to the subscriber language, parameters to none; a broadcast is a marketing template', () => {
	const m = templatesByLanguage({ hi: { name: 'daily_awareness', params: ['x'] }, en: { name: 'daily_awareness', language: 'en_US' } });
	expect(m.get('hi')).toEqual({ name: 'daily_awareness', language: 'hi', bodyParams: ['x'], marketing: true });
	expect(m.get('en')).toEqual({ name: 'daily_awareness', language: 'en_US', bodyParams: [], marketing: true });
});
