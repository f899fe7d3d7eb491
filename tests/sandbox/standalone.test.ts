/**
 * `npm run sandbox`: the sandbox as its own process takes where it listens and which behaviour
 * file it reads from the project's one settings resolver (SANDBOX_HOST, SANDBOX_PORT, SANDBOX_CONFIG).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { call, trustSandbox } from './helpers';

const ROOT = path.resolve(__dirname, '../..');

test('listens on SANDBOX_HOST:SANDBOX_PORT with the SANDBOX_CONFIG file', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-sandbox-'));
	const script = path.join(dir, 'server.js');
	buildSync({
		entryPoints: [path.join(ROOT, 'sandbox/server.ts')],
		bundle: true,
		platform: 'node',
		target: 'node20',
		format: 'cjs',
		packages: 'external',
		outfile: script,
		logLevel: 'error',
	});
	const file = path.join(dir, 'sandbox.config.json');
	fs.writeFileSync(file, JSON.stringify({ seed: 4242 }));
	const child = spawn(process.execPath, [script], {
		env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules'), SANDBOX_PORT: '0', SANDBOX_HOST: '127.0.0.1', SANDBOX_CONFIG: file },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	try {
		const line = await new Promise<string>((resolve, reject) => {
			let out = '';
			let err = '';
			child.stdout!.on('data', (c: Buffer) => {
				out += c.toString();
				if (out.includes('\n')) resolve(out.split('\n')[0]);
			});
			child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
			child.once('exit', (code) => reject(new Error(`sandbox exited ${code}: ${err}`)));
		});
		const started = JSON.parse(line) as { sandbox: string; config: string; token: string };
		expect(started.config).toBe(file);
		const url = new URL(started.sandbox);
		expect(url.hostname).toBe('127.0.0.1');
		expect(Number(url.port)).toBeGreaterThan(0);
		// The inspection API wants the token this run generated and printed (issue 18 finding 9).
		expect((await fetch(`${started.sandbox}/_sandbox/config`)).status).toBe(401);
		trustSandbox({ url: started.sandbox, token: started.token });
		const config = (await call(started.sandbox, 'GET', '/_sandbox/config')).body as { seed: number };
		expect(config.seed).toBe(4242);
	} finally {
		child.kill();
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
