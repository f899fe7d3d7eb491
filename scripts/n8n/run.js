'use strict';
/**
 * Runs a real n8n (the cached install from ./install.js) with this package installed as a
 * community package: CLI commands, `n8n start`, `n8n worker`, health waits, owner login,
 * publishing and webhook calls. Plain Node (no TypeScript) so it works before any build; the
 * real-n8n tests (tests/n8n) and `npm start` (cli/n8n.ts) both use it.
 *
 * Facts it relies on (checked in the n8n 2.40.7 dist):
 * - a package unpacked at $N8N_USER_FOLDER/.n8n/nodes/node_modules/<name> is loaded with the
 *   type prefix `<name>.`; n8n-workflow comes from n8n itself;
 * - `import:workflow` always imports inactive in regular mode; `publish:workflow` only takes
 *   effect at the next start, so a running instance is published through the REST API
 *   (owner login, POST /rest/workflows/:id/activate) instead;
 * - the owner is created at start from N8N_INSTANCE_OWNER_MANAGED_BY_ENV + EMAIL +
 *   PASSWORD_HASH (bcrypt; n8n's own bcryptjs makes it);
 * - every n8n process starts a task-runner broker (N8N_RUNNERS_BROKER_PORT, default 5679) and a
 *   worker its health server: several processes on one machine need distinct ports.
 */
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn, execFileSync } = require('node:child_process');
const { n8nPaths, ensureN8n } = require('./install');
const { readInventory } = require('./inventory');

const PACKAGE_NAME = 'n8n-nodes-police-mitan';

/** A TCP port free right now on 127.0.0.1. */
function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/** bcrypt hash for N8N_INSTANCE_OWNER_PASSWORD_HASH, made with n8n's own bcryptjs. */
function bcryptHash(password, paths = n8nPaths()) {
	const bcrypt = require(path.join(paths.nodeModules, 'bcryptjs'));
	return bcrypt.hashSync(password, 10);
}

/** The published community package inside the repository (its own manifest; built by scripts/build-nodes.js). */
const PACKAGE_DIR = path.join('packages', PACKAGE_NAME);

/**
 * `npm pack` of the community package of the repository at repoRoot (needs a built dist/).
 * Returns the tarball path. Refuses a tarball whose package.json lists n8n files that are
 * missing, unless allowMissing: n8n would refuse to load the whole package.
 */
function packRepo(repoRoot, destDir, { allowMissing = false } = {}) {
	const pkgDir = path.join(repoRoot, PACKAGE_DIR);
	const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
	const listed = [...pkg.n8n.nodes, ...pkg.n8n.credentials];
	const missing = listed.filter((f) => !fs.existsSync(path.join(pkgDir, f)));
	if (missing.length && !allowMissing) {
		throw new Error(`cannot pack ${pkg.name}: run \`npm run build\` first; missing built files:\n  ${missing.join('\n  ')}`);
	}
	fs.mkdirSync(destDir, { recursive: true });
	const out = execFileSync('npm', ['pack', '--pack-destination', destDir, '--silent'], { cwd: pkgDir, encoding: 'utf8' });
	const file = out.trim().split('\n').pop();
	return { tarball: path.join(destDir, file), missing };
}

/**
 * Unpacks a tarball as an installed community package. With `onlyPresent`, the package.json
 * n8n lists are trimmed to the files present (a partial build during development).
 */
function installPackage(userFolder, tarball, { onlyPresent = false } = {}) {
	const dir = path.join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	execFileSync('tar', ['xzf', tarball, '-C', dir, '--strip-components=1']);
	// n8n's community-package scan reads this manifest to know what is installed.
	const nodesPkg = path.join(userFolder, '.n8n', 'nodes', 'package.json');
	const pkgJson = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
	fs.writeFileSync(
		nodesPkg,
		JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: pkgJson.version } }, null, 2),
	);
	if (onlyPresent) {
		for (const key of ['nodes', 'credentials']) pkgJson.n8n[key] = pkgJson.n8n[key].filter((f) => fs.existsSync(path.join(dir, f)));
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkgJson, null, 2));
	}
	return dir;
}

/**
 * One n8n instance: a user folder, a database, an encryption key and ports.
 * db: { type: 'postgresdb', host, port, database, user, password } | { type: 'sqlite' }.
 */
class N8nInstance {
	constructor(opts) {
		this.paths = opts.paths || n8nPaths();
		this.userFolder = opts.userFolder || fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-n8n-'));
		this.port = opts.port;
		this.db = opts.db || { type: 'sqlite' };
		this.encryptionKey = opts.encryptionKey || 'mitan-test-encryption-key-0000000000';
		this.queue = opts.queue || null; // { host, port, prefix }
		this.owner = opts.owner || { email: 'owner@mitan.local', password: 'Mitan-Owner-1234', firstName: 'Cyber', lastName: 'Cell' };
		this.extraEnv = opts.env || {};
		this.log = opts.log || (() => {});
		this.logDir = opts.logDir || path.join(this.userFolder, 'logs');
		this.publicUrl = opts.publicUrl || `http://127.0.0.1:${this.port}`;
		this.children = [];
		this.cookie = null;
		fs.mkdirSync(this.logDir, { recursive: true });
	}

	get baseUrl() {
		return `http://127.0.0.1:${this.port}`;
	}

	/** Environment of every n8n process of this instance (`_role` start|worker|cli: the same for each today). */
	env(_role = 'cli', extra = {}) {
		const e = {
			...process.env,
			PATH: `${this.paths.nodeBinDir}${path.delimiter}${process.env.PATH || ''}`,
			NODE_ENV: 'production',
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_PORT: String(this.port),
			WEBHOOK_URL: `${this.publicUrl}/`,
			N8N_EDITOR_BASE_URL: `${this.publicUrl}/`,
			GENERIC_TIMEZONE: 'Asia/Kolkata',
			TZ: 'Asia/Kolkata',
			N8N_LOG_LEVEL: process.env.MITAN_N8N_LOG_LEVEL || 'info',
			N8N_LOG_OUTPUT: 'console',
			N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
			N8N_INSTANCE_OWNER_EMAIL: this.owner.email,
			N8N_INSTANCE_OWNER_FIRST_NAME: this.owner.firstName,
			N8N_INSTANCE_OWNER_LAST_NAME: this.owner.lastName,
			N8N_INSTANCE_OWNER_PASSWORD_HASH: this.ownerHash(),
			// A run's data holds the citizen's message: failed runs only, pruned (n8n's default) after 7 days; an
			// unsaved run is only marked deleted until the hard-delete job: every minute, not 15 (docs/security.md §6).
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
			EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'false',
			EXECUTIONS_DATA_MAX_AGE: '168',
			EXECUTIONS_DATA_PRUNE_HARD_DELETE_INTERVAL: '1',
			DB_TYPE: this.db.type,
		};
		// The test harness of the repository sets these; they must not leak into n8n.
		delete e.N8N_CUSTOM_EXTENSIONS;
		delete e.JEST_WORKER_ID;
		if (this.db.type === 'postgresdb') {
			Object.assign(e, {
				DB_POSTGRESDB_HOST: this.db.host || '127.0.0.1',
				DB_POSTGRESDB_PORT: String(this.db.port || 5432),
				DB_POSTGRESDB_DATABASE: this.db.database,
				DB_POSTGRESDB_USER: this.db.user || 'postgres',
				DB_POSTGRESDB_PASSWORD: this.db.password || '',
			});
		}
		if (this.queue) {
			Object.assign(e, {
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: this.queue.host || '127.0.0.1',
				QUEUE_BULL_REDIS_PORT: String(this.queue.port || 6379),
				QUEUE_BULL_PREFIX: this.queue.prefix || `mitan-${process.pid}`,
				OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			});
		}
		return { ...e, ...this.extraEnv, ...extra };
	}

	ownerHash() {
		if (!this._hash) this._hash = bcryptHash(this.owner.password, this.paths);
		return this._hash;
	}

	/** Runs one n8n CLI command to completion; resolves its output, rejects with it. */
	cli(args, { timeoutMs = 180000 } = {}) {
		return new Promise((resolve, reject) => {
			const child = spawn(this.paths.nodeBin, [this.paths.n8nBin, ...args], { env: this.env('cli'), stdio: ['ignore', 'pipe', 'pipe'] });
			let out = '';
			child.stdout.on('data', (b) => (out += b));
			child.stderr.on('data', (b) => (out += b));
			const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
			child.on('error', reject);
			child.on('close', (code, signal) => {
				clearTimeout(timer);
				if (code === 0) resolve(out);
				else reject(new Error(`n8n ${args.join(' ')} failed (${signal || `exit ${code}`}):\n${out.slice(-6000)}`));
			});
		});
	}

	/** Imports credentials given as objects ({id, name, type, data}); data is encrypted on import. */
	async importCredentials(creds) {
		const file = path.join(this.userFolder, `credentials-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify(creds, null, 2), { mode: 0o600 });
		try {
			return await this.cli(['import:credentials', `--input=${file}`]);
		} finally {
			fs.rmSync(file, { force: true });
		}
	}

	/** Imports workflow objects (each keeps its id) in one CLI call. */
	async importWorkflows(workflows) {
		const dir = fs.mkdtempSync(path.join(this.userFolder, 'wf-'));
		workflows.forEach((w, i) => fs.writeFileSync(path.join(dir, `${String(i).padStart(2, '0')}.json`), JSON.stringify(w)));
		try {
			return await this.cli(['import:workflow', '--separate', `--input=${dir}`]);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}

	/** What this instance's SQLite database holds (./inventory.js). */
	inventory(opts) {
		return readInventory(this, opts);
	}

	/**
	 * Starts a long-running process: `start` (main) or `worker`. Resolves once it is healthy.
	 * Output goes to <logDir>/<name>.log (read by tests when something fails).
	 */
	async spawnProcess(kind, { name = kind, concurrency = 5, timeoutMs = 180000 } = {}) {
		const brokerPort = await freePort();
		const extra = { N8N_RUNNERS_BROKER_PORT: String(brokerPort) };
		let healthUrl = `${this.baseUrl}/healthz/readiness`;
		const args = [this.paths.n8nBin, kind];
		if (kind === 'worker') {
			const hp = await freePort();
			Object.assign(extra, {
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(hp),
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			});
			healthUrl = `http://127.0.0.1:${hp}/healthz/readiness`;
			args.push(`--concurrency=${concurrency}`);
		}
		const logFile = path.join(this.logDir, `${name}.log`);
		const out = fs.openSync(logFile, 'a');
		const child = spawn(this.paths.nodeBin, args, { env: this.env(kind, extra), stdio: ['ignore', out, out], detached: false });
		fs.closeSync(out);
		const proc = { name, kind, child, logFile, healthUrl, exited: null };
		child.on('exit', (code, signal) => (proc.exited = { code, signal }));
		this.children.push(proc);
		this.log(`n8n ${kind} "${name}" started (pid ${child.pid}); log ${logFile}`);
		await this.waitHealthy(proc, timeoutMs);
		this.log(`n8n ${kind} "${name}" is ready`);
		return proc;
	}

	start(opts) {
		return this.spawnProcess('start', { name: 'main', ...opts });
	}

	worker(name, opts) {
		return this.spawnProcess('worker', { name, ...opts });
	}

	async waitHealthy(proc, timeoutMs) {
		const until = Date.now() + timeoutMs;
		while (Date.now() < until) {
			if (proc.exited)
				throw new Error(
					`n8n ${proc.kind} "${proc.name}" exited (${JSON.stringify(proc.exited)}) before it was ready:\n${tail(proc.logFile)}`,
				);
			try {
				const r = await fetch(proc.healthUrl, { signal: AbortSignal.timeout(2000) });
				if (r.ok) return;
			} catch {
				/* not listening yet */
			}
			await sleep(500);
		}
		throw new Error(`n8n ${proc.kind} "${proc.name}" not ready after ${timeoutMs / 1000} s:\n${tail(proc.logFile)}`);
	}

	/** Stops every process of this instance (SIGTERM, then SIGKILL after graceMs). */
	async stop({ graceMs = 15000 } = {}) {
		const procs = this.children.splice(0).reverse();
		await Promise.all(
			procs.map(async (p) => {
				if (p.exited) return;
				p.child.kill('SIGTERM');
				const until = Date.now() + graceMs;
				while (!p.exited && Date.now() < until) await sleep(200);
				if (!p.exited) p.child.kill('SIGKILL');
				while (!p.exited) await sleep(50);
			}),
		);
	}

	/** Logs in as the owner (REST API of the editor); keeps the cookie. */
	async login() {
		this.browserId = crypto.randomUUID();
		const r = await fetch(`${this.baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': this.browserId },
			body: JSON.stringify({ emailOrLdapLoginId: this.owner.email, password: this.owner.password }),
		});
		if (!r.ok) throw new Error(`n8n login failed: HTTP ${r.status} ${await r.text()}`);
		const setCookie = r.headers.getSetCookie ? r.headers.getSetCookie() : [r.headers.get('set-cookie')];
		this.cookie = setCookie.map((c) => String(c).split(';')[0]).join('; ');
		return this.cookie;
	}

	async rest(method, p, body) {
		if (!this.cookie) await this.login();
		const r = await fetch(`${this.baseUrl}/rest${p}`, {
			method,
			headers: { 'content-type': 'application/json', cookie: this.cookie, 'browser-id': this.browserId },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await r.text();
		if (!r.ok) throw new Error(`n8n ${method} /rest${p}: HTTP ${r.status} ${text.slice(0, 2000)}`);
		const json = text ? JSON.parse(text) : {};
		return json.data !== undefined ? json.data : json;
	}

	/** Publishes (activates) a workflow on the running instance. */
	async publish(workflowId) {
		const wf = await this.rest('GET', `/workflows/${workflowId}`);
		return this.rest('POST', `/workflows/${workflowId}/activate`, { versionId: wf.versionId });
	}

	async unpublish(workflowId) {
		return this.rest('POST', `/workflows/${workflowId}/deactivate`, {});
	}

	/** Calls a production webhook of an active workflow. */
	async webhook(pathSuffix, body = {}, method = 'POST', headers = {}) {
		const r = await fetch(`${this.baseUrl}/webhook/${pathSuffix}`, {
			method,
			headers: { 'content-type': 'application/json', ...headers },
			body: method === 'GET' ? undefined : JSON.stringify(body),
		});
		const text = await r.text();
		return { status: r.status, body: text };
	}

	/** The last lines of every process log (for test failure messages). */
	logs(lines = 60) {
		return fs
			.readdirSync(this.logDir)
			.map((f) => `--- ${f}\n${tail(path.join(this.logDir, f), lines)}`)
			.join('\n');
	}

	cleanup() {
		fs.rmSync(this.userFolder, { recursive: true, force: true });
	}
}

function tail(file, lines = 60) {
	try {
		return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

/** Polls fn until it returns a truthy value; throws with describe() on timeout. */
async function waitFor(fn, { timeoutMs = 60000, intervalMs = 500, describe = () => 'condition' } = {}) {
	const until = Date.now() + timeoutMs;
	let last;
	while (Date.now() < until) {
		last = await fn();
		if (last) return last;
		await sleep(intervalMs);
	}
	throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${await describe(last)}`);
}

module.exports = {
	PACKAGE_NAME,
	PACKAGE_DIR,
	N8nInstance,
	ensureN8n,
	n8nPaths,
	freePort,
	bcryptHash,
	packRepo,
	installPackage,
	waitFor,
	sleep,
	tail,
};
