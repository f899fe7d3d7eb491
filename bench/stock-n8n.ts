/**
 * Broadcast in a real n8n 2.x: ours beside the ways an experienced n8n user would pace the stock
 * nodes (issue 19 §4), each fed the same citizens on the same n8n, against the same sandbox at
 * the number's limit. Prints JSON.
 *
 *   naive  Webhook → Code (n citizens) → stock WhatsApp node (Send Template)
 *   loop   … → Loop Over Items of <limit> → WhatsApp → Wait 1 s → back to the loop
 *   http   … → HTTP Request straight at the Cloud API, its batching option: <limit> items per 1,000 ms
 *   mitan  Webhook → Mitan Broadcast "Start and Wait" on a broadcast created from the roster
 *
 * For each: share reached without intervention, achieved ÷ limit, wall time (trigger to the
 * execution's stop), peak RSS of the n8n process tree (main + task runner), the execution's
 * status. Then, per construction, a kill -9 of n8n when half the citizens have the message, a
 * restart, and the re-run a user would do (the same webhook call): who got it twice, who never.
 * n8n keeps its defaults (execution data saved, SQLite replaced by PostgreSQL only so the
 * benchmark can read execution status).
 *
 *   node dist/bench/stock-n8n.js [--recipients 50000] [--rates 1000] [--kinds naive,loop,http,mitan]
 *        [--kill loop,http,mitan] [--kill-rate 1000]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import postgres from 'postgres';
import { createBroadcast, startBroadcast } from '../core/broadcast';
import { repoRoot } from '../cli/n8n';
import type { N8nInstance } from '../scripts/n8n/run';
import {
	arg,
	configureSandbox,
	machine,
	n8nScripts,
	PHONE,
	sb,
	seed,
	TEMPLATES,
	type Sandbox,
	type ScratchDb,
	stage,
	benchMain,
	n8nWorld,
} from './harness';
import { stockCredential, workflow, workflowId, type Construction } from './stock-n8n-workflows';

const N = Number(arg('recipients', '50000'));
const RATES = arg('rates', '1000').split(',').filter(Boolean).map(Number);
const KINDS = arg('kinds', 'naive,loop,http,mitan').split(',').filter(Boolean) as Construction[];
const KILL = arg('kill', 'loop,http,mitan').split(',').filter(Boolean) as Construction[];
const KILL_RATE = Number(arg('kill-rate', String(RATES[RATES.length - 1])));
const TIER = 'TIER_100K';
const { run: n8nRun, credentials: n8nCredentials } = n8nScripts();
const sleep = n8nRun.sleep;

/** RSS of a process and all its descendants (n8n main + its task runner), from /proc. */
function treeRssBytes(rootPid: number): number {
	const parent = new Map<number, number>();
	for (const d of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(d)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
			parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
		} catch {
			/* gone */
		}
	}
	const inTree = (pid: number): boolean => {
		for (let p: number | undefined = pid; p && p > 1; p = parent.get(p)) if (p === rootPid) return true;
		return false;
	};
	let total = 0;
	for (const pid of parent.keys()) {
		if (!inTree(pid)) continue;
		try {
			const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
			if (m) total += Number(m[1]) * 1024;
		} catch {
			/* gone */
		}
	}
	return total;
}

function descendants(rootPid: number): number[] {
	const out: number[] = [];
	for (const d of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(d) || Number(d) === rootPid) continue;
		try {
			const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
			if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === rootPid) out.push(Number(d), ...descendants(Number(d)));
		} catch {
			/* gone */
		}
	}
	return out;
}

interface World {
	sandbox: Sandbox;
	mitanDb: ScratchDb;
	n8n: N8nInstance;
	n8nSql: postgres.Sql;
	day: number;
}

const mainPid = (w: World): number => {
	const p = (w.n8n as unknown as { children: { kind: string; exited: unknown; child: { pid: number } }[] }).children.find(
		(c) => c.kind === 'start' && !c.exited,
	);
	if (!p) throw new Error('n8n main is not running');
	return p.child.pid;
};

async function trigger(w: World, kind: Construction, body: Record<string, unknown>): Promise<number> {
	const before = await lastExecutionId(w, kind);
	const until = Date.now() + 60_000;
	for (;;) {
		const r = await w.n8n.webhook(`bench-${kind}`, body);
		if (r.status === 200) break;
		if (r.status !== 404 || Date.now() > until) throw new Error(`webhook bench-${kind}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
		await sleep(500);
	}
	for (;;) {
		const id = await lastExecutionId(w, kind);
		if (id > before) return id;
		await sleep(100);
	}
}

async function lastExecutionId(w: World, kind: Construction): Promise<number> {
	const [r] = await w.n8nSql<
		{ id: number }[]
	>`SELECT coalesce(max(id::int), 0) AS id FROM execution_entity WHERE "workflowId" = ${workflowId(kind)}`;
	return r.id;
}

async function execution(w: World, id: number): Promise<{ status: string; wallMs: number | null }> {
	const [r] = await w.n8nSql<{ status: string; ms: number | null }[]>`
    SELECT status, (extract(epoch FROM "stoppedAt" - "startedAt") * 1000)::int AS ms FROM execution_entity WHERE id = ${id}`;
	return { status: r?.status ?? 'missing', wallMs: r?.ms ?? null };
}

/**
 * What the failed items say, counted from the execution's stored run data (kept: n8n's default).
 * n8n stores it "flatted": one array, objects refer to their values by index.
 */
async function itemErrors(w: World, id: number): Promise<Record<string, number>> {
	const [r] = await w.n8nSql<{ data: string }[]>`SELECT data FROM execution_data WHERE "executionId" = ${id}`;
	const counts: Record<string, number> = {};
	let flat: unknown[];
	try {
		flat = JSON.parse(r?.data ?? '[]') as unknown[];
	} catch {
		return { 'run data not readable': 1 };
	}
	const at = (i: unknown): unknown => flat[Number(i)];
	for (const x of flat) {
		if (!x || typeof x !== 'object' || !('error' in x) || !('pairedItem' in x)) continue;
		const e = at((x as { error: unknown }).error) as Record<string, unknown> | undefined;
		const msg = String((e && 'message' in e ? at(e.message) : e) ?? 'unknown').slice(0, 100);
		counts[msg] = (counts[msg] ?? 0) + 1;
	}
	return counts;
}

const DONE = new Set(['success', 'error', 'crashed', 'canceled']);

async function body(w: World, kind: Construction, rate: number): Promise<Record<string, unknown>> {
	if (kind !== 'mitan') return { n: N, batch: rate };
	const { broadcast } = await createBroadcast(w.mitanDb.db, {
		contentKey: `bench-n8n-${w.day}`,
		templates: TEMPLATES,
		rateLimitPerSecond: rate,
		date: `2026-09-${String(++w.day).padStart(2, '0')}`,
	});
	await startBroadcast(w.mitanDb.db, broadcast.id);
	return { broadcastId: broadcast.id };
}

async function reach(w: World) {
	const stats = await sb(w.sandbox.url, 'GET', '/_sandbox/whatsapp/stats');
	const t = stats.throughput[PHONE] ?? {};
	const dup = await sb(w.sandbox.url, 'GET', '/_sandbox/whatsapp/duplicates');
	const accepted = Number(t.accepted ?? 0);
	return {
		accepted,
		reached: accepted - Number(dup.extraMessages ?? 0),
		twice: Number(dup.recipients ?? 0),
		rejected130429: Number(t.rejected130429 ?? 0),
		otherErrors: Object.fromEntries(Object.entries(stats.syncErrors ?? {}).filter(([k]) => k !== '130429')),
		achievedPerSecond: Number(t.achievedPerSecond ?? 0),
		peakPerSecond: Number(t.peakPerSecond ?? 0),
	};
}

/** Each measurement on a freshly started n8n: V8 keeps what an earlier run grew, so RSS would be inherited. */
async function freshN8n(w: World): Promise<void> {
	await w.n8n.stop();
	await w.n8n.start();
}

async function run(w: World, kind: Construction, rate: number) {
	await freshN8n(w);
	await configureSandbox(w.sandbox.url, rate, TIER);
	const payload = await body(w, kind, rate);
	// n8n's own footprint before the run (what every construction pays), so the growth is its own.
	await sleep(2000);
	const idle = treeRssBytes(mainPid(w));
	const t0 = Date.now();
	const id = await trigger(w, kind, payload);
	let peak = 0;
	const deadline = Date.now() + ((N / rate) * 4 + 300) * 1000;
	let ex = await execution(w, id);
	while (!DONE.has(ex.status)) {
		if (Date.now() > deadline) throw new Error(`${kind} at ${rate}/s: execution ${id} still ${ex.status} after the deadline`);
		peak = Math.max(peak, treeRssBytes(mainPid(w)));
		await sleep(250);
		ex = await execution(w, id);
	}
	const r = await reach(w);
	return {
		itemErrors: await itemErrors(w, id),
		construction: kind,
		limitPerSecond: rate,
		recipients: N,
		executionStatus: ex.status,
		shareReached: Math.round((r.reached / N) * 1000) / 1000,
		achievedOverLimit: Math.round((r.achievedPerSecond / rate) * 1000) / 1000,
		...r,
		wallSeconds: Math.round((ex.wallMs ?? Date.now() - t0) / 100) / 10,
		peakRssMB: Math.round(peak / 1e5) / 10,
		idleRssMB: Math.round(idle / 1e5) / 10,
		rssGrowthMB: Math.round((peak - idle) / 1e5) / 10,
	};
}

/** kill -9 of n8n (main and task runner) when half the citizens have it, restart, the same call again. */
async function killRun(w: World, kind: Construction, rate: number) {
	await freshN8n(w);
	await configureSandbox(w.sandbox.url, rate, TIER);
	const payload = await body(w, kind, rate);
	const first = await trigger(w, kind, payload);
	const until = Date.now() + ((N / rate) * 4 + 300) * 1000;
	for (;;) {
		const r = await reach(w);
		if (r.accepted >= N / 2) break;
		const ex = await execution(w, first);
		if (DONE.has(ex.status)) throw new Error(`${kind}: finished (${ex.status}) with ${r.accepted} sent before the kill point`);
		if (Date.now() > until) throw new Error(`${kind}: half not reached`);
		await sleep(100);
	}
	const pid = mainPid(w);
	for (const p of [pid, ...descendants(pid)]) {
		try {
			process.kill(p, 'SIGKILL');
		} catch {
			/* gone */
		}
	}
	await sleep(1000);
	const atKill = await reach(w);
	await w.n8n.start();
	await sleep(3000);
	const afterRestart = (await execution(w, first)).status;
	const second = await trigger(w, kind, payload);
	let ex = await execution(w, second);
	while (!DONE.has(ex.status)) {
		if (Date.now() > until + 600_000) throw new Error(`${kind}: the re-run did not finish`);
		await sleep(500);
		ex = await execution(w, second);
	}
	const end = await reach(w);
	return {
		construction: kind,
		limitPerSecond: rate,
		recipients: N,
		sentAtKill: atKill.accepted,
		firstExecutionAfterRestart: afterRestart,
		rerunStatus: ex.status,
		reached: end.reached,
		neverReached: N - end.reached,
		gotItTwice: end.twice,
		extraMessages: end.accepted - end.reached,
	};
}

async function main(): Promise<Record<string, unknown>> {
	const out: Record<string, unknown> = {
		machine: machine(),
		params: { recipients: N, rates: RATES, kinds: KINDS, kill: KILL, killRate: KILL_RATE },
	};
	const world = await n8nWorld('s', {
		env: (sandbox) => ({
			// n8n's own default (the product's start keeps no successful run; a stock user keeps all).
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			NODE_OPTIONS: `--require ${path.join(__dirname, 'stock-n8n-redirect.js')}`,
			MITAN_BENCH_GRAPH_URL: sandbox.url,
		}),
	});
	const { sandbox, mitanDb, n8n, n8nSql, tmp } = world;
	const w: World = { sandbox, mitanDb, n8n, n8nSql, day: 0 };
	try {
		await seed(mitanDb.db, N);
		const { tarball } = n8nRun.packRepo(repoRoot(), tmp);
		n8nRun.installPackage(n8n.userFolder, tarball);
		await n8n.importCredentials([...n8nCredentials.sandboxCredentials({ dbUrl: mitanDb.url, sandboxUrl: sandbox.url }), stockCredential()]);
		const kinds: Construction[] = ['naive', 'loop', 'http', 'mitan'];
		await n8n.importWorkflows(kinds.map((k) => workflow(k, { sandboxUrl: sandbox.url })));
		await n8n.start();
		for (const k of kinds) await n8n.publish(workflowId(k));
		const runs: unknown[] = (out.runs = []);
		for (const rate of RATES) for (const k of KINDS) runs.push(await stage(`${k} ${rate}/s`, () => run(w, k, rate)));
		const kills: unknown[] = (out.killAndRerun = []);
		for (const k of KILL) kills.push(await stage(`kill ${k} ${KILL_RATE}/s`, () => killRun(w, k, KILL_RATE)));
	} finally {
		await world.close();
	}
	return out;
}

benchMain(main);
