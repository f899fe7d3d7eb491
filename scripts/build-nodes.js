'use strict';
/**
 * The n8n community package (packages/n8n-nodes-police-mitan), built from the top-level nodes/,
 * credentials/ and core/ sources into the package's dist/:
 *
 *   dist/lib/core.js            every module the nodes share (core/, nodes/shared/, and the npm
 *                               libraries they use: postgres.js, libphonenumber-js, jszip, …),
 *                               bundled ONCE;
 *   dist/lib/migrations/*.sql   the schema migrations, which the nodes apply on first use;
 *   dist/nodes/X/X.node.js      one bundle per node with only the code of its own folder; every
 *   dist/credentials/Y.js       import outside that folder becomes require('../../lib/core.js').
 *
 * Why one shared file: n8n `require`s each node file separately, so a module bundled into two
 * node files is two module instances. With core inside every bundle (as before), "one pool per
 * database URL" became one pool per node type, and each bundle had its own MitanError class.
 * Node's require cache makes dist/lib/core.js one instance per n8n process.
 *
 * esbuild's own code splitting only emits ESM, which n8n's loader and lint do not take (they
 * `require` CommonJS), hence the shim: for each shared import a node bundle gets a tiny module
 * `module.exports = require("../../lib/core.js").load("core/errors.ts")`, and the library maps
 * each key to the bundled module, initialised on first load.
 */
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
/** The published package: its own manifest, LICENSE and README; its dist/ is built here. */
const PACKAGE_DIR = path.join(root, 'packages', 'n8n-nodes-police-mitan');
const LIB = 'dist/lib/core.js';
/** Provided by n8n itself (the package's only peer). */
const PROVIDED = ['n8n-workflow'];

const common = {
	bundle: true,
	platform: 'node',
	target: 'node20',
	format: 'cjs',
	keepNames: true,
	minify: true,
	sourcemap: false,
	legalComments: 'none',
	logLevel: 'warning',
};

const posix = (p) => p.split(path.sep).join('/');
const inside = (file, dir) => !path.relative(dir, file).startsWith('..');

/**
 * An esbuild plugin for one node (or credential) bundle: imports resolving inside `ownDir` are
 * bundled; any other file or npm library is taken from the shared library (and its key recorded
 * in `shared`); n8n-workflow and Node built-ins stay plain requires.
 */
function shareOutside(ownDir, outFile, shared) {
	let libRequest = posix(path.relative(path.dirname(outFile), path.join(PACKAGE_DIR, LIB)));
	if (!libRequest.startsWith('.')) libRequest = `./${libRequest}`;
	return {
		name: 'mitan-share-outside',
		setup(build) {
			build.onResolve({ filter: /.*/ }, async (args) => {
				if (args.kind === 'entry-point' || args.pluginData === 'inner') return undefined;
				if (args.namespace === 'mitan-shared') return { path: args.path, external: true };
				const r = await build.resolve(args.path, {
					kind: args.kind,
					importer: args.importer,
					resolveDir: args.resolveDir,
					pluginData: 'inner',
				});
				if (r.errors.length) return { errors: r.errors };
				if (r.external || inside(r.path, ownDir)) return r;
				const key = posix(path.relative(root, r.path));
				shared.add(key);
				return { path: key, namespace: 'mitan-shared' };
			});
			build.onLoad({ filter: /.*/, namespace: 'mitan-shared' }, (args) => ({
				contents: `module.exports = require(${JSON.stringify(libRequest)}).load(${JSON.stringify(args.path)});`,
				loader: 'js',
			}));
		},
	};
}

/** The shared library: one lazily initialised module per key the node bundles asked for. */
function buildLibrary(keys) {
	const table = [...keys]
		.sort()
		.map((k) => `\t${JSON.stringify(k)}: () => require(${JSON.stringify(path.join(root, k))}),`)
		.join('\n');
	const contents = `const modules = {\n${table}\n};
const loaded = new Map();
/** The shared module under a source path (e.g. "core/errors.ts"), one instance per process. */
exports.load = (key) => {
	if (!loaded.has(key)) {
		const init = modules[key];
		if (!init) throw new Error('n8n-nodes-police-mitan: ' + key + ' is not in dist/lib/core.js; rebuild the package');
		loaded.set(key, init());
	}
	return loaded.get(key);
};
exports.keys = () => Object.keys(modules);`;
	esbuild.buildSync({
		...common,
		stdin: { contents, resolveDir: root, sourcefile: 'mitan-shared-library.js', loader: 'js' },
		outfile: path.join(PACKAGE_DIR, LIB),
		external: PROVIDED,
	});
	// core/db/migrate.ts reads its migrations next to itself (__dirname is dist/lib once bundled).
	const from = path.join(root, 'core', 'db', 'migrations');
	const to = path.join(PACKAGE_DIR, 'dist', 'lib', 'migrations');
	fs.mkdirSync(to, { recursive: true });
	for (const f of fs.readdirSync(from).filter((x) => x.endsWith('.sql'))) fs.copyFileSync(path.join(from, f), path.join(to, f));
}

/**
 * Builds the package. Returns the list of entry points built and the shared keys. With
 * `allowMissing`, listed files without sources are skipped (development while nodes are written).
 */
async function buildNodesPackage({ allowMissing = false, log = () => undefined } = {}) {
	const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8'));
	fs.rmSync(path.join(PACKAGE_DIR, 'dist'), { recursive: true, force: true });
	let entries = [...pkg.n8n.nodes, ...pkg.n8n.credentials].map((d) => ({
		out: path.join(PACKAGE_DIR, d),
		src: path.join(root, d.replace(/^dist\//, '').replace(/\.js$/, '.ts')),
	}));
	const missing = entries.filter((e) => !fs.existsSync(e.src));
	if (missing.length && !allowMissing) {
		throw new Error(
			`packages/n8n-nodes-police-mitan/package.json lists n8n files whose sources do not exist:\n  ${missing.map((m) => path.relative(root, m.src)).join('\n  ')}`,
		);
	}
	if (missing.length) log(`skipping ${missing.length} listed n8n files without sources (--allow-missing)`);
	entries = entries.filter((e) => fs.existsSync(e.src));

	const shared = new Set();
	await Promise.all(
		entries.map((e) =>
			esbuild.build({
				...common,
				entryPoints: [e.src],
				outfile: e.out,
				external: PROVIDED,
				plugins: [shareOutside(path.dirname(e.src), e.out, shared)],
			}),
		),
	);
	buildLibrary(shared);

	// Icons next to the code that names them (`file:../shared/mitan.svg`).
	for (const dir of ['nodes', 'credentials']) {
		for (const f of walk(path.join(root, dir), (p) => /\.(svg|png|json)$/.test(p))) {
			const to = path.join(PACKAGE_DIR, 'dist', path.relative(root, f));
			fs.mkdirSync(path.dirname(to), { recursive: true });
			fs.copyFileSync(f, to);
		}
	}
	log(`bundled ${entries.length} n8n entry points around one shared ${LIB} (${shared.size} shared modules)`);
	return { entries: entries.map((e) => path.relative(PACKAGE_DIR, e.out)), shared: [...shared].sort() };
}

function walk(dir, pred, out = []) {
	if (!fs.existsSync(dir)) return out;
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) walk(p, pred, out);
		else if (pred(p)) out.push(p);
	}
	return out;
}

module.exports = { PACKAGE_DIR, LIB, buildNodesPackage, walk };
