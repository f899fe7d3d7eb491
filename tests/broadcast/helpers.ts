/**
 * Broadcast test plumbing: a seeded roster (SQL, so 5,000 citizens cost one statement), a
 * sandbox with a chosen throughput, the standard templates, and the sandbox's view of what
 * each citizen received.
 */
import type { Db } from '../../core/db';
import { createWhatsAppClient, type WhatsAppClient } from '../../core/channels/whatsapp/client';
import type { BroadcastTemplates } from '../../core/broadcast';
import { call, PHONE_ID, startSandbox, WA_TOKEN, type Started } from '../sandbox/helpers';
import type { MessagingTier } from '../../sandbox/config';

export { PHONE_ID, WA_TOKEN };

export const TEMPLATES: BroadcastTemplates = {
	hi: { name: 'daily_awareness', params: ['वीडियो कॉल पर कोई अफसर पैसे नहीं माँगता'] },
	en: { name: 'daily_awareness', params: ['No officer asks for money on a video call'] },
};

/** Phone of the i-th seeded citizen (1-based): +91 90000 00001… */
export const phoneOf = (i: number) => `+91${9_000_000_000 + i}`;

/** Seeds n active, consented citizens (odd: hi, even: en; police station by i mod 3). */
export async function seedRoster(db: Db, n: number, from = 1): Promise<void> {
	await db.query(
		`INSERT INTO subscribers (district_id, phone, language, police_station, status, consent_source, consent_at)
     SELECT 1, '+91' || (9000000000 + i)::text, CASE WHEN i % 2 = 1 THEN 'hi' ELSE 'en' END,
            (ARRAY['Kawardha', 'Bodla', 'Pandariya'])[1 + i % 3], 'active', 'camp', now()
     FROM generate_series($1::int, $2::int) AS i
     ON CONFLICT (district_id, phone) DO NOTHING`,
		[from, from + n - 1],
	);
}

/**
 * A sandbox number with the given throughput and messaging tier. The sandbox starts at Meta's
 * 250 a day; a test that sends to more citizens names the tier of the number it models (an
 * established district at TIER_100K is a real world, not a relaxation).
 */
export async function startWaSandbox(throughputPerSecond: number, messagingTier: MessagingTier = 'TIER_250'): Promise<Started> {
	const sb = await startSandbox({ buffers: { messages: 20_000 }, whatsapp: { messagingTier } });
	await setThroughput(sb.url, throughputPerSecond);
	return sb;
}

export async function setThroughput(url: string, throughputPerSecond: number): Promise<void> {
	const r = await call(url, 'PATCH', '/_sandbox/config', {
		body: {
			whatsapp: {
				phoneNumbers: [
					{
						id: PHONE_ID,
						displayPhoneNumber: '+91 70000 00001',
						verifiedName: 'Police Mitan Sandbox',
						qualityRating: 'GREEN',
						throughputPerSecond,
					},
				],
			},
		},
	});
	if (r.status !== 200) throw new Error(`sandbox config: ${JSON.stringify(r.body)}`);
}

export async function resetSandbox(url: string, throughputPerSecond: number): Promise<void> {
	await call(url, 'POST', '/_sandbox/reset');
	await setThroughput(url, throughputPerSecond);
}

export function waClient(url: string, token = WA_TOKEN): WhatsAppClient {
	return createWhatsAppClient({ accessToken: token, phoneNumberId: PHONE_ID, baseUrl: url }, { timeoutMs: 10_000 });
}

/** Accepted messages per recipient (E.164 digits → count), from the sandbox's message ring. */
export async function acceptedByRecipient(url: string): Promise<Map<string, number>> {
	const r = await call(url, 'GET', '/_sandbox/whatsapp/messages?limit=10000');
	const m = new Map<string, number>();
	for (const msg of r.body.data as { waId: string }[]) m.set(msg.waId, (m.get(msg.waId) ?? 0) + 1);
	return m;
}

export async function waStats(url: string): Promise<any> {
	return (await call(url, 'GET', '/_sandbox/whatsapp/stats')).body;
}

export async function deliveryCounts(db: Db, broadcastId: number): Promise<Record<string, number>> {
	const rows = await db.query<{ state: string; n: number }>(
		`SELECT state, count(*)::int AS n FROM deliveries WHERE broadcast_id = $1 GROUP BY 1`,
		[broadcastId],
	);
	return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}
