/**
 * The sender's requests part against the sandbox over HTTP: answers become outcomes by class,
 * the count in the air is kept, and a language without a template never reaches the network.
 */
import { DEFAULT_RETRY, type Outcome } from '../../../core/broadcast/outcome';
import type { ClaimedRow } from '../../../core/broadcast/repository';
import { Requests, templatesByLanguage } from '../../../core/broadcast/sender/requests';
import type { Started } from '../../sandbox/helpers';
import { PHONE_ID, phoneOf, resetSandbox, startWaSandbox, TEMPLATES, waClient, waStats } from '../helpers';

let sb: Started;
beforeAll(async () => {
	sb = await startWaSandbox(1000);
});
afterAll(async () => {
	await sb.running.close();
});
beforeEach(async () => {
	await resetSandbox(sb.url, 1000);
});

const row = (id: number, language = 'hi'): ClaimedRow => ({
	id,
	subscriberId: id,
	language,
	phone: phoneOf(id),
	address: phoneOf(id),
	rank: id,
});

/** A Requests part whose answers are collected; `answers(n)` resolves once n have come. */
function requests(token?: string, maxInFlight = 2) {
	const client = waClient(sb.url, token);
	const got: { row: ClaimedRow; outcome: Outcome }[] = [];
	let waiting: { n: number; resolve: () => void } | null = null;
	const r = new Requests(client, templatesByLanguage(TEMPLATES), { ...DEFAULT_RETRY, maxAttempts: 3 }, maxInFlight, (row, outcome) => {
		got.push({ row, outcome });
		if (waiting && got.length >= waiting.n) waiting.resolve();
	});
	const answers = (n: number) =>
		got.length >= n ? Promise.resolve(got) : new Promise<typeof got>((resolve) => (waiting = { n, resolve: () => resolve(got) }));
	return { r, got, answers, close: () => client.close() };
}

test('each answer becomes a "sent" outcome with its wamid; the count in the air bounds what may leave', async () => {
	const { r, answers, close } = requests();
	expect(r.hasRoomFor(2)).toBe(true);
	expect(r.hasRoomFor(3)).toBe(false);
	r.launch(row(1), 1);
	r.launch(row(2, 'en'), 1);
	expect(r.inFlight).toBe(2);
	expect(r.hasRoomFor(1)).toBe(false);
	const got = await answers(2);
	close();
	expect(r.inFlight).toBe(0);
	expect(got.map((a) => a.outcome.row.state)).toEqual(['sent', 'sent']);
	expect(got.every((a) => /^wamid\./.test(a.outcome.row.wamid ?? ''))).toBe(true);
	expect((await waStats(sb.url)).throughput[PHONE_ID]).toMatchObject({ accepted: 2 });
});

test('a language without a template stops the campaign (fix_content) and sends nothing', async () => {
	const { r, answers, close } = requests();
	r.launch(row(3, 'ta'), 1);
	const [a] = await answers(1);
	close();
	expect(a.outcome.stop).toMatchObject({ code: 'BROADCAST_NO_TEMPLATE', action: 'fix_content' });
	expect(a.outcome.row).toMatchObject({ id: 3, state: 'pending', attempts_delta: -1 });
	expect((await waStats(sb.url)).throughput[PHONE_ID]?.accepted ?? 0).toBe(0);
});

test('a rejected token stops the campaign (reauthenticate); the attempt is given back', async () => {
	const { r, answers, close } = requests('not-the-token');
	r.launch(row(4), 2);
	const [a] = await answers(1);
	close();
	expect(a.outcome.stop).toMatchObject({ action: 'reauthenticate' });
	expect(a.outcome.row).toMatchObject({ id: 4, state: 'pending', error_code: 190, attempts_delta: -1 });
});
