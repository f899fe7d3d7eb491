/**
 * Sandbox benchmark: accepted WhatsApp messages per second with webhooks off and on, a run
 * paced at 1,000/s against a 1,000/s number (the broadcast's real case), and the sandbox
 * process's CPU share. The sandbox runs in its own process (forked), so the load generator and
 * the webhook receiver here do not count against it. Prints JSON.
 *
 *   node dist/bench/sandbox.js [--messages 20000] [--concurrency 64] [--paced-seconds 10]
 */
import { approveTrainingTemplates } from './templates';
import { fork, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { GRAPH_API_VERSION } from '../core/channels/api';
import { randomBytes } from 'crypto';
import { inspectHeaders } from '../sandbox/inspect-guard';
import { numArg as arg } from './args';

const MESSAGES = arg('messages', 20_000);
const CONCURRENCY = arg('concurrency', 64);
const PACED_SECONDS = arg('paced-seconds', 10);
const MEMORY_MESSAGES = arg('memory-messages', 100_000);
const PHONE = '100000000000001';
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

interface Reply {
	status: number;
	body: string;
}

/** The forked sandbox's inspection token (SANDBOX_TOKEN), sent on /_sandbox/* calls. */
const INSPECT_TOKEN = randomBytes(24).toString('base64url');

function request(base: string, method: string, p: string, body?: unknown, token?: string): Promise<Reply> {
	const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
	const u = new URL(base + p);
	return new Promise((resolve, reject) => {
		const req = http.request(
			u,
			{
				method,
				agent,
				headers: {
					...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
					...(token ? { authorization: `Bearer ${token}` } : {}),
					...(p.startsWith('/_sandbox/') ? inspectHeaders(INSPECT_TOKEN) : {}),
				},
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
			},
		);
		req.on('error', reject);
		req.end(payload);
	});
}

const json = async <T>(p: Promise<Reply>): Promise<T> => JSON.parse((await p).body) as T;

function message(i: number, run: number): unknown {
	return {
		messaging_product: 'whatsapp',
		to: `91${7 + (run % 3)}${String(i).padStart(9, '0')}`,
		type: 'template',
		template: {
			name: 'daily_awareness',
			language: { code: 'hi' },
			components: [{ type: 'body', parameters: [{ type: 'text', text: 'साइबर ठगी से सावधान' }] }],
		},
	};
}

/** Starts the compiled sandbox in a child process and learns its port. */
async function startChild(): Promise<{ child: ChildProcess; url: string }> {
	const entry = path.join(__dirname, '..', 'sandbox', 'server.js');
	if (!fs.existsSync(entry)) throw new Error(`build first: ${entry} not found`);
	const child = fork(entry, [], {
		execArgv: ['--expose-gc'],
		env: { ...process.env, SANDBOX_PORT: '0', SANDBOX_CONFIG: '', SANDBOX_TOKEN: INSPECT_TOKEN },
		stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
	});
	const started = await new Promise<{ child: ChildProcess; url: string }>((resolve, reject) => {
		child.once('message', (m: { url: string }) => resolve({ child, url: m.url }));
		child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
	});
	await approveTrainingTemplates(started.url, INSPECT_TOKEN);
	return started;
}

/** A gateway stand-in that answers 200 to every webhook. */
async function startReceiver(): Promise<{ url: string; count: () => number; close: () => void }> {
	let n = 0;
	const server = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			n++;
			res.writeHead(200).end();
		});
	});
	server.keepAliveTimeout = 65_000;
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, count: () => n, close: () => server.close() };
}

interface Cpu {
	cpuUsage: { user: number; system: number };
	uptimeSeconds: number;
}

async function cpuShare<T>(base: string, fn: () => Promise<T>): Promise<{ result: T; cpuPercent: number; wallSeconds: number }> {
	const before = await json<Cpu>(request(base, 'GET', '/_sandbox/process'));
	const t0 = process.hrtime.bigint();
	const result = await fn();
	const wall = Number(process.hrtime.bigint() - t0) / 1e9;
	const after = await json<Cpu>(request(base, 'GET', '/_sandbox/process'));
	const cpuUs = after.cpuUsage.user + after.cpuUsage.system - before.cpuUsage.user - before.cpuUsage.system;
	return { result, cpuPercent: Math.round((cpuUs / 1e6 / wall) * 1000) / 10, wallSeconds: Math.round(wall * 100) / 100 };
}

/** As fast as the sandbox answers, with CONCURRENCY requests in flight. */
async function flood(base: string, n: number, run: number): Promise<{ accepted: number; rejected: Record<string, number> }> {
	let next = 0;
	let accepted = 0;
	const rejected: Record<string, number> = {};
	const worker = async (): Promise<void> => {
		while (next < n) {
			const i = next++;
			const r = await request(base, 'POST', `/${GRAPH_API_VERSION}/${PHONE}/messages`, message(i, run), 'sandbox-token');
			if (r.status === 200) accepted++;
			else {
				const code = String((JSON.parse(r.body) as { error: { code: number } }).error.code);
				rejected[code] = (rejected[code] ?? 0) + 1;
			}
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, worker));
	return { accepted, rejected };
}

/** One message per millisecond slot, like a broadcast paced at 1,000/s. */
async function paced(
	base: string,
	ratePerSecond: number,
	seconds: number,
	run: number,
): Promise<{ accepted: number; rejected: Record<string, number> }> {
	const total = ratePerSecond * seconds;
	let sent = 0;
	let accepted = 0;
	const rejected: Record<string, number> = {};
	const inflight: Promise<void>[] = [];
	const t0 = Date.now();
	while (sent < total) {
		const due = Math.min(total, Math.floor(((Date.now() - t0) / 1000) * ratePerSecond) + 1);
		while (sent < due) {
			const i = sent++;
			inflight.push(
				request(base, 'POST', `/${GRAPH_API_VERSION}/${PHONE}/messages`, message(i, run), 'sandbox-token').then((r) => {
					if (r.status === 200) accepted++;
					else {
						const code = String((JSON.parse(r.body) as { error: { code: number } }).error.code);
						rejected[code] = (rejected[code] ?? 0) + 1;
					}
				}),
			);
		}
		await new Promise((r) => setTimeout(r, 2));
	}
	await Promise.all(inflight);
	return { accepted, rejected };
}

async function configure(base: string, patch: unknown): Promise<void> {
	await request(base, 'POST', '/_sandbox/reset');
	const r = await request(base, 'PATCH', '/_sandbox/config', patch);
	if (r.status !== 200) throw new Error(r.body);
}

const phone = (limit: number) => ({
	whatsapp: {
		phoneNumbers: [
			{
				id: PHONE,
				displayPhoneNumber: '+91 70000 00001',
				verifiedName: 'Police Mitan Sandbox',
				qualityRating: 'GREEN',
				throughputPerSecond: limit,
			},
		],
	},
});

async function main(): Promise<void> {
	const { child, url } = await startChild();
	const rx = await startReceiver();
	const out: Record<string, unknown> = {
		benchmark: 'sandbox',
		machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.release()}` },
		params: { messages: MESSAGES, concurrency: CONCURRENCY, pacedSeconds: PACED_SECONDS, memoryMessages: MEMORY_MESSAGES },
	};
	try {
		// Warm-up (JIT, sockets).
		await configure(url, { ...phone(1_000_000), webhook: { callbackUrl: null } });
		await flood(url, 2000, 9);

		await configure(url, { ...phone(1_000_000), webhook: { callbackUrl: null } });
		const off = await cpuShare(url, () => flood(url, MESSAGES, 0));
		out['webhooksOff'] = {
			...off.result,
			wallSeconds: off.wallSeconds,
			acceptedPerSecond: Math.round(off.result.accepted / off.wallSeconds),
			sandboxCpuPercent: off.cpuPercent,
		};

		await configure(url, {
			...phone(1_000_000),
			webhook: { callbackUrl: rx.url, delaysMs: { sent: 5, delivered: 20, read: 50, failed: 5 }, concurrency: 32 },
		});
		const before = rx.count();
		const on = await cpuShare(url, async () => {
			const t0 = Date.now();
			const r = await flood(url, MESSAGES, 1);
			const sendSeconds = (Date.now() - t0) / 1000;
			await request(url, 'POST', '/_sandbox/webhooks/drain?timeoutMs=60000');
			return { ...r, sendSeconds, drainSeconds: (Date.now() - t0) / 1000 - sendSeconds };
		});
		const wh = await json<Record<string, number>>(request(url, 'GET', '/_sandbox/webhooks'));
		out['webhooksOn'] = {
			accepted: on.result.accepted,
			rejected: on.result.rejected,
			sendSeconds: Math.round(on.result.sendSeconds * 100) / 100,
			acceptedPerSecond: Math.round(on.result.accepted / on.result.sendSeconds),
			// Webhooks still queued when the last send returned, delivered afterwards.
			drainSeconds: Math.round(on.result.drainSeconds * 100) / 100,
			webhookCallsPerSecond: Math.round((rx.count() - before) / on.wallSeconds),
			sandboxCpuPercent: on.cpuPercent,
			webhookCallsReceived: rx.count() - before,
			webhookStats: wh,
		};

		await configure(url, {
			...phone(1000),
			webhook: { callbackUrl: rx.url, delaysMs: { sent: 5, delivered: 20, read: 50, failed: 5 }, concurrency: 32 },
		});
		const p = await cpuShare(url, () => paced(url, 1000, PACED_SECONDS, 2));
		const stats = await json<{ throughput: Record<string, { achievedPerSecond: number; peakPerSecond: number; rejected130429: number }> }>(
			request(url, 'GET', '/_sandbox/whatsapp/stats'),
		);
		const t = stats.throughput[PHONE];
		out['paced1000WebhooksOn'] = {
			...p.result,
			wallSeconds: p.wallSeconds,
			achievedPerSecond: t.achievedPerSecond,
			achievedOverLimit: Math.round((t.achievedPerSecond / 1000) * 1000) / 1000,
			peakPerSecond: t.peakPerSecond,
			rejected130429: t.rejected130429,
			sandboxCpuPercent: p.cpuPercent,
		};
		// Memory bound: a long run keeps the ring at its size; only per-recipient numbers of the day grow.
		await configure(url, { ...phone(1_000_000), webhook: { callbackUrl: null } });
		const heap = async (): Promise<number> => {
			await request(url, 'POST', '/_sandbox/gc');
			return (await json<{ memoryUsage: { heapUsed: number } }>(request(url, 'GET', '/_sandbox/process'))).memoryUsage.heapUsed;
		};
		const h0 = await heap();
		await flood(url, MEMORY_MESSAGES, 3);
		const h1 = await heap();
		const st = await json<{ accepted: number; memory: Record<string, number> }>(request(url, 'GET', '/_sandbox/whatsapp/stats'));
		const mem = await json<{ memoryUsage: { rss: number } }>(request(url, 'GET', '/_sandbox/process'));
		out['memory'] = {
			messages: st.accepted,
			distinctRecipients: MEMORY_MESSAGES,
			heapGrowthMB: Math.round((h1 - h0) / 1e5) / 10,
			bytesPerDistinctRecipient: Math.round((h1 - h0) / MEMORY_MESSAGES),
			ringMessagesBuffered: st.memory['messagesBuffered'],
			pairLimiterEntries: st.memory['pairLimiterEntries'],
			rssMB: Math.round(mem.memoryUsage.rss / 1e6),
		};
	} finally {
		rx.close();
		child.kill('SIGTERM');
		agent.destroy();
	}
	console.log(JSON.stringify(out, null, 2));
}

main().catch((err: Error) => {
	console.error(err);
	process.exit(1);
});
