/**
 * The sandbox as strict as Meta for the conversation: interactive messages within Meta's limits,
 * citizens' media behind GET /{media-id} (token required, hex sha256 of the real bytes) and a
 * download URL that needs the bearer token and stops working after five minutes.
 */
import { createHash } from 'crypto';
import { GRAPH_API_VERSION } from '../../core/channels/api';
import { createWhatsAppClient } from '../../core/channels/whatsapp/client';
import { downloadMedia } from '../../core/channels/whatsapp/media';
import { call, PHONE_ID, startSandbox, WA_TOKEN, type Started } from './helpers';

const V = GRAPH_API_VERSION;
const CITIZEN = '919876543301';

describe('sandbox: interactive messages and citizens media', () => {
	let sb: Started;
	beforeAll(async () => {
		sb = await startSandbox();
		// The citizen wrote first: the 24-hour window is open.
		await call(sb.url, 'POST', '/_sandbox/inject/inbound', { body: { from: CITIZEN, text: 'नमस्ते' } });
	});
	afterAll(async () => {
		await sb.running.close();
	});

	const send = (interactive: unknown) =>
		call(sb.url, 'POST', `/${V}/${PHONE_ID}/messages`, {
			token: WA_TOKEN,
			body: { messaging_product: 'whatsapp', to: CITIZEN, type: 'interactive', interactive },
		});
	const buttons = (n: number, title = (i: number) => `B${i}`) => ({
		type: 'button',
		body: { text: 'choose' },
		action: { buttons: Array.from({ length: n }, (_, i) => ({ type: 'reply', reply: { id: `b${i}`, title: title(i) } })) },
	});

	test.each([
		['four buttons', buttons(4), /between 1 and 3/],
		['a button title of 21 characters', buttons(1, () => 'x'.repeat(21)), /title'\] must be at most 20/],
		['two buttons with one title', buttons(2, () => 'same'), /titles must be unique/],
		['no body', { type: 'button', action: buttons(1).action }, /body'\] is required/],
		[
			'eleven list rows',
			{
				type: 'list',
				body: { text: 'x' },
				action: { button: 'Open', sections: [{ rows: Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `R${i}` })) }] },
			},
			/exceed max allowed count: 10/,
		],
		[
			'a row title of 25 characters',
			{ type: 'list', body: { text: 'x' }, action: { button: 'Open', sections: [{ rows: [{ id: 'r', title: 'y'.repeat(25) }] }] } },
			/at most 24/,
		],
	])('%s is refused 400 / 100 naming the field', async (_what, interactive, detail) => {
		const r = await send(interactive);
		expect(r.status).toBe(400);
		expect(r.body.error.code).toBe(100);
		expect(r.body.error.error_data.details).toMatch(detail);
	});

	test('three buttons and a ten-row list are accepted, and the record shows the ids', async () => {
		const ok = await send(buttons(3));
		expect(ok.status).toBe(200);
		const m = await call(sb.url, 'GET', `/_sandbox/whatsapp/messages/${ok.body.messages[0].id}`);
		expect(m.body.text).toMatch(/b0=B0 \| b1=B1 \| b2=B2/);
		// Past the 6-second pair limit to this citizen.
		await call(sb.url, 'POST', '/_sandbox/clock', { body: { advanceMs: 7_000 } });
		const list = await send({
			type: 'list',
			body: { text: 'x' },
			action: { button: 'Open', sections: [{ rows: Array.from({ length: 10 }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` })) }] },
		});
		expect(list.status).toBe(200);
	});

	test("a voice note's media: GET /{media-id} needs the token; the URL needs it too and expires after five minutes; hashes match the bytes", async () => {
		const bytes = Buffer.from('OggS-voice-note-bytes-for-the-test');
		const inj = await call(sb.url, 'POST', '/_sandbox/inject/inbound', {
			body: { from: CITIZEN, type: 'audio', dataBase64: bytes.toString('base64') },
		});
		const audio = inj.body.payload.entry[0].changes[0].value.messages[0].audio;
		const hex = createHash('sha256').update(bytes).digest('hex');
		// The webhook carries the hash in base64, as Meta's does.
		expect(Buffer.from(audio.sha256, 'base64').toString('hex')).toBe(hex);

		expect((await call(sb.url, 'GET', `/${V}/${audio.id}`)).status).toBe(400); // no token: 104
		const info = await call(sb.url, 'GET', `/${V}/${audio.id}`, { token: WA_TOKEN });
		expect(info.status).toBe(200);
		expect(info.body).toMatchObject({
			messaging_product: 'whatsapp',
			mime_type: 'audio/ogg; codecs=opus',
			sha256: hex,
			file_size: bytes.length,
			id: audio.id,
		});

		const noToken = await fetch(info.body.url);
		expect(noToken.status).toBe(401);
		const wrong = await fetch(info.body.url, { headers: { authorization: 'Bearer not-a-token' } });
		expect(wrong.status).toBe(401);
		const got = await fetch(info.body.url, { headers: { authorization: `Bearer ${WA_TOKEN}` } });
		expect(got.status).toBe(200);
		expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);

		// Through the client: the same bytes, hash checked.
		const client = createWhatsAppClient({ accessToken: WA_TOKEN, phoneNumberId: PHONE_ID, baseUrl: sb.url });
		const mi = await client.getMedia(audio.id);
		expect((await client.downloadMedia(mi)).equals(bytes)).toBe(true);
		await expect(client.downloadMedia({ ...mi, sha256: '0'.repeat(64) })).rejects.toMatchObject({ code: 'MEDIA_HASH_MISMATCH' });
		client.close();

		await call(sb.url, 'POST', '/_sandbox/clock', { body: { advanceMs: 5 * 60 * 1000 + 1000 } });
		const late = await fetch(info.body.url, { headers: { authorization: `Bearer ${WA_TOKEN}` } });
		expect(late.status).toBe(404);
		// A fresh GET gives a fresh URL.
		const again = await call(sb.url, 'GET', `/${V}/${audio.id}`, { token: WA_TOKEN });
		expect((await fetch(again.body.url, { headers: { authorization: `Bearer ${WA_TOKEN}` } })).status).toBe(200);
	});

	test('the token is never sent to a media URL on a host that is not Meta nor the configured base', async () => {
		await expect(
			downloadMedia(new URL(sb.url), WA_TOKEN, { id: '1', url: 'http://127.0.0.2:9/x', mimeType: null, sha256: null, fileSize: null }),
		).rejects.toMatchObject({ code: 'MEDIA_FETCH_FAILED', message: expect.stringMatching(/not Meta's; the token is not sent there/) });
		await expect(
			downloadMedia(new URL('https://graph.facebook.com'), WA_TOKEN, {
				id: '1',
				url: 'http://lookaside.fbsbx.com/x',
				mimeType: null,
				sha256: null,
				fileSize: null,
			}),
		).rejects.toMatchObject({ code: 'MEDIA_FETCH_FAILED' });
	});
});
