#!/usr/bin/env node
/**
 * Build: type-check everything with tsc, then
 *  - build the n8n community package into packages/n8n-nodes-police-mitan/dist (n8n's rules
 *    forbid runtime `dependencies`, so what the nodes import ships inside it, bundled once in
 *    dist/lib/core.js; n8n-workflow is the peer n8n provides): scripts/build-nodes.js;
 *  - transpile the server (core, dashboard, sandbox, cli, bench) file by file into dist/ for
 *    `npm start`, the CLI and the benchmarks, which run with the repository's `dependencies`;
 *  - copy SQL migrations and static assets.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const esbuild = require('esbuild');
const { buildNodesPackage, walk } = require('./build-nodes');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const quiet = process.argv.includes('--quiet');
const log = (...a) => quiet || console.log(...a);

/**
 * `--if-changed` (npm start): skip the build when nothing it reads has changed since the last
 * one, so a warm start does not spend half a minute type-checking the same sources. The
 * fingerprint is every input's path, size and mtime, written last by a build that succeeded.
 */
const stampFile = path.join(dist, '.build-inputs');
function inputsFingerprint() {
	const skip = (p) => p.includes(`${path.sep}dist${path.sep}`) || p.includes(`${path.sep}node_modules${path.sep}`);
	const roots = ['core', 'dashboard', 'sandbox', 'cli', 'bench', 'nodes', 'credentials', 'scripts', 'workflows', 'packages'];
	const files = roots.flatMap((d) => walk(path.join(root, d), (p) => !skip(p)));
	files.push(...['package.json', 'package-lock.json', 'tsconfig.json'].map((f) => path.join(root, f)));
	const h = crypto.createHash('sha1');
	for (const f of files.sort()) {
		const st = fs.statSync(f, { throwIfNoEntry: false });
		h.update(`${path.relative(root, f)}\0${st ? `${st.size}\0${st.mtimeMs}` : '-'}\n`);
	}
	return h.digest('hex');
}
const fingerprint = inputsFingerprint();
if (process.argv.includes('--if-changed')) {
	const last = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8') : '';
	if (last === fingerprint && fs.existsSync(path.join(root, 'packages', 'n8n-nodes-police-mitan', 'dist'))) {
		log('build: dist/ already matches the sources (skipped; `npm run build` forces it)');
		process.exit(0);
	}
}

fs.rmSync(dist, { recursive: true, force: true });
if (!process.argv.includes('--no-typecheck')) {
	log('type-checking (tsc --noEmit)…');
	execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', path.join(root, 'tsconfig.json')], {
		stdio: 'inherit',
	});
}

// 1. The server, transpiled file by file.
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

// 2. Non-TypeScript assets next to their code.
const assets = dirs.flatMap((d) =>
	walk(path.join(root, d), (p) => /\.(sql|svg|png|json|css|html|js|woff2?)$/.test(p) && !p.endsWith('.d.ts')),
);
for (const a of assets) {
	const to = path.join(dist, path.relative(root, a));
	fs.mkdirSync(path.dirname(to), { recursive: true });
	fs.copyFileSync(a, to);
}
log(`copied ${assets.length} assets`);

// 3. The n8n community package (scripts/build-nodes.js).
buildNodesPackage({ allowMissing: process.argv.includes('--allow-missing'), log })
	.then(() => fs.writeFileSync(stampFile, fingerprint))
	.catch((e) => {
		console.error(e.message);
		process.exit(1);
	});
