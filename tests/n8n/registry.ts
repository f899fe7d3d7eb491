/**
 * A one-package npm registry on a real socket, so a real n8n installs our tarball through its
 * own Community Nodes code (POST /rest/community-packages, what Settings → Community nodes →
 * Install calls): n8n checks the version with the registry, runs `npm pack <name>@<version>`,
 * unpacks it into ~/.n8n/nodes/node_modules, strips dev and peer dependencies, runs
 * `npm install` inside it, records it in ~/.n8n/nodes/package.json and loads it (n8n 2.40.7,
 * community-packages.service.js `installOrUpdatePackage`, `downloadPackage`).
 *
 * n8n always passes `--registry=https://registry.npmjs.org` to npm (another registry,
 * N8N_COMMUNITY_PACKAGES_REGISTRY, needs an enterprise licence), so `npmRedirect` makes an `npm`
 * for n8n's PATH that swaps that one argument for this registry and runs the real npm.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';

export interface Registry {
	url: string;
	/** Paths requested so far (what n8n's npm fetched). */
	requests: string[];
	close(): Promise<void>;
}

export async function serveTarball(tarball: string): Promise<Registry> {
	const bytes = fs.readFileSync(tarball);
	// A registry serves each version's manifest itself: the tarball's own package.json.
	const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as {
		name: string;
		version: string;
	};
	const requests: string[] = [];
	let base = '';
	const file = `${manifest.name}-${manifest.version}.tgz`;
	const version = () => ({
		...manifest,
		_id: `${manifest.name}@${manifest.version}`,
		dist: {
			tarball: `${base}/${manifest.name}/-/${file}`,
			shasum: createHash('sha1').update(bytes).digest('hex'),
			integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
		},
	});
	const server = http.createServer((req, res) => {
		const p = decodeURIComponent((req.url ?? '/').split('?')[0]);
		requests.push(p);
		const json = (body: unknown) => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (p === `/${manifest.name}`) {
			return json({ name: manifest.name, 'dist-tags': { latest: manifest.version }, versions: { [manifest.version]: version() } });
		}
		if (p === `/${manifest.name}/${manifest.version}` || p === `/${manifest.name}/latest`) return json(version());
		if (p === `/${manifest.name}/-/${file}`) {
			res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
			return res.end(bytes);
		}
		res.writeHead(404, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ error: 'Not found' }));
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url: base,
		requests,
		close: () =>
			new Promise<void>((r) => {
				server.closeAllConnections();
				server.close(() => r());
			}),
	};
}

/** n8n's default registry argument (community-packages.service.js DEFAULT_REGISTRY). */
const N8N_REGISTRY_ARG = '--registry=https://registry.npmjs.org';

/**
 * A folder holding an `npm` that runs the real npm (found on this process's PATH) with n8n's
 * registry argument pointed at `registryUrl`; put it first on n8n's PATH.
 */
export function npmRedirect(registryUrl: string, dir: string): string {
	const realNpm = execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
	const bin = path.join(dir, 'npm-redirect');
	fs.mkdirSync(bin, { recursive: true });
	fs.writeFileSync(
		path.join(bin, 'npm'),
		`#!/usr/bin/env node
const { spawnSync } = require('child_process');
const args = process.argv.slice(2).map((a) => (a === ${JSON.stringify(N8N_REGISTRY_ARG)} ? ${JSON.stringify(`--registry=${registryUrl}`)} : a));
const r = spawnSync(${JSON.stringify(realNpm)}, args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
`,
		{ mode: 0o755 },
	);
	return bin;
}
