/**
 * What `npm start` imports into n8n (issue 13 item 4): only what n8n does not have; a changed
 * exported file is reported, not applied; credentials are never replaced; `mitan n8n update` keeps
 * the district's Settings values.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
	keepSettings,
	placeholderFields,
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

test('an update keeps the live Settings values (staff numbers) and takes everything else from the new file', () => {
	const newer = exported.find((w) => w.file === 'daily-broadcast.json')!.json;
	const live = JSON.parse(JSON.stringify(newer));
	const liveSettings = live.nodes.find((n: { name: string }) => n.name === 'Settings');
	liveSettings.parameters.assignments.assignments[0].value = '+919876543210';
	liveSettings.parameters.assignments.assignments.push({ id: 'sx', name: 'removedInNewVersion', type: 'string', value: 'x' });
	const merged = keepSettings(newer, live);
	const settings = (merged.nodes as any[]).find((n) => n.name === 'Settings');
	expect(settings.parameters.assignments.assignments[0].value).toBe('+919876543210');
	expect(settings.parameters.assignments.assignments.map((a: { name: string }) => a.name)).not.toContain('removedInNewVersion');
	// The exported file itself is untouched.
	expect((newer.nodes as any[]).find((n) => n.name === 'Settings').parameters.assignments.assignments[0].value).toBe('+910000000001');
	expect(keepSettings(newer, null)).toBe(newer);
});

test('the Settings fields still holding a placeholder are named, for the warning at a live start', () => {
	const broadcast = exported.find((w) => w.file === 'daily-broadcast.json')!;
	const edited = JSON.parse(JSON.stringify(broadcast.json.nodes));
	const settings = edited.find((n: { name: string }) => n.name === 'Settings');
	for (const a of settings.parameters.assignments.assignments) if (a.name !== 'leadershipPhones') a.value = '+919876543210';
	settings.parameters.assignments.assignments.find((a: { name: string }) => a.name === 'leadershipPhones').value =
		'+919876543211, +910000000004';
	expect(placeholderFields([{ id: broadcast.id, name: broadcast.name }], { [broadcast.id]: edited })).toEqual([
		`workflow "${broadcast.name}", node "Settings", field "leadershipPhones"`,
	]);
	expect(placeholderFields([{ id: broadcast.id, name: broadcast.name }], { [broadcast.id]: broadcast.json.nodes! })).toHaveLength(4);
});
