/**
 * Contract tests: templates as Meta keeps them. Created only through the API, PENDING until review,
 * APPROVED or REJECTED with Meta's reason and webhook; paused / disabled / reinstated / quality /
 * category changes with their webhooks; sends checked against what was approved.
 */
import { GRAPH_API_VERSION } from '../../core/channels/api';
import { reviewed, submitTemplate, uploadSample, WABA_ID } from '../helpers/templates';
import { until } from '../helpers/wait';
import { call, PHONE_ID, Receiver, startSandbox, validSignature, WA_TOKEN, type Started } from './helpers';

let s: Started;
let rx: Receiver;
const V = GRAPH_API_VERSION;
/** Start and end of image markers: all the sandbox's upload looks at for a JPEG. */
const TINY_JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);

beforeEach(async () => {
	rx = new Receiver();
	const url = await rx.start();
	s = await startSandbox({ webhook: { callbackUrl: url, delaysMs: { sent: 5, delivered: 5, read: 5, failed: 5 } } }, { templates: [] });
});
afterEach(async () => {
	await s.running.close();
	await rx.close();
});

const body = (text: string, samples: string[] = []) => ({
	type: 'BODY',
	text,
	...(samples.length ? { example: { body_text: [samples] } } : {}),
});
const tpl = (over: Record<string, unknown> = {}) => ({
	name: 'staff_notice',
	language: 'en',
	category: 'UTILITY',
	components: [body('Your duty roster for tomorrow is {{1}} at the district control room.', ['08:00'])],
	...over,
});
const create = (payload: unknown) => call(s.url, 'POST', `/${V}/${WABA_ID}/message_templates`, { token: WA_TOKEN, body: payload });
const send = (template: Record<string, unknown>, marketing = false) =>
	call(s.url, 'POST', `/${V}/${PHONE_ID}/${marketing ? 'marketing_messages' : 'messages'}`, {
		token: WA_TOKEN,
		body: { messaging_product: 'whatsapp', to: '919876543210', type: 'template', template },
	});
const bodyParams = (...texts: string[]) => [{ type: 'body', parameters: texts.map((text) => ({ type: 'text', text })) }];
const templateEvents = (field: string) =>
	rx.received.flatMap((r) => r.json.entry.flatMap((e: any) => e.changes.filter((c: any) => c.field === field).map((c: any) => c.value)));

test('no template exists until one is created: a fresh WABA refuses every template send with 132001', async () => {
	const list = await call(s.url, 'GET', `/${V}/${WABA_ID}/message_templates`, { token: WA_TOKEN });
	expect(list.body.data).toEqual([]);
	const r = await send({ name: 'daily_awareness', language: { code: 'hi' }, components: bodyParams('x') });
	expect(r.status).toBe(404);
	expect(r.body.error.code).toBe(132001);
});

test('create answers PENDING; review approves after the delay with a signed status webhook; then it sends', async () => {
	// Meta's review takes a while (the sandbox's default, 3 s): long enough that the send right
	// after the create meets a PENDING template even on a loaded machine; the others run at 10 ms.
	const slow = await call(s.url, 'PATCH', '/_sandbox/config', { body: { whatsapp: { templateReviewMs: 3000 } } });
	expect(slow.status).toBe(200);
	const r = await create(tpl());
	await call(s.url, 'PATCH', '/_sandbox/config', { body: { whatsapp: { templateReviewMs: 10 } } });
	expect(r.status).toBe(200);
	expect(r.body).toEqual({ id: expect.stringMatching(/^\d+$/), status: 'PENDING', category: 'UTILITY' });
	const pending = await send({ name: 'staff_notice', language: { code: 'en' }, components: bodyParams('08:00') });
	expect(pending.body.error).toMatchObject({ code: 132001 });
	expect(pending.body.error.error_data.details).toContain('PENDING');
	const done = await reviewed(s.url, r.body.id);
	expect(done).toMatchObject({ status: 'APPROVED', rejected_reason: 'NONE', category: 'UTILITY' });
	await rx.waitFor(() => templateEvents('message_template_status_update').length === 1);
	expect(templateEvents('message_template_status_update')[0]).toEqual({
		event: 'APPROVED',
		message_template_id: Number(r.body.id),
		message_template_name: 'staff_notice',
		message_template_language: 'en',
		reason: 'NONE',
	});
	expect(validSignature(rx.received[0].raw, rx.received[0].signature)).toBe(true);
	const ok = await send({ name: 'staff_notice', language: { code: 'en' }, components: bodyParams('08:00') });
	expect(ok.status).toBe(200);
	const msg = await call(s.url, 'GET', `/_sandbox/whatsapp/messages/${ok.body.messages[0].id}`);
	expect(msg.body.rendered).toBe('Your duty roster for tomorrow is 08:00 at the district control room.');
	// Another language of the same name is its own template.
	const hi = await send({ name: 'staff_notice', language: { code: 'hi' }, components: bodyParams('08:00') });
	expect(hi.body.error.code).toBe(132001);
});

test.each([
	['a variable at the start', '{{1}} is your duty time at the district control room tomorrow.', ['08:00'], 'INVALID_FORMAT'],
	[
		'a variable at the end (before the full stop)',
		'Your duty time at the district control room tomorrow is {{1}}.',
		['08:00'],
		'INVALID_FORMAT',
	],
	['more variables than the text carries', 'Duty {{1}} and {{2}} then {{3}} now {{4}} ok', ['a', 'b', 'c', 'd'], 'INVALID_FORMAT'],
	['a body over 1,024 characters', 'Notice: ' + 'क'.repeat(1020) + ' {{1}} end of notice.', ['x'], 'INVALID_FORMAT'],
	['promotional text filed as UTILITY', 'Get a 50% discount on {{1}} at our shop this week only.', ['helmets'], 'INCORRECT_CATEGORY'],
])('review rejects %s', async (_what, text, samples, reason) => {
	const r = await create(tpl({ components: [body(text, samples)] }));
	expect(r.status).toBe(200);
	expect(await reviewed(s.url, r.body.id)).toMatchObject({ status: 'REJECTED', rejected_reason: reason });
	await rx.waitFor(() => templateEvents('message_template_status_update').length === 1);
	expect(templateEvents('message_template_status_update')[0]).toMatchObject({ event: 'REJECTED', reason });
	const sent = await send({ name: 'staff_notice', language: { code: 'en' }, components: bodyParams(...samples) });
	expect(sent.body.error.code).toBe(132001);
});

test.each([
	['a name with capitals', { name: 'Staff Notice' }, 'lowercase'],
	['an unknown category', { category: 'ALERTS' }, 'category'],
	['a language that is not a code', { language: 'hindi' }, 'language'],
	['no BODY', { components: [{ type: 'FOOTER', text: 'x' }] }, 'BODY'],
	['variables with a gap', { components: [body('Duty {{1}} and then {{3}} for everyone today.', ['a', 'b'])] }, 'without gaps'],
	['a malformed variable', { components: [body('Duty {{one}} for everyone on the list today.', [])] }, 'malformed'],
	['variables without examples', { components: [body('Your duty time tomorrow is {{1}} at the control room.')] }, 'example'],
	[
		'a URL button with the variable not at the end',
		{
			components: [
				body('Roster is {{1}} at the control room today.', ['a']),
				{ type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Open', url: 'https://x.in/{{1}}/page' }] },
			],
		},
		'url',
	],
	[
		'an image header without a sample',
		{ components: [{ type: 'HEADER', format: 'IMAGE' }, body('Roster is {{1}} at the control room today.', ['a'])] },
		'header_handle',
	],
])('create refuses %s with (#100) and a message naming the field', async (_what, over, words) => {
	const r = await create(tpl(over));
	expect(r.status).toBe(400);
	expect(r.body.error.code).toBe(100);
	expect(r.body.error.error_user_msg).toContain(words);
	expect((await call(s.url, 'GET', `/${V}/${WABA_ID}/message_templates`, { token: WA_TOKEN })).body.data).toEqual([]);
});

test('duplicate name + language refused; list filters by name and status with paging; GET by id; DELETE by name', async () => {
	const a = await create(tpl());
	await create(tpl({ language: 'hi' }));
	await create(tpl({ name: 'other_notice' }));
	const dup = await create(tpl());
	expect(dup.status).toBe(400);
	expect(dup.body.error).toMatchObject({ code: 100, error_subcode: 2388024, error_user_title: 'Content in this language already exists' });
	await reviewed(s.url, a.body.id);
	const list = (q: string) => call(s.url, 'GET', `/${V}/${WABA_ID}/message_templates?${q}`, { token: WA_TOKEN });
	expect((await list('name=staff')).body.data.map((t: any) => t.language).sort()).toEqual(['en', 'hi']);
	const page1 = await list('limit=2');
	expect(page1.body.data).toHaveLength(2);
	const page2 = await list(`limit=2&after=${page1.body.paging.cursors.after}`);
	expect(page2.body.data).toHaveLength(1);
	expect(page2.body.paging.next).toBeUndefined();
	await until(async () => (await list('status=APPROVED')).body.data.length === 3, { what: 'all approved' });
	const one = await call(s.url, 'GET', `/${V}/${a.body.id}?fields=name,status`, { token: WA_TOKEN });
	expect(one.body).toEqual({ id: a.body.id, name: 'staff_notice', status: 'APPROVED' });
	const del = await call(s.url, 'DELETE', `/${V}/${WABA_ID}/message_templates?name=staff_notice`, { token: WA_TOKEN });
	expect(del.body).toEqual({ success: true });
	expect((await list('name=staff')).body.data).toEqual([]);
	// Meta keeps a deleted approved name for 30 days.
	const again = await create(tpl());
	expect(again.status).toBe(400);
	expect(again.body.error.error_user_msg).toContain('30 days');
});

test('pause (132015), reinstate, disable (132016): each with its status webhook', async () => {
	const { id } = await submitTemplate(s.url, tpl());
	await reviewed(s.url, id);
	const sendIt = () => send({ name: 'staff_notice', language: { code: 'en' }, components: bodyParams('08:00') });
	// Each change's webhook is awaited before the next change: like Meta, the sandbox delivers each
	// webhook on its own request, so two changes a millisecond apart may arrive in either order.
	let seen = 1;
	const act = async (event: string) => {
		const r = await call(s.url, 'POST', `/_sandbox/whatsapp/templates/${id}/status`, { body: { event } });
		if (r.status === 200) {
			seen++;
			await rx.waitFor(() => templateEvents('message_template_status_update').length === seen);
		}
		return r;
	};
	await rx.waitFor(() => templateEvents('message_template_status_update').length === 1);
	expect((await act('PAUSED')).body).toMatchObject({ status: 'PAUSED', pauses: 1 });
	expect((await sendIt()).body.error.code).toBe(132015);
	expect((await act('REINSTATED')).body.status).toBe('APPROVED');
	expect((await sendIt()).status).toBe(200);
	await call(s.url, 'POST', '/_sandbox/clock', { body: { advanceMs: 7000 } });
	expect((await act('FLAGGED')).body.status).toBe('APPROVED');
	expect((await act('DISABLED')).body.status).toBe('DISABLED');
	expect((await sendIt()).body.error.code).toBe(132016);
	expect((await act('BOGUS')).status).toBe(400);
	await rx.waitFor(() => templateEvents('message_template_status_update').length === 5);
	const events = templateEvents('message_template_status_update');
	expect(events.map((e: any) => e.event)).toEqual(['APPROVED', 'PAUSED', 'REINSTATED', 'FLAGGED', 'DISABLED']);
	expect(events[1].other_info.title).toBe('FIRST_PAUSE');
	expect(events[2].other_info.title).toBe('UNPAUSE');
});

test('quality RED sends the quality webhook and pauses; the pause ends after 3 h on the sandbox clock', async () => {
	const { id } = await submitTemplate(s.url, tpl());
	await reviewed(s.url, id);
	const q = await call(s.url, 'POST', `/_sandbox/whatsapp/templates/${id}/quality`, { body: { score: 'RED' } });
	expect(q.body).toMatchObject({ status: 'PAUSED', quality_score: { score: 'RED' } });
	await rx.waitFor(() => templateEvents('message_template_quality_update').length === 1);
	expect(templateEvents('message_template_quality_update')[0]).toMatchObject({
		message_template_id: Number(id),
		previous_quality_score: 'UNKNOWN',
		new_quality_score: 'RED',
	});
	await call(s.url, 'POST', '/_sandbox/clock', { body: { advanceMs: 3 * 3600_000 } });
	const sent = await send({ name: 'staff_notice', language: { code: 'en' }, components: bodyParams('08:00') });
	expect(sent.status).toBe(200);
	await rx.waitFor(() => templateEvents('message_template_status_update').some((e: any) => e.event === 'REINSTATED'));
});

test('category change: template_category_update webhook; the send is priced and routed by the new category', async () => {
	const { id } = await submitTemplate(s.url, tpl());
	await reviewed(s.url, id);
	const c = await call(s.url, 'POST', `/_sandbox/whatsapp/templates/${id}/category`, { body: { category: 'MARKETING' } });
	expect(c.body.category).toBe('MARKETING');
	await rx.waitFor(() => templateEvents('template_category_update').length === 1);
	expect(templateEvents('template_category_update')[0]).toMatchObject({ previous_category: 'UTILITY', new_category: 'MARKETING' });
	// The Marketing Messages API needs the portfolio to have accepted its terms (main's sandbox rule).
	await call(s.url, 'PATCH', '/_sandbox/config', { body: { whatsapp: { marketingMessages: { onboarded: true } } } });
	const sent = await send({ name: 'staff_notice', language: { code: 'en' }, components: bodyParams('08:00') }, true);
	expect(sent.status).toBe(200);
	const msg = await call(s.url, 'GET', `/_sandbox/whatsapp/messages/${sent.body.messages[0].id}`);
	expect(msg.body.category).toBe('MARKETING');
});

describe('sends checked against the approved components', () => {
	// The image header's sample is a handle from the app's Resumable Upload API, as Meta requires.
	const rich = (handle: string) =>
		tpl({
			name: 'approval_link',
			components: [
				{ type: 'HEADER', format: 'IMAGE', example: { header_handle: [handle] } },
				body('A message waits for your approval: {{1}} for the date {{2}} in the district.', ['Video call fraud', '3 Dec']),
				{ type: 'FOOTER', text: 'Police Mitan' },
				{
					type: 'BUTTONS',
					buttons: [
						{ type: 'URL', text: 'Review', url: 'https://mitan.example/a/{{1}}', example: ['https://mitan.example/a/tok123'] },
						{ type: 'QUICK_REPLY', text: 'Later' },
					],
				},
			],
		});
	const image = { type: 'header', parameters: [{ type: 'image', image: { link: 'https://x.in/a.jpg' } }] };
	const button = (text: string) => ({ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text }] });
	const go = (components: unknown[]) => send({ name: 'approval_link', language: { code: 'en' }, components });

	beforeEach(async () => {
		const { id } = await submitTemplate(s.url, rich(await uploadSample(s.url, TINY_JPEG)));
		await reviewed(s.url, id);
	});

	test('all parts right: accepted, the URL button carries the suffix', async () => {
		const r = await go([image, ...bodyParams('Fraud', '3 Dec'), button('tok-9')]);
		expect(r.status).toBe(200);
		const msg = await call(s.url, 'GET', `/_sandbox/whatsapp/messages/${r.body.messages[0].id}`);
		expect(msg.body).toMatchObject({ urls: ['https://mitan.example/a/tok-9'], header: 'https://x.in/a.jpg', params: ['Fraud', '3 Dec'] });
	});
	test.each([
		['no header image', 132012, () => [...bodyParams('a', 'b'), button('t')]],
		[
			'a text header parameter for an image header',
			132012,
			() => [{ type: 'header', parameters: [{ type: 'text', text: 'x' }] }, ...bodyParams('a', 'b'), button('t')],
		],
		['one body parameter of two', 132000, () => [image, ...bodyParams('a'), button('t')]],
		['no URL button parameter', 131008, () => [image, ...bodyParams('a', 'b')]],
		['a URL suffix with a space', 132012, () => [image, ...bodyParams('a', 'b'), button('t 1')]],
		['a body parameter with a new line', 132018, () => [image, ...bodyParams('a\nb', 'c'), button('t')]],
		['a body too long once filled in', 132005, () => [image, ...bodyParams('x'.repeat(1000), 'c'), button('t')]],
	])('%s → %i', async (_what, code, components) => {
		const r = await go(components());
		expect(r.body.error.code).toBe(code);
	});
});

test('seedTemplates (demo and training only) creates the training set through review', async () => {
	const demo = await startSandbox({ whatsapp: { seedTemplates: true } }, { templates: [] });
	try {
		const list = () => call(demo.url, 'GET', `/${V}/${WABA_ID}/message_templates?status=APPROVED`, { token: WA_TOKEN });
		const names = await until(async () => ((await list()).body.data.length === 6 ? (await list()).body.data : undefined), {
			what: 'seed review',
		});
		expect(names.map((t: any) => `${t.name}/${t.language}`).sort()).toContain('daily_awareness/hi');
	} finally {
		await demo.running.close();
	}
});
