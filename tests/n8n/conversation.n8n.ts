/**
 * Issue 17, done means, in a real n8n 2.x (one process, PostgreSQL) running the EXPORTED
 * complaint-intake workflow with the product's settings, behind the gateway that the sandbox
 * sends SIGNED webhooks to: the hidden-case check. A 👍 reaction, "धन्यवाद", a greeting (the
 * menu), a tapped menu row (routed by its payload), a staff number's message, JOIN from a number
 * not on the roster (confirm button → subscribed with consent evidence), a voice note and an
 * uncaptioned image (their media fetched through the sandbox's Graph media endpoint) and DELETE MY
 * DATA (confirm → erased). Only the voice note and the image become complaints with a reference
 * number: asserted on the store and on what the sandbox delivered to each citizen.
 *
 * The erasure, with n8n's API key handed to the gateway as `npm start` does: before it, her
 * number and BSUID are in our store and in n8n's database (a kept errored execution naming her);
 * after it, a search of every table of our schema (jsonb included) and of n8n's database finds
 * neither.
 */
import { JOIN_NOTICE_VERSION } from '../../core/conversation/messages';
import { maskPhone } from '../../core/phone';
import { RosterService } from '../../core/roster';
import { addStaff } from '../../core/staff';
import { waitFor } from '../../scripts/n8n/run';
import { readWorkflow, type WorkflowJson } from '../helpers/n8n';
import { searchEverywhere } from '../integration/erasure-helpers';
import { call } from '../sandbox/helpers';
import { sandboxMessages, type SandboxMessage } from '../workflows/helpers';
import { callWebhook, executions, startStack, type Stack } from './fixture';
import { ERROR_WORKFLOW_ID } from './workflows';

const COMPLAINT = 'MitanComplaint01';
const FAILING = 'TestFailsNaming1';
const by = { actor: 'user:clerk', source: 'conversation n8n test' };
const REFERENCE = /संदर्भ संख्या: |Reference number: /;

/** A workflow that fails on the citizen's data, so n8n keeps the errored execution (saveDataErrorExecution: all). */
function failingWorkflow(): WorkflowJson {
	return {
		id: FAILING,
		name: 'test: fails naming the citizen',
		settings: { timezone: 'Asia/Kolkata', executionOrder: 'v1', saveDataErrorExecution: 'all' },
		nodes: [
			{
				id: `${FAILING}-h`,
				name: 'Hook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `${FAILING}-hook`,
				parameters: { httpMethod: 'POST', path: 'fails-naming', responseMode: 'onReceived', options: {} },
			},
			{
				id: `${FAILING}-e`,
				name: 'Fail',
				type: 'n8n-nodes-base.stopAndError',
				typeVersion: 1,
				position: [220, 0],
				parameters: { errorType: 'errorMessage', errorMessage: '=intake failed for {{ $json.body.from }} ({{ $json.body.userId }})' },
			},
		],
		connections: { Hook: { main: [[{ node: 'Fail', type: 'main', index: 0 }]] } },
	} as WorkflowJson;
}

describe('real n8n: the conversation in front of the exported complaint intake (signed webhooks, the hidden cases)', () => {
	let s: Stack;
	beforeAll(async () => {
		s = await startStack({
			gateway: true,
			n8nApiKey: true,
			workflows: [readWorkflow('workflows/error-alert.json'), readWorkflow('workflows/complaint-intake.json'), failingWorkflow()],
			publish: [ERROR_WORKFLOW_ID, COMPLAINT, FAILING],
		});
	}, 300000);
	afterAll(async () => {
		await s?.close();
	});
	afterEach(() => {
		const state = expect.getState();
		if (state.assertionCalls !== state.numPassingAsserts) console.log(s.n8n.logs(120));
	});

	/** The citizen reads each answer before writing again (Meta's 6-second pair limit, kept by the sandbox). */
	const say = async (body: Record<string, unknown>): Promise<string> => {
		await call(s.sandboxUrl, 'POST', '/_sandbox/clock', { body: { advanceMs: 7_000 } });
		const r = await call(s.sandboxUrl, 'POST', '/_sandbox/inject/inbound', { body: { identity: 'phone', ...body } });
		expect(r.status).toBe(200);
		return r.body.wamid as string;
	};
	/** The message as the gateway stored it (after the signed webhook was accepted). */
	const stored = (wamid: string) =>
		waitFor(
			async () =>
				(
					await s.db.query<{ id: number; conversation_kind: string; queue_state: string }>(
						'SELECT id::int, conversation_kind, queue_state FROM inbound_messages WHERE wamid = $1',
						[wamid],
					)
				)[0],
			{ describe: () => `inbound ${wamid} stored` },
		);
	const refsOf = async (digits: string) =>
		(
			await s.db.query<{ ref: string }>(
				`SELECT DISTINCT c.ref FROM complaints c JOIN complaint_messages m ON m.complaint_id = c.id
         JOIN inbound_messages i ON i.id = m.inbound_message_id WHERE i.from_phone = $1
         UNION SELECT c.ref FROM complaints c JOIN inbound_messages i ON i.id = c.inbound_message_id WHERE i.from_phone = $1`,
				[`+${digits}`],
			)
		).map((r) => r.ref);
	const delivered = (digits: string) => sandboxMessages(s.sandboxUrl, digits);
	const lastTo = (digits: string, match: (m: SandboxMessage) => boolean) =>
		waitFor(async () => (await delivered(digits)).reverse().find(match), { describe: async () => JSON.stringify(await delivered(digits)) });
	/** Not a complaint: none in the store, no reference number delivered. */
	const noReference = async (digits: string) => {
		expect(await refsOf(digits)).toEqual([]);
		for (const m of await delivered(digits)) expect(m.text ?? '').not.toMatch(REFERENCE);
	};
	/** A complaint: one reference in the store, and the citizen was sent exactly that reference. */
	const oneReference = async (wamid: string, digits: string) => {
		const c = await waitFor(
			async () =>
				(
					await s.db.query<{ ref: string; reply_wamid: string | null }>(
						`SELECT c.ref, c.reply_wamid FROM complaints c JOIN inbound_messages i ON i.id = c.inbound_message_id WHERE i.wamid = $1`,
						[wamid],
					)
				).find((x) => x.reply_wamid),
			{ timeoutMs: 90000, describe: () => `the complaint of ${wamid} with its reply` },
		);
		const reply = await lastTo(digits, (m) => (m.text ?? '').includes(c.ref));
		expect(reply.text).toMatch(REFERENCE);
		expect(reply.status).not.toBe('failed');
		expect(await refsOf(digits)).toEqual([c.ref]);
		return c.ref;
	};
	const fetched = (wamid: string) =>
		waitFor(
			async () =>
				(
					await s.db.query<{ kind: string; fetch_state: string; byte_size: number | null }>(
						`SELECT a.kind, a.fetch_state, a.byte_size FROM inbound_attachments a JOIN inbound_messages i ON i.id = a.inbound_message_id
             WHERE i.wamid = $1`,
						[wamid],
					)
				).find((a) => a.fetch_state !== 'pending'),
			{ describe: () => `the attachment of ${wamid} fetched` },
		);

	test('👍, "धन्यवाद", a greeting (the menu) and a tapped menu row: answered as the conversation, no reference', async () => {
		const a = '919876513001';
		await new RosterService(s.db).upsert({ phone: `+${a}`, consentSource: 'camp', policeStation: 'Bodla' }, by);
		const reaction = await say({ from: a, type: 'reaction', emoji: '👍', reactedWamid: 'wamid.daily' });
		expect(await stored(reaction)).toMatchObject({ conversation_kind: 'reaction', queue_state: 'done' });
		const thanks = await say({ from: a, text: 'धन्यवाद' });
		expect(await stored(thanks)).toMatchObject({ conversation_kind: 'acknowledgement', queue_state: 'done' });
		expect(await delivered(a)).toEqual([]);

		const hello = await say({ from: a, text: 'नमस्ते' });
		expect((await stored(hello)).conversation_kind).toBe('greeting');
		const menu = await lastTo(a, (m) => m.type === 'interactive');
		expect(menu.text).toMatch(/menu\.fraud=ठगी की शिकायत/);
		expect(menu.status).not.toBe('failed');

		// The row's title is whatever the phone shows; the payload id routes it.
		const tap = await say({ from: a, type: 'interactive', list: true, payload: 'menu.fraud', title: 'कुछ भी' });
		expect((await stored(tap)).conversation_kind).toBe('menu_reply');
		const answer = await lastTo(a, (m) => m.type === 'text' && /1930/.test(m.text ?? ''));
		expect(answer.text).toMatch(/1930/);
		await noReference(a);
	});

	test("a staff number's message never becomes a complaint, whatever it says", async () => {
		const staff = '919876513002';
		await addStaff(s.db, { phone: `+${staff}`, name: 'SI Verma', duty: 'duty_officer' }, { actor: 'test' });
		const w = await say({ from: staff, text: 'मेरे खाते से 5000 रुपये कट गए, ओटीपी पूछा था' });
		expect(await stored(w)).toMatchObject({ conversation_kind: 'staff', queue_state: 'done' });
		await noReference(staff);
		expect(await delivered(staff)).toEqual([]);
	});

	test('JOIN from a number not on the roster → the notice with buttons → "yes" subscribes with consent evidence; no reference', async () => {
		const c = '919876513003';
		const join = await say({ from: c, text: 'जुड़ें' });
		expect((await stored(join)).conversation_kind).toBe('join');
		const confirm = await lastTo(c, (m) => m.type === 'interactive' && /join\.yes=/.test(m.text ?? ''));
		expect(confirm.text).toMatch(/join\.yes=हाँ, जुड़ें \| join\.no=नहीं/);
		expect(await s.db.query('SELECT 1 FROM subscribers WHERE phone = $1', [`+${c}`])).toHaveLength(0);

		const yes = await say({ from: c, type: 'interactive', payload: 'join.yes', title: 'हाँ, जुड़ें' });
		expect((await stored(yes)).conversation_kind).toBe('button_reply');
		const sub = await waitFor(async () => {
			const [r] = await s.db.query<{
				status: string;
				consent_source: string;
				consent_evidence: string;
				consent_notice_version: string;
				consent_at_source: string;
			}>(`SELECT status, consent_source, consent_evidence, consent_notice_version, consent_at_source FROM subscribers WHERE phone = $1`, [
				`+${c}`,
			]);
			return r;
		});
		expect(sub).toMatchObject({
			status: 'active',
			consent_source: 'whatsapp:join',
			consent_notice_version: JOIN_NOTICE_VERSION,
			consent_at_source: 'message',
		});
		expect(sub.consent_evidence).toContain(yes);
		expect(sub.consent_evidence).toContain(JOIN_NOTICE_VERSION);
		const stations = await lastTo(c, (m) => /station:/.test(m.text ?? ''));
		expect(stations.text).toMatch(/station:Bodla=Bodla/);
		await noReference(c);
	});

	test('a voice note and an uncaptioned image: media fetched through the Graph media endpoint, each gets a reference number', async () => {
		const v = '919876513004';
		const voice = await say({ from: v, type: 'audio' });
		expect((await stored(voice)).conversation_kind).toBe('media_complaint');
		await oneReference(voice, v);
		expect(await fetched(voice)).toMatchObject({ kind: 'audio', fetch_state: 'fetched' });

		const i = '919876513005';
		const image = await say({ from: i, type: 'image' });
		expect((await stored(image)).conversation_kind).toBe('media_complaint');
		await oneReference(image, i);
		const att = await fetched(image);
		expect(att).toMatchObject({ kind: 'image', fetch_state: 'fetched' });
		expect(Number(att.byte_size)).toBeGreaterThan(0);
	});

	test('DELETE MY DATA → confirm → erased: before, her number and BSUID are in our store and in n8n; after, in neither', async () => {
		const d = '919876513006';
		const { userId } = (await call(s.sandboxUrl, 'GET', `/_sandbox/whatsapp/users/${d}`)).body as { userId: string };
		expect(userId).toBeTruthy();
		await new RosterService(s.db).upsert({ phone: `+${d}`, consentSource: 'camp', policeStation: 'Bodla', waId: d }, by);
		// A real complaint (its run succeeds: n8n keeps none) and a run that fails naming her (n8n keeps it).
		const text = await say({ from: d, text: 'mera UPI se 3000 chale gaye, link par click kiya tha' });
		const ref = await oneReference(text, d);
		expect((await callWebhook(s, 'fails-naming', { from: d, userId })).status).toBe(200);
		const failed = await waitFor(async () => (await executions(s, FAILING)).find((e) => e.status === 'error'), {
			describe: () => 'the errored execution',
		});
		const needles = [`+${d}`, d, d.slice(-10), Buffer.from(d).toString('base64'), userId, maskPhone(`+${d}`)];
		const inN8n = async () => {
			const hits: string[] = [];
			const cols = await s.n8nSql<{ table_name: string; column_name: string }[]>`
        SELECT c.table_name, c.column_name FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
        WHERE c.table_schema = 'public' AND c.data_type IN ('text', 'character varying', 'json', 'jsonb')`;
			for (const c of cols)
				for (const n of [d.slice(-10), Buffer.from(d).toString('base64'), userId]) {
					const [r] = await s.n8nSql.unsafe<{ n: number }[]>(
						`SELECT count(*)::int AS n FROM "${c.table_name}" WHERE position($1 IN "${c.column_name}"::text) > 0`,
						[n],
					);
					if (r.n > 0) hits.push(`${c.table_name}.${c.column_name}: ${n === userId ? 'BSUID' : 'number'}`);
				}
			return hits;
		};
		const before = await inN8n();
		expect(before).toEqual(expect.arrayContaining(['execution_data.data: number', 'execution_data.data: BSUID']));
		const ours = new Set((await searchEverywhere(s.db, needles)).map((h) => `${h.table}.${h.column}`));
		for (const where of ['subscribers.phone', 'inbound_messages.from_phone', 'inbound_messages.payload', 'inbound_messages.from_user_id'])
			expect(ours).toContain(where);

		const ask = await say({ from: d, text: 'DELETE MY DATA' });
		expect((await stored(ask)).conversation_kind).toBe('delete_my_data');
		await lastTo(d, (m) => /delete\.yes=/.test(m.text ?? ''));
		// Nothing erased on the words alone.
		expect((await s.db.query<{ status: string }>('SELECT status FROM subscribers WHERE phone = $1', [`+${d}`]))[0].status).toBe('active');
		await say({ from: d, type: 'interactive', payload: 'delete.yes', title: 'हाँ, हटाएँ' });
		const told = await lastTo(d, (m) => /आपका डेटा हटा दिया गया है/.test(m.text ?? ''));
		expect(told.status).not.toBe('failed');

		// n8n's kept execution was found and deleted through its public API, audited without her.
		const [a] = await s.db.query<{ details: { checked: boolean; deleted: string[] } }>(
			`SELECT details FROM audit_log WHERE action = 'citizen.erase_n8n_executions' ORDER BY id DESC LIMIT 1`,
		);
		expect(a.details.checked).toBe(true);
		expect(a.details.deleted).toContain(String(failed.id));
		expect(await executions(s, FAILING)).toEqual([]);
		// Successful runs n8n marked deleted go with its hard-delete job (every minute, run.js): then nothing names her.
		await waitFor(async () => ((await inN8n()).length === 0 ? true : undefined), {
			timeoutMs: 180000,
			intervalMs: 3000,
			describe: async () => `n8n still names her: ${JSON.stringify(await inN8n())}`,
		});
		expect(await searchEverywhere(s.db, needles)).toEqual([]);
		// The complaint stays for the counts, naming nobody.
		expect(await s.db.query('SELECT 1 FROM complaints WHERE ref = $1', [ref])).toHaveLength(1);
	});
});
