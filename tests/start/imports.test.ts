/**
 * What `npm start` imports into n8n (issue 13 item 4): only what n8n does not have; a changed
 * exported file is reported, not applied; credentials are never replaced; staff numbers live in the
 * staff registry, not in the workflows an update replaces.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
	installedSettings,
	planImport,
	readExported,
	readRecord,
	recordWorkflows,
	writeRecord,
	type ExportedWorkflow,
} from '../../cli/n8n-imports';
import { WORKFLOW_FILES } from '../../cli/n8n';

const exported = readExported(path.join(__dirname, '..', '..', 'workflows'), WORKFLOW_FILES);
const CREDS = ['MitanDatabase001', 'MitanWhatsApp001', 'MitanMeta0000001', 'MitanX0000000001'];
const inN8n = (ws: readonly ExportedWorkflow[], creds = CREDS) => ({
	workflows: ws.map((w) => ({ id: w.id, name: w.name })),
	credentials: creds,
});

test('first start: every credential and workflow is imported', () => {
	const plan = planImport(exported, CREDS, { workflows: [], credentials: [] }, { workflows: {} });
	expect(plan.credentials).toEqual(CREDS);
	expect(plan.workflows.map((w) => w.file)).toEqual(WORKFLOW_FILES);
	expect(plan.updates).toEqual([]);
});

test('restart: nothing is imported again, whatever the district changed in n8n', () => {
	const record = recordWorkflows({ workflows: {} }, exported);
	const plan = planImport(exported, CREDS, inN8n(exported), record);
	expect(plan).toEqual({ credentials: [], workflows: [], updates: [], baseline: [] });
});

test('a credential or workflow deleted in n8n comes back; the others are left alone', () => {
	const record = recordWorkflows({ workflows: {} }, exported);
	const plan = planImport(exported, CREDS, inN8n(exported.slice(1), ['MitanDatabase001', 'MitanMeta0000001']), record);
	expect(plan.credentials).toEqual(['MitanWhatsApp001', 'MitanX0000000001']);
	expect(plan.workflows.map((w) => w.id)).toEqual([exported[0].id]);
});

test('a newer exported file is an update to report, not an import', () => {
	const record = recordWorkflows({ workflows: {} }, exported);
	record.workflows[exported[2].id].hash = 'the hash of an older file';
	const plan = planImport(exported, CREDS, inN8n(exported), record);
	expect(plan.workflows).toEqual([]);
	expect(plan.updates.map((w) => w.name)).toEqual([exported[2].name]);
});

test('a data folder from before the record: what n8n holds is taken as the baseline, nothing re-imported', () => {
	const plan = planImport(exported, CREDS, inN8n(exported), { workflows: {} });
	expect(plan.workflows).toEqual([]);
	expect(plan.updates).toEqual([]);
	expect(plan.baseline).toHaveLength(exported.length);
});

test('the record survives a round trip through the data folder; a missing or broken one is empty', () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-rec-'));
	try {
		expect(readRecord(dir)).toEqual({ workflows: {} });
		const r = { ...recordWorkflows({ workflows: {} }, exported, new Date('2026-12-01T00:00:00Z')), publishAtStart: ['x'] };
		writeRecord(dir, r);
		expect(readRecord(dir)).toEqual(r);
		fs.writeFileSync(path.join(dir, 'mitan-imports.json'), '{not json');
		expect(readRecord(dir)).toEqual({ workflows: {} });
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('the exported workflows hold no staff numbers: each reads them from the staff registry, so an update loses none', () => {
	for (const w of exported) {
		const nodes = (w.json.nodes ?? []) as { name: string; type: string; parameters?: Record<string, unknown> }[];
		expect([w.file, nodes.some((n) => n.name === 'Settings')]).toEqual([w.file, false]);
		const text = JSON.stringify(w.json);
		if (!text.includes('Staff numbers')) continue;
		const lookup = nodes.find((n) => n.name === 'Staff numbers')!;
		expect(lookup).toMatchObject({ type: 'n8n-nodes-police-mitan.mitanNotify', parameters: { resource: 'staff', operation: 'getByRole' } });
	}
	// What an update used to copy across is now read once into the registry (core/staff/seed.ts).
	expect(installedSettings(exported, Object.fromEntries(exported.map((w) => [w.id, w.json.nodes ?? []])))).toEqual([]);
});
