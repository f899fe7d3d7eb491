#!/usr/bin/env node
/**
 * Build: type-check everything with tsc, then
 *  - bundle each n8n node and credential listed in package.json into one CommonJS file with
 *    esbuild (n8n's rules forbid runtime `dependencies`, so what a node imports ships inside it;
 *    n8n-workflow is the peer n8n provides);
 *  - transpile the rest (core, dashboard, sandbox, cli, bench) file by file into dist/ for
 *    `npm start`, the CLI and the benchmarks, which run from the repository with its node_modules;
 *  - copy SQL migrations, icons and static assets.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const quiet = process.argv.includes('--quiet');
const log = (...a) => quiet || console.log(...a);

function walk(dir, pred, out = []) {
	if (!fs.existsSync(dir)) return out;
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) walk(p, pred, out);
		else if (pred(p)) out.push(p);
	}
	return out;
}

fs.rmSync(dist, { recursive: true, force: true });
if (!process.argv.includes('--no-typecheck')) {
	log('type-checking (tsc --noEmit)…');
	execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', path.join(root, 'tsconfig.json')], {
		stdio: 'inherit',
	});
}

// 1. n8n entry points, bundled.
const entries = [...pkg.n8n.nodes, ...pkg.n8n.credentials].map((d) => ({
	out: path.join(root, d),
	src: path.join(root, d.replace(/^dist\//, '').replace(/\.js$/, '.ts')),
}));
const missing = entries.filter((e) => !fs.existsSync(e.src));
if (missing.length && process.argv.includes('--allow-missing')) {
	console.warn(`skipping ${missing.length} listed n8n files without sources (--allow-missing)`);
	entries.splice(0, entries.length, ...entries.filter((e) => fs.existsSync(e.src)));
} else if (missing.length) {
	console.error(
		`package.json lists n8n files whose sources do not exist:\n  ${missing.map((m) => path.relative(root, m.src)).join('\n  ')}`,
	);
	process.exit(1);
}
for (const e of entries) {
	esbuild.buildSync({
		entryPoints: [e.src],
		outfile: e.out,
		bundle: true,
		platform: 'node',
		target: 'node20',
		format: 'cjs',
		keepNames: true,
		minify: true,
		sourcemap: false,
		legalComments: 'none',
		logLevel: 'warning',
		// Provided by n8n, or never reached from a node (the embedded engine and image conversion
		// live in the gateway / CLI process).
		external: ['n8n-workflow', '@electric-sql/pglite', '@electric-sql/pglite-socket', 'sharp', 'express'],
	});
}
log(`bundled ${entries.length} n8n entry points`);

// 2. Everything else, transpiled file by file.
const dirs = ['core', 'dashboard', 'sandbox', 'cli', 'bench'];
const tsFiles = dirs.flatMap((d) => walk(path.join(root, d), (p) => p.endsWith('.ts') && !p.endsWith('.d.ts')));
esbuild.buildSync({
	entryPoints: tsFiles,
	outdir: dist,
	outbase: root,
	bundle: false,
	platform: 'node',
	target: 'node20',
	format: 'cjs',
	sourcemap: true,
	logLevel: 'warning',
});
log(`transpiled ${tsFiles.length} files`);

// 3. Non-TypeScript assets next to their code.
const assets = [...dirs, 'nodes', 'credentials'].flatMap((d) =>
	walk(path.join(root, d), (p) => /\.(sql|svg|png|json|css|html|js|woff2?)$/.test(p) && !p.endsWith('.d.ts')),
);
for (const a of assets) {
	const to = path.join(dist, path.relative(root, a));
	fs.mkdirSync(path.dirname(to), { recursive: true });
	fs.copyFileSync(a, to);
}
log(`copied ${assets.length} assets`);
