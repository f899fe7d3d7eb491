import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { InstalledSettings } from '../core/staff/seed';

/**
 * What `npm start` may put into n8n, decided from what n8n already holds. A district edits its
 * workflows (staff numbers, schedules) and replaces the sandbox credentials with its real ones in
 * n8n; a restart must keep both. So:
 * - a credential is imported only when n8n has none with its id, and never replaced;
 * - an exported workflow is imported only when n8n has none with its id;
 * - when the exported file changed since it was imported, the change is reported and applied only
 *   by `mitan n8n update` (n8n stopped). Staff numbers are not in the workflows: the staff registry
 *   owns them (core/staff), seeded once from the Settings nodes of the versions before it.
 * The record of what was imported (file hash per workflow) lives in the n8n data folder.
 */

export interface ExportedWorkflow {
	id: string;
	name: string;
	/** The file under workflows/. */
	file: string;
	/** sha256 of the file's bytes: what "newer" means. */
	hash: string;
	json: { id: string; name: string; nodes?: { name: string; parameters?: Record<string, unknown> }[] } & Record<string, unknown>;
}

/** What n8n holds (ids). */
export interface N8nInventory {
	workflows: { id: string; name: string; active?: boolean }[];
	credentials: string[];
}

export interface ImportRecord {
	workflows: Record<string, { hash: string; file: string; at: string }>;
	/** Where the imported sandbox credentials pointed, password masked (a later start compares, never rewrites). */
	credentials?: { dbUrl: string; sandboxUrl: string; at: string };
	/** Workflows `mitan n8n update` re-imported while active: n8n imports inactive, the next start publishes them again. */
	publishAtStart?: string[];
}

export interface ImportPlan {
	credentials: string[];
	workflows: ExportedWorkflow[];
	/** Present in n8n, and the exported file changed since it was imported. */
	updates: ExportedWorkflow[];
	/** Present in n8n with no record (a data folder from before the record existed): recorded as is. */
	baseline: ExportedWorkflow[];
}

export const RECORD_FILE = 'mitan-imports.json';

export function readExported(workflowsDir: string, files: readonly string[]): ExportedWorkflow[] {
	return files.map((file) => {
		const bytes = fs.readFileSync(path.join(workflowsDir, file));
		const json = JSON.parse(bytes.toString('utf8')) as ExportedWorkflow['json'];
		return { id: json.id, name: json.name, file, hash: createHash('sha256').update(bytes).digest('hex'), json };
	});
}

export function planImport(
	exported: readonly ExportedWorkflow[],
	credentialIds: readonly string[],
	present: N8nInventory,
	record: ImportRecord,
): ImportPlan {
	const have = new Set(present.workflows.map((w) => w.id));
	const plan: ImportPlan = {
		credentials: credentialIds.filter((id) => !present.credentials.includes(id)),
		workflows: [],
		updates: [],
		baseline: [],
	};
	for (const w of exported) {
		const seen = record.workflows[w.id];
		if (!have.has(w.id)) plan.workflows.push(w);
		else if (!seen) plan.baseline.push(w);
		else if (seen.hash !== w.hash) plan.updates.push(w);
	}
	return plan;
}

export function readRecord(userFolder: string): ImportRecord {
	try {
		const r = JSON.parse(fs.readFileSync(path.join(userFolder, RECORD_FILE), 'utf8')) as ImportRecord;
		return { workflows: r.workflows ?? {}, credentials: r.credentials, publishAtStart: r.publishAtStart };
	} catch {
		return { workflows: {} };
	}
}

export function writeRecord(userFolder: string, record: ImportRecord): void {
	const file = path.join(userFolder, RECORD_FILE);
	fs.writeFileSync(file + '.tmp', JSON.stringify(record, null, 2));
	fs.renameSync(file + '.tmp', file);
}

export function recordWorkflows(record: ImportRecord, workflows: readonly ExportedWorkflow[], at = new Date()): ImportRecord {
	const out = { ...record, workflows: { ...record.workflows } };
	for (const w of workflows) out.workflows[w.id] = { hash: w.hash, file: w.file, at: at.toISOString() };
	return out;
}

type SetNode = { name: string; type?: string; parameters?: { assignments?: { assignments?: { name: string; value: unknown }[] } } };

/**
 * The values of each installed workflow's "Settings" node (the five copies of the staff numbers the
 * staff registry replaced): what the registry's one-time seed carries over (core/staff/seed.ts), so a
 * district that had typed its real numbers there keeps them after the upgrade.
 */
export function installedSettings(workflows: { id: string; name: string }[], nodes: Record<string, unknown[]>): InstalledSettings[] {
	const out: InstalledSettings[] = [];
	for (const w of workflows) {
		const settings = ((nodes[w.id] ?? []) as SetNode[]).find((n) => n.name === 'Settings' && n.type === 'n8n-nodes-base.set');
		const list = settings?.parameters?.assignments?.assignments ?? [];
		if (list.length) out.push({ workflow: w.name, values: Object.fromEntries(list.map((a) => [a.name, a.value])) });
	}
	return out;
}
