/**
 * The Mitan Broadcast node in n8n-core's engine, against the sandbox: create (idempotent),
 * start and wait, start and return + status, pause / resume / cancel, bad input per item,
 * and the Mitan WhatsApp credential's test request.
 */
import type { INodeParameters } from 'n8n-workflow';
import { MitanWhatsAppApi } from '../../credentials/MitanWhatsAppApi.credentials';
import { GRAPH_API_VERSION, GRAPH_BASE_URL } from '../../core/channels/api';
import { stopAllBackground, waitBackground } from '../../nodes/MitanBroadcast/background';
import { closeAllPools } from '../../nodes/shared/db';
import { describeEachEngine } from '../helpers/db';
import { N8nHarness, nodeType, type WorkflowJson } from '../helpers/n8n';
import { call, type Started } from '../sandbox/helpers';
import { acceptedByRecipient, PHONE_ID, resetSandbox, seedRoster, startWaSandbox, TEMPLATES, WA_TOKEN } from './helpers';

const RATE = 1000;
let sb: Started;
beforeAll(async () => {
	// 300 citizens a day: an established number at the 100K tier.
	sb = await startWaSandbox(RATE, 'TIER_100K');
});
afterAll(async () => {
	await sb.running.close();
});

const wf = (parameters: INodeParameters, extra: Partial<WorkflowJson['nodes'][number]> = {}): WorkflowJson => ({
	name: 'daily broadcast test',
	nodes: [
		{
			id: 'b1',
			name: 'Broadcast',
			type: nodeType('mitanBroadcast'),
			typeVersion: 1,
			position: [0, 0],
			parameters,
			credentials: { mitanDatabaseApi: { id: '1', name: 'Mitan DB' }, mitanWhatsAppApi: { id: '2', name: 'Mitan WhatsApp' } },
			...extra,
		},
	],
	connections: {},
	settings: { timezone: 'Asia/Kolkata', executionOrder: 'v1' },
});

describeEachEngine('Mitan Broadcast node in n8n-core, on an established number (sandbox tier TIER_100K)', (ctx) => {
	let h: N8nHarness;
	beforeAll(async () => {
		await seedRoster(ctx.db, 300);
		h = new N8nHarness({
			credentials: {
				mitanDatabaseApi: { connectBy: 'url', url: ctx.t.url },
				mitanWhatsAppApi: {
					accessToken: WA_TOKEN,
					phoneNumberId: PHONE_ID,
					wabaId: '200000000000001',
					appSecret: 'sandbox-app-secret',
					graphVersion: GRAPH_API_VERSION,
					baseUrl: sb.url,
				},
			},
		});
	});
	beforeEach(() => resetSandbox(sb.url, RATE));
	afterAll(async () => {
		await stopAllBackground();
		await closeAllPools();
	});

	test('create twice is one broadcast; start and wait sends to everyone once and returns one summary', async () => {
		const create = {
			operation: 'create',
			contentKey: `node-${ctx.t.engine}-1`,
			templates: JSON.stringify(TEMPLATES),
			date: '2026-07-01',
			rateLimitPerSecond: RATE,
			segment: { policeStation: 'Bodla' },
		};
		const a = await h.run(wf(create));
		const b = await h.run(wf(create));
		expect(a.status).toBe('success');
		const [ca] = a.output('Broadcast');
		const [cb] = b.output('Broadcast');
		expect(ca).toMatchObject({ created: true, status: 'created', targeted: 100, pending: 100, date: '2026-07-01' });
		expect(cb).toMatchObject({ created: false, broadcastId: ca.broadcastId });

		const r = await h.run(wf({ operation: 'start', broadcastId: ca.broadcastId as number, mode: 'wait' }));
		expect(r.status).toBe('success');
		const out = r.output('Broadcast');
		expect(out).toHaveLength(1);
		expect(out[0]).toMatchObject({ outcome: 'completed', status: 'completed', sent: 100, remaining: 0, failed: 0, inDoubt: 0 });
		expect((await acceptedByRecipient(sb.url)).size).toBe(100);
	});

	test('start and return ends the execution at once; status reports progress; pause, resume, cancel', async () => {
		const c = await h.run(
			wf({
				operation: 'create',
				contentKey: `node-${ctx.t.engine}-2`,
				templates: JSON.stringify(TEMPLATES),
				date: '2026-07-01',
				rateLimitPerSecond: 80,
				segment: { policeStation: 'Kawardha' },
			}),
		);
		const id = c.output('Broadcast')[0].broadcastId as number;
		const s = await h.run(wf({ operation: 'start', broadcastId: id, mode: 'return' }));
		expect(s.output('Broadcast')[0]).toMatchObject({ status: 'running', background: 'started' });
		expect(s.output('Broadcast')[0].remaining).toBeGreaterThan(0);
		const st = await h.run(wf({ operation: 'status', broadcastId: id }));
		expect(st.output('Broadcast')[0]).toMatchObject({ broadcastId: id, status: 'running' });
		expect(st.output('Broadcast')[0]).toHaveProperty('etaSeconds');
		const p = await h.run(wf({ operation: 'pause', broadcastId: id }));
		expect(p.output('Broadcast')[0].status).toBe('paused');
		await waitBackground(id);
		const resumed = await h.run(wf({ operation: 'resume', broadcastId: id, mode: 'wait' }));
		expect(resumed.output('Broadcast')[0]).toMatchObject({ status: 'completed', sent: 100 });
		const cancelled = await h.run(wf({ operation: 'cancel', broadcastId: id }), {});
		expect(cancelled.status).toBe('error');
		expect(cancelled.error?.message).toMatch(/cannot cancel broadcast \d+: it is completed/);
	});

	test('bad input fails with the item index, or continues with code and action', async () => {
		const bad = await h.run(wf({ operation: 'create', contentKey: 'node-bad', templates: '{"hi": {"name": ', rateLimitPerSecond: 80 }));
		expect(bad.status).toBe('error');
		expect(bad.error?.message).toMatch(/templates: not valid JSON/);
		const cont = await h.run(wf({ operation: 'status', broadcastId: '={{ $json.id }}' }, { onError: 'continueRegularOutput' }), {
			input: [{ id: 'abc' }, { id: 999999 }],
		});
		expect(cont.status).toBe('success');
		const out = cont.output('Broadcast');
		expect(out[0]).toMatchObject({ code: 'BROADCAST_INPUT_INVALID', action: 'fix_input' });
		expect(out[1]).toMatchObject({ code: 'BROADCAST_NOT_FOUND', action: 'fix_input' });
	});
});

describe('Mitan WhatsApp credential', () => {
	test('fields, defaults and Bearer authentication', () => {
		const c = new MitanWhatsAppApi();
		expect(c.name).toBe('mitanWhatsAppApi');
		expect(c.properties.map((p) => p.name)).toEqual([
			'accessToken',
			'phoneNumberId',
			'wabaId',
			'appId',
			'appSecret',
			'graphVersion',
			'baseUrl',
			'marketingMessages',
		]);
		expect(c.properties.find((p) => p.name === 'marketingMessages')!.default).toBe(false);
		expect(c.properties.find((p) => p.name === 'graphVersion')!.default).toBe(GRAPH_API_VERSION);
		expect(c.properties.find((p) => p.name === 'baseUrl')!.default).toBe(GRAPH_BASE_URL);
		expect(c.properties.filter((p) => p.typeOptions?.password).map((p) => p.name)).toEqual(['accessToken', 'appSecret']);
		expect(c.authenticate.properties.headers).toEqual({ Authorization: '=Bearer {{$credentials.accessToken}}' });
	});

	test('its test request reads the phone number endpoint (accepted with a good token, 190 with a bad one)', async () => {
		await resetSandbox(sb.url, RATE);
		const req = new MitanWhatsAppApi().test.request;
		expect(req.method).toBe('GET');
		// Resolve the two expressions the way n8n would for this credential.
		const creds = { baseUrl: `${sb.url}/`, graphVersion: GRAPH_API_VERSION, phoneNumberId: PHONE_ID };
		expect(req.baseURL).toBe('={{$credentials.baseUrl.replace(/\\/+$/, "")}}');
		const base = creds.baseUrl.replace(/\/+$/, '');
		const url = String(req.url)
			.replace(/^=/, '')
			.replace('{{$credentials.graphVersion}}', creds.graphVersion)
			.replace('{{$credentials.phoneNumberId}}', creds.phoneNumberId);
		expect(url).toBe(`/${GRAPH_API_VERSION}/${PHONE_ID}`);
		const ok = await call(base, 'GET', url, { token: WA_TOKEN });
		expect(ok.status).toBe(200);
		expect(ok.body.id).toBe(PHONE_ID);
		const bad = await call(base, 'GET', url, { token: 'wrong' });
		expect(bad.status).toBe(401);
		expect(bad.body.error.code).toBe(190);
	});
});
