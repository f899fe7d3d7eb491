/**
 * Broadcast benchmark (prints JSON): the Police Mitan sender against the sandbox at the number's
 * limit (80/s and 1,000/s), a 1,000,000-recipient run for peak RSS, and the baseline, n8n's
 * stock WhatsApp node fed the same recipients by n8n's engine, against the same sandbox and
 * limits. Sandbox, sender and baseline each run in their own process, so CPU and RSS are theirs.
 * Needs PostgreSQL (MITAN_BENCH_PG_URL, else MITAN_TEST_PG_URL, else postgres://postgres@127.0.0.1:5432/postgres).
 *
 *   node dist/bench/broadcast.js [--recipients 50000] [--rates 80,1000] [--million 1000000]
 *        [--million-rate 3000] [--baseline 1] [--baseline-rates 80,1000] [--only sender|baseline|million]
 *        [--tier TIER_100K]
 *
 * The tier and the settle logic are on as in production: the sender reads the number's tier from
 * the sandbox before sending (--tier, Meta's TIER_250 … TIER_UNLIMITED; rows over the day's
 * allowance are held and counted), every message carries its delivery's callback data, and the
 * sender settles in-doubt rows at start and before completing (core/broadcast/settle.ts).
 *
 * The baseline loads n8n-nodes-base from the n8n install in the cache (scripts/n8n/install.js,
 * installed on first use if `npm start` or CI has not done it yet).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createBroadcast, startBroadcast } from '../core/broadcast';
import { type Db } from '../core/db';
import {
	arg,
	configureSandbox as configure,
	freshDb,
	log,
	machine,
	n8nScripts,
	PHONE,
	sb,
	seed,
	startSandbox,
	TEMPLATES,
	TOKEN,
	type Sandbox,
	stage,
	benchMain,
} from './harness';

const RECIPIENTS = Number(arg('recipients', '50000'));
const RATES = arg('rates', '80,1000').split(',').filter(Boolean).map(Number);
const MILLION = Number(arg('million', '1000000'));
const MILLION_RATE = Number(arg('million-rate', '3000'));
const BASELINE = arg('baseline', '1') !== '0';
const BASELINE_RATES = arg('baseline-rates', RATES.join(',')).split(',').filter(Boolean).map(Number);
const ONLY = arg('only', '');
const TIER = arg('tier', 'TIER_100K');
const configureSandbox = (url: string, limit: number, tier = TIER): Promise<void> => configure(url, limit, tier);

function runChild(script: string, job: unknown): Promise<any> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [path.join(__dirname, script), JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
		let buf = '';
		let result: any;
		child.stdout!.on('data', (c: Buffer) => {
			buf += c.toString();
			let i: number;
			while ((i = buf.indexOf('\n')) >= 0) {
				const line = buf.slice(0, i);
				buf = buf.slice(i + 1);
				try {
					const e = JSON.parse(line);
					if (e.event === 'result' || e.event === 'error') result = e;
					if (e.event === 'progress')
						log(`progress sent=${e.progress.sent} remaining=${e.progress.remaining} rate=${e.progress.currentRate}/s`);
				} catch {
					/* not ours */
				}
			}
		});
		child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`${script} exited ${code} without a result`))));
	});
}

/** Each run on its own day: a citizen gets one awareness message a day (migration 115). */
let runDay = 0;

async function senderRun(sandbox: Sandbox, d: { db: Db; url: string }, limit: number, recipients: number, key: string, tier = TIER) {
	await configureSandbox(sandbox.url, limit, tier);
	const { broadcast } = await createBroadcast(d.db, {
		contentKey: key,
		templates: TEMPLATES,
		rateLimitPerSecond: limit,
		date: `2026-08-${String(++runDay).padStart(2, '0')}`,
	});
	await startBroadcast(d.db, broadcast.id);
	log(`sender: ${broadcast.targeted} recipients at ${limit}/s`);
	const r = await runChild('broadcast-worker.js', {
		dbUrl: d.url,
		baseUrl: sandbox.url,
		accessToken: TOKEN,
		phoneNumberId: PHONE,
		broadcastId: broadcast.id,
		options: { progressEveryMs: 10_000 },
	});
	if (r.event !== 'result') throw new Error(`sender failed: ${r.error}`);
	const stats = await sb(sandbox.url, 'GET', '/_sandbox/whatsapp/stats');
	const t = stats.throughput[PHONE];
	const dup = await sb(sandbox.url, 'GET', '/_sandbox/whatsapp/duplicates');
	const p = r.result.progress;
	return {
		recipients: broadcast.targeted,
		limitPerSecond: limit,
		pacedAt: Math.round(limit * 0.985 * 10) / 10,
		accepted: t.accepted,
		achievedPerSecond: t.achievedPerSecond,
		achievedOverLimit: Math.round((t.achievedPerSecond / limit) * 1000) / 1000,
		peakPerSecond: t.peakPerSecond,
		rejected130429: t.rejected130429,
		duplicates: dup.extraMessages,
		sent: p.sent,
		failed: p.failed,
		inDoubt: p.inDoubt,
		tier,
		heldForTier: p.heldForTier,
		settled: r.result.settled,
		wallSeconds: Math.round(r.wallMs / 100) / 10,
		cpuMs: r.cpuMs,
		cpuMsPerMessage: Math.round((r.cpuMs / Math.max(1, r.result.requests)) * 1000) / 1000,
		peakRssMB: Math.round(r.peakRssBytes / 1e5) / 10,
		requests: r.result.requests,
		timing: r.result.timing,
	};
}

/**
 * The stock nodes come from the n8n install every other part uses (scripts/n8n/install.js, in
 * the cache outside the repository): there n8n-nodes-base resolves n8n-core and the rest of
 * n8n beside it. (A lone `npm install n8n-nodes-base` cannot: "Cannot find module 'n8n-core'".)
 */
async function ensureN8nNodesBase(): Promise<string> {
	const p = await n8nScripts().install.ensureN8n({ log: (m) => log(`n8n install: ${m}`) });
	return p.nodesBase;
}

async function baselineRun(sandbox: Sandbox, dir: string, limit: number, recipients: number) {
	await configureSandbox(sandbox.url, limit);
	log(`baseline: stock WhatsApp node, ${recipients} items at ${limit}/s`);
	const r = await runChild('stock-whatsapp.js', { dir, sandboxUrl: sandbox.url, recipients });
	if (r.event !== 'result') throw new Error(`baseline failed: ${r.error}`);
	const stats = await sb(sandbox.url, 'GET', '/_sandbox/whatsapp/stats');
	const t = stats.throughput[PHONE];
	const dup = await sb(sandbox.url, 'GET', '/_sandbox/whatsapp/duplicates');
	return {
		recipients,
		limitPerSecond: limit,
		delivered: t.accepted,
		failed130429: t.rejected130429,
		otherSyncErrors: Object.fromEntries(Object.entries(stats.syncErrors ?? {}).filter(([k]) => k !== '130429')),
		itemsWithError: r.itemsWithError,
		errorsByMessage: r.errorsByMessage,
		duplicates: dup.extraMessages,
		executionStatus: r.status,
		wallSeconds: Math.round(r.wallMs / 100) / 10,
		cpuMs: r.cpuMs,
		peakRssMB: Math.round(r.peakRssBytes / 1e5) / 10,
		firstError: typeof r.firstError === 'object' ? JSON.stringify(r.firstError).slice(0, 200) : r.firstError,
	};
}

async function main(): Promise<Record<string, unknown>> {
	const out: Record<string, unknown> = {
		machine: machine(),
		params: { recipients: RECIPIENTS, rates: RATES, million: MILLION, millionRate: MILLION_RATE, baseline: BASELINE, tier: TIER },
	};
	const sandbox = await startSandbox();
	try {
		if (!ONLY || ONLY === 'sender') {
			const d = await freshDb('s');
			try {
				await seed(d.db, RECIPIENTS);
				out.sender = [];
				for (const rate of RATES)
					(out.sender as unknown[]).push(await stage(`sender ${rate}/s`, () => senderRun(sandbox, d, rate, RECIPIENTS, `bench-${rate}`)));
			} finally {
				await d.drop();
			}
		}
		if (BASELINE && (!ONLY || ONLY === 'baseline')) {
			const dir = await ensureN8nNodesBase();
			out.baseline = [];
			for (const rate of BASELINE_RATES)
				(out.baseline as unknown[]).push(await stage(`baseline ${rate}/s`, () => baselineRun(sandbox, dir, rate, RECIPIENTS)));
		}
		if (MILLION > 0 && (!ONLY || ONLY === 'million')) {
			const d = await freshDb('m');
			try {
				log(`seeding ${MILLION} citizens`);
				await seed(d.db, MILLION);
				// Peak RSS over a million rows: a tier that holds nobody back (the tier is measured above).
				out.million = await stage('million', () => senderRun(sandbox, d, MILLION_RATE, MILLION, 'bench-million', 'TIER_UNLIMITED'));
			} finally {
				await d.drop();
			}
		}
	} finally {
		sandbox.child.kill();
	}
	return out;
}

benchMain(main);
