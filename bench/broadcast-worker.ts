/**
 * One broadcast sender in its own process: what the benchmark measures (CPU, peak RSS) and what
 * the crash tests kill -9. Reads its job from argv[2] (JSON), prints one JSON line per event on
 * stdout ({"event":"started"|"progress"|"result"|"error", ...}) and exits 0 when the loop ends.
 *
 *   node dist/bench/broadcast-worker.js '{"dbUrl":"postgres://…","baseUrl":"http://127.0.0.1:3900","accessToken":"sandbox-token","phoneNumberId":"100000000000001","broadcastId":1}'
 */
import { createWhatsAppClient } from '../core/channels/whatsapp/client';
import { runSender, type SenderOptions } from '../core/broadcast';
import { openPostgres } from '../core/db';

interface Job {
	dbUrl: string;
	baseUrl: string;
	accessToken: string;
	phoneNumberId: string;
	broadcastId: number;
	options?: Omit<SenderOptions, 'signal' | 'onProgress' | 'log'> & { progressEveryMs?: number };
}

function emit(event: string, data: Record<string, unknown> = {}): void {
	process.stdout.write(`${JSON.stringify({ event, at: Date.now(), ...data })}\n`);
}

async function main(): Promise<void> {
	const job = JSON.parse(process.argv[2] ?? '{}') as Job;
	const db = openPostgres({ url: job.dbUrl, max: 4 });
	const client = createWhatsAppClient(
		{ accessToken: job.accessToken, phoneNumberId: job.phoneNumberId, baseUrl: job.baseUrl },
		{ timeoutMs: 15_000 },
	);
	// Each request's second on this machine's clock, as the sender issued it: the pace two senders
	// kept together is measured here, where a loaded receiver's queueing cannot bunch it up.
	const sendsPerSecond: Record<string, number> = {};
	const sendTemplate = client.sendTemplate.bind(client);
	client.sendTemplate = (to, template) => {
		const s = String(Math.floor(Date.now() / 1000));
		sendsPerSecond[s] = (sendsPerSecond[s] ?? 0) + 1;
		return sendTemplate(to, template);
	};
	const ac = new AbortController();
	process.on('SIGTERM', () => ac.abort());
	process.on('SIGINT', () => ac.abort());
	const cpu0 = process.cpuUsage();
	const t0 = Date.now();
	let peakRss = process.memoryUsage().rss;
	const sampler = setInterval(() => {
		peakRss = Math.max(peakRss, process.memoryUsage().rss);
	}, 100);
	sampler.unref();
	emit('started', { pid: process.pid });
	try {
		const result = await runSender(db, client, job.broadcastId, {
			...job.options,
			signal: ac.signal,
			progressEveryMs: job.options?.progressEveryMs ?? 1000,
			onProgress: (p) => emit('progress', { progress: p }),
		});
		const cpu = process.cpuUsage(cpu0);
		emit('result', {
			result,
			sendsPerSecond,
			wallMs: Date.now() - t0,
			cpuMs: Math.round((cpu.user + cpu.system) / 1000),
			peakRssBytes: Math.max(peakRss, process.resourceUsage().maxRSS * 1024),
		});
	} catch (e) {
		emit('error', { error: (e as Error).message, code: (e as { code?: string }).code });
		process.exitCode = 1;
	} finally {
		clearInterval(sampler);
		client.close();
		await db.close();
	}
}

void main();
