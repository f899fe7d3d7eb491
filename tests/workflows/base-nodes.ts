/**
 * n8n's own nodes (Schedule Trigger, Webhook, If…) from the cached n8n install, loaded one file
 * each. n8n-core's PackageDirectoryLoader cannot be used for n8n-nodes-base under jest: it
 * requires every one of its ~500 node files before filtering, and some (GitHub, Box, Mautic…)
 * require the ESM-only `change-case`, which jest's module runtime refuses ("Must use import to
 * load ES Module"). Plain Node 20 loads them fine.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { INodeType, IVersionedNodeType } from 'n8n-workflow';
import { n8nPaths } from '../../scripts/n8n/install';

const FILES: Record<string, string> = {
	scheduleTrigger: 'Schedule/ScheduleTrigger.node.js',
	webhook: 'Webhook/Webhook.node.js',
	errorTrigger: 'ErrorTrigger/ErrorTrigger.node.js',
	set: 'Set/Set.node.js',
	if: 'If/If.node.js',
	merge: 'Merge/Merge.node.js',
	code: 'Code/Code.node.js',
	stickyNote: 'StickyNote/StickyNote.node.js',
};

/**
 * n8n's nodes that jest cannot require (their dependencies are ESM-only: the Form Trigger pulls in
 * sanitize-html → htmlparser2). Plain Node loads them in a child process and hands back the real
 * description; tests never run these triggers (a run starts at the node after them), so the
 * description is all a workflow needs here.
 */
const DESCRIPTION_ONLY: Record<string, string> = {
	formTrigger: 'Form/FormTrigger.node.js',
};

const described = new Map<string, INodeType>();

function describedInChild(file: string): INodeType {
	const known = described.get(file);
	if (known) return known;
	const script = `const m = require(${JSON.stringify(file)}); const C = Object.values(m)[0]; const n = new C();
const d = n.nodeVersions ? n.nodeVersions[n.currentVersion].description : n.description;
process.stdout.write(JSON.stringify({ ...d, version: n.nodeVersions ? Object.keys(n.nodeVersions).map(Number) : d.version }));`;
	const description = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }));
	const type = { description } as INodeType;
	described.set(file, type);
	return type;
}

export function baseNodeTypes(
	names: string[] = [...Object.keys(FILES), ...Object.keys(DESCRIPTION_ONLY)],
): Record<string, INodeType | IVersionedNodeType> {
	const dir = path.join(n8nPaths().nodesBase, 'dist', 'nodes');
	if (!fs.existsSync(dir))
		throw new Error(`n8n-nodes-base is not installed at ${dir}: run \`node scripts/n8n/install.js\` first (CI runs it before the tests)`);
	const out: Record<string, INodeType | IVersionedNodeType> = {};
	for (const name of names) {
		if (DESCRIPTION_ONLY[name]) {
			out[`n8n-nodes-base.${name}`] = describedInChild(path.join(dir, DESCRIPTION_ONLY[name]));
			continue;
		}
		const rel = FILES[name];
		if (!rel) throw new Error(`no file known for n8n-nodes-base.${name}`);
		const className = path.basename(rel).split('.')[0];
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const mod = require(path.join(dir, rel)) as Record<string, new () => INodeType | IVersionedNodeType>;
		out[`n8n-nodes-base.${name}`] = new mod[className]();
	}
	return out;
}
