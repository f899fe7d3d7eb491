/**
 * Spawns a broadcast sender in its own process (bench/broadcast-worker.ts, bundled once with
 * esbuild), so tests can kill -9 it at any moment and run another. Events arrive as JSON lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');
let bundled: string | undefined;

/** Bundles the worker entry (our TypeScript, packages left external and found via NODE_PATH). */
export function workerScript(): string {
	if (bundled && fs.existsSync(bundled)) return bundled;
	const out = path.join(os.tmpdir(), `mitan-broadcast-worker-${process.pid}.js`);
	buildSync({
		entryPoints: [path.join(ROOT, 'bench/broadcast-worker.ts')],
		bundle: true,
		platform: 'node',
		target: 'node20',
		format: 'cjs',
		packages: 'external',
		outfile: out,
		logLevel: 'error',
	});
	bundled = out;
	return out;
}

export interface SenderJob {
	dbUrl: string;
	baseUrl: string;
	accessToken: string;
	phoneNumberId: string;
	broadcastId: number;
	options?: Record<string, unknown>;
}

export interface SenderEvent {
	event: 'started' | 'progress' | 'result' | 'error';
	at: number;
	[k: string]: any;
}

export interface SpawnedSender {
	child: ChildProcess;
	events: SenderEvent[];
	/** Resolves with the exit code (null when killed) and the signal. */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** Waits until pred(events) holds (or the process exits). */
	until(pred: (events: SenderEvent[]) => boolean, timeoutMs?: number): Promise<void>;
	kill9(): Promise<void>;
	stderr(): string;
}

export function spawnSender(job: SenderJob): SpawnedSender {
	const child = spawn(process.execPath, [workerScript(), JSON.stringify(job)], {
		env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const events: SenderEvent[] = [];
	let buf = '';
	let err = '';
	let listeners: (() => void)[] = [];
	const tick = () => {
		const l = listeners;
		listeners = [];
		l.forEach((f) => f());
	};
	child.stdout!.on('data', (c: Buffer) => {
		buf += c.toString('utf8');
		let i: number;
		while ((i = buf.indexOf('\n')) >= 0) {
			const line = buf.slice(0, i);
			buf = buf.slice(i + 1);
			try {
				events.push(JSON.parse(line) as SenderEvent);
			} catch {
				err += line + '\n';
			}
		}
		tick();
	});
	child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
	let isExited = false;
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
		child.on('exit', (code, signal) => {
			isExited = true;
			tick();
			r({ code, signal });
		}),
	);
	return {
		child,
		events,
		exited,
		stderr: () => err,
		async until(pred, timeoutMs = 60_000) {
			const end = Date.now() + timeoutMs;
			while (!pred(events)) {
				if (isExited) return;
				if (Date.now() > end) throw new Error(`sender child: condition not met in ${timeoutMs} ms; stderr: ${err.slice(-2000)}`);
				await new Promise<void>((r) => {
					const t = setTimeout(r, 20);
					listeners.push(() => {
						clearTimeout(t);
						r();
					});
				});
			}
		},
		async kill9() {
			if (!isExited) child.kill('SIGKILL');
			await exited;
		},
	};
}

export function resultOf(s: SpawnedSender): SenderEvent | undefined {
	return s.events.find((e) => e.event === 'result');
}
