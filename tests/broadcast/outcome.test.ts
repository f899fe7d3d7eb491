/**
 * What each answer does to a delivery row, by action class: every class of the error map, the
 * capped exponential backoff with jitter, in-doubt on a lost answer, and the campaign stops.
 */
import { WhatsAppApiError } from '../../core/channels/whatsapp/errors';
import { MitanError } from '../../core/errors';
import { backoffMs, outcomeOf, type RetryPolicy } from '../../core/broadcast/outcome';
import { GRAPH_API_VERSION } from '../../core/channels/api';

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8000, random: () => 0.5 };
const NOW = Date.parse('2026-05-01T04:30:00Z');
const meta = (code: number, status = 400) => ({
	error: new WhatsAppApiError({ httpStatus: status, metaCode: code }, `POST /${GRAPH_API_VERSION}/1/messages`),
});

describe('outcomeOf', () => {
	test('accepted → sent with the wamid', () => {
		expect(outcomeOf(1, 1, { wamid: 'wamid.X' }, policy, NOW).row).toEqual({
			id: 1,
			state: 'sent',
			wamid: 'wamid.X',
			at: new Date(NOW).toISOString(),
		});
	});

	test.each([130429, 131000, 4, 80007])('%i → retry soon with backoff, failed after the last attempt', (code) => {
		const o = outcomeOf(1, 2, meta(code), policy, NOW);
		expect(o.row).toMatchObject({
			state: 'pending',
			error_code: code,
			error_class: 'retry_soon',
			next_attempt_at: new Date(NOW + 750).toISOString(),
		});
		expect(o.stop).toBeUndefined();
		expect(outcomeOf(1, 4, meta(code), policy, NOW).row).toMatchObject({ state: 'failed', error_class: 'retry_soon' });
	});

	test('131056 → only this citizen waits ≥ 6 s', () => {
		const o = outcomeOf(1, 1, meta(131056), policy, NOW);
		expect(o.row.state).toBe('pending');
		expect(Date.parse(o.row.next_attempt_at!) - NOW).toBeGreaterThanOrEqual(6000);
		expect(o.stop).toBeUndefined();
	});

	test('131049 → failed, retry another day', () => {
		expect(outcomeOf(1, 1, meta(131049), policy, NOW).row).toMatchObject({ state: 'failed', error_class: 'retry_tomorrow' });
	});

	test('131026 → dropped and the number marked invalid; 131050 → dropped and opted out', () => {
		expect(outcomeOf(1, 1, meta(131026), policy, NOW)).toMatchObject({
			row: { state: 'failed', error_class: 'drop_recipient' },
			drop: { effect: 'mark_invalid', code: 131026 },
		});
		expect(outcomeOf(1, 1, meta(131050), policy, NOW)).toMatchObject({
			row: { state: 'failed', error_class: 'drop_recipient' },
			drop: { effect: 'opt_out', code: 131050 },
		});
	});

	test.each([
		[190, 'reauthenticate'],
		[368, 'stop_campaign'],
		[132000, 'fix_content'],
		[132001, 'fix_content'],
		[100, 'fix_content'],
	])('%i → the campaign stops (%s); the citizen goes back to pending, the attempt given back', (code, action) => {
		const o = outcomeOf(1, 1, meta(code), policy, NOW);
		expect(o.row).toMatchObject({ state: 'pending', attempts_delta: -1, error_class: action });
		expect(o.stop).toMatchObject({ action, code: `WHATSAPP_${code}` });
	});

	test('131048 (tier / restricted number) stops the campaign, and that citizen is not tried again today', () => {
		const o = outcomeOf(1, 1, meta(131048), policy, NOW);
		expect(o.row).toMatchObject({ state: 'failed', error_code: 131048, error_class: 'stop_campaign' });
		expect(o.row.attempts_delta).toBeUndefined();
		expect(o.stop).toMatchObject({ action: 'stop_campaign', code: 'WHATSAPP_131048' });
	});

	test('an answer lost after the request was written → in doubt; never written → retry', () => {
		const lost = new WhatsAppApiError({ metaMessage: 'ECONNRESET', mayHaveBeenSent: true }, 'POST x');
		expect(outcomeOf(1, 1, { error: lost }, policy, NOW).row).toMatchObject({ state: 'in_doubt' });
		const refused = new WhatsAppApiError({ metaMessage: 'ECONNREFUSED', mayHaveBeenSent: false }, 'POST x');
		expect(outcomeOf(1, 1, { error: refused }, policy, NOW).row).toMatchObject({ state: 'pending', error_class: 'retry_soon' });
		expect(outcomeOf(1, 1, { error: new TypeError('boom') }, policy, NOW).row).toMatchObject({ state: 'in_doubt' });
	});

	test('refused before sending (bad number) → failed with its class', () => {
		const e = new MitanError('WHATSAPP_RECIPIENT_INVALID', 'bad');
		expect(outcomeOf(1, 1, { error: e }, policy, NOW).row).toMatchObject({ state: 'failed', error_class: 'fix_input' });
	});
});

test('backoff doubles per attempt, is capped, and has jitter', () => {
	const lo = { baseDelayMs: 500, maxDelayMs: 8000, random: () => 0 };
	const hi = { ...lo, random: () => 0.999 };
	expect([1, 2, 3, 4, 5, 6].map((a) => backoffMs(a, lo))).toEqual([250, 500, 1000, 2000, 4000, 4000]);
	expect([1, 2, 3, 6].map((a) => backoffMs(a, hi))).toEqual([500, 1000, 1999, 7996]);
});
