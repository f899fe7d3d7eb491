/**
 * The sandbox's Resumable Upload API (sandbox/wa-uploads.ts) and the rule it serves: a template's
 * IMAGE header takes only a handle this app's upload issued, for an image. A URL, a made-up handle
 * or a PDF's handle is refused with Meta's 131009 / 2494102, and nothing is created.
 */
import { GRAPH_API_VERSION } from '../../core/channels/api';
import { APP_ID, submitTemplate, uploadSample, WABA_ID } from '../helpers/templates';
import { call, startSandbox, WA_TOKEN, type Started } from './helpers';

const V = GRAPH_API_VERSION;
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0xff, 0xd9]);
let s: Started;

beforeAll(async () => {
	s = await startSandbox({ whatsapp: { templateReviewMs: 10 } }, { templates: [] });
});
afterAll(async () => {
	await s.running.close();
});

const withHeader = (name: string, handle: string) => ({
	name,
	language: 'en',
	category: 'MARKETING',
	components: [
		{ type: 'HEADER', format: 'IMAGE', example: { header_handle: [handle] } },
		{ type: 'BODY', text: 'Police never arrest anyone on a video call. Hang up and call 1930.' },
	],
});
const create = (payload: unknown) => call(s.url, 'POST', `/${V}/${WABA_ID}/message_templates`, { token: WA_TOKEN, body: payload });
const session = (q: Record<string, string>) =>
	call(s.url, 'POST', `/${V}/${APP_ID}/uploads?${new URLSearchParams(q)}`, { token: WA_TOKEN });
const sendBytes = (id: string, bytes: Buffer, offset: number) =>
	fetch(`${s.url}/${V}/${id}`, {
		method: 'POST',
		headers: { authorization: `OAuth ${WA_TOKEN}`, file_offset: String(offset), 'content-type': 'application/octet-stream' },
		body: new Uint8Array(bytes),
	}).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> }));

test('an image header given a URL or an invented handle is refused with 131009 / 2494102; nothing is created', async () => {
	for (const handle of ['https://mitan.example/media/poster.jpg', '4::aW1hZ2U=']) {
		const r = await create(withHeader('poster_url', handle));
		expect(r.status).toBe(400);
		expect(r.body.error).toMatchObject({ code: 131009, error_subcode: 2494102, error_user_title: 'Uploaded Media Handle Is Invalid' });
	}
	const list = await call(s.url, 'GET', `/${V}/${WABA_ID}/message_templates?name=poster_url`, { token: WA_TOKEN });
	expect(list.body.data).toEqual([]);
});

test('uploaded the Meta way (session, then the bytes): the handle is accepted and the template reviewed', async () => {
	const handle = await uploadSample(s.url, JPEG);
	expect(handle).toMatch(/^4::/);
	const t = await submitTemplate(s.url, withHeader('poster_ok', handle));
	expect(t.status).toBe('PENDING');
});

test('a resumed upload continues at its offset; a wrong offset is refused with the right one', async () => {
	const open = await session({ file_name: 'p.jpg', file_length: String(JPEG.length), file_type: 'image/jpeg' });
	expect(open.body.id).toMatch(/^upload:/);
	const first = await sendBytes(open.body.id, JPEG.subarray(0, 3), 0);
	expect(first.body).toEqual({ id: open.body.id, file_offset: 3 });
	const where = await call(s.url, 'GET', `/${V}/${open.body.id}`, { token: WA_TOKEN });
	expect(where.body.file_offset).toBe(3);
	const wrong = await sendBytes(open.body.id, JPEG.subarray(3), 0);
	expect(wrong.status).toBe(400);
	expect(wrong.body.error.code).toBe(100);
	expect(JSON.stringify(wrong.body.error)).toContain('file_offset must be 3');
	const rest = await sendBytes(open.body.id, JPEG.subarray(3), 3);
	expect(rest.body.h).toMatch(/^4::/);
});

test('refused at the upload: an unknown file type, a size over the limit, bytes that are not the declared type, another token', async () => {
	expect((await session({ file_length: '10', file_type: 'image/gif' })).body.error.code).toBe(100);
	expect((await session({ file_length: String(6 * 1024 * 1024), file_type: 'image/jpeg' })).body.error.code).toBe(100);
	const png = await session({ file_length: '4', file_type: 'image/png' });
	const notPng = await sendBytes(png.body.id, Buffer.from('abcd'), 0);
	expect(notPng.status).toBe(400);
	const stranger = await call(s.url, 'POST', `/${V}/${APP_ID}/uploads?file_length=4&file_type=image/png`, { token: 'not-a-token' });
	expect(stranger.body.error.code).toBe(190);
});

test('a PDF handle does not make an image header', async () => {
	const pdf = Buffer.from('%PDF-1.4 sample');
	const open = await session({ file_length: String(pdf.length), file_type: 'application/pdf' });
	const done = await sendBytes(open.body.id, pdf, 0);
	const r = await create(withHeader('poster_pdf', done.body.h));
	expect(r.body.error).toMatchObject({ code: 131009, error_subcode: 2494102 });
	expect(r.body.error.error_user_msg).toContain('application/pdf');
});
