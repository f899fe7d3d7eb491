/**
 * The exported workflows (workflows/*.json) against the nodes they name: every node type exists
 * (this package from its sources, n8n's own from the cached n8n install), every parameter is one
 * the node declares, resource / operation values are offered by the node, credentials are the
 * sandbox-importable ones by name and id, Asia/Kolkata, the error workflow wired, and every step
 * explained to staff in Hindi and English.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { INodeProperties, INodeType, INodeTypeDescription, IVersionedNodeType } from 'n8n-workflow';
import { CREDENTIALS } from '../../scripts/n8n/credentials';
import { baseNodeTypes } from './base-nodes';
import { ownNodeTypes, PACKAGE_NAME, REPO_ROOT, readWorkflow, type WorkflowJson } from '../helpers/n8n';

const FILES = fs
	.readdirSync(path.join(REPO_ROOT, 'workflows'))
	.filter((f) => f.endsWith('.json'))
	.sort();
const ERROR_WORKFLOW_ID = 'MitanErrorAlert1';

function describeOf(t: INodeType | IVersionedNodeType): INodeTypeDescription {
	const v = t as IVersionedNodeType;
	return v.nodeVersions ? v.nodeVersions[v.currentVersion].description : (t as INodeType).description;
}

describe('exported workflows', () => {
	let types: Record<string, INodeType | IVersionedNodeType>;
	beforeAll(() => {
		types = { ...baseNodeTypes(), ...ownNodeTypes() };
	});

	test('the four workflows, the draft form and the error workflow are exported', () => {
		expect(FILES).toEqual([
			'complaint-intake.json',
			'content-approval.json',
			'content-draft-form.json',
			'daily-broadcast.json',
			'error-alert.json',
			'reach-metrics.json',
		]);
	});

	describe.each(FILES)('%s', (file) => {
		const wf: WorkflowJson & { id: string } = readWorkflow(`workflows/${file}`) as WorkflowJson & { id: string };
		const names = new Set(wf.nodes.map((n) => n.name));

		test('ids, timezone, error workflow', () => {
			expect(wf.id).toMatch(/^[A-Za-z0-9]{16}$/);
			expect(wf.settings?.timezone).toBe('Asia/Kolkata');
			if (wf.id !== ERROR_WORKFLOW_ID) expect(wf.settings?.errorWorkflow).toBe(ERROR_WORKFLOW_ID);
			// A run's data holds citizens' messages: n8n keeps failed runs only (docs/security.md, erasure).
			expect(wf.settings).toMatchObject({ saveDataSuccessExecution: 'none', saveDataErrorExecution: 'all', saveManualExecutions: false });
			expect(new Set(wf.nodes.map((n) => n.id)).size).toBe(wf.nodes.length);
		});

		test('every node type exists and every parameter is declared by the node', () => {
			const problems: string[] = [];
			for (const n of wf.nodes) {
				if (!n.type.startsWith(`${PACKAGE_NAME}.`) && !n.type.startsWith('n8n-nodes-base.'))
					problems.push(`${n.name}: type ${n.type} is neither ${PACKAGE_NAME}.* nor n8n-nodes-base.*`);
				const t = types[n.type];
				if (!t) {
					problems.push(`${n.name}: node type ${n.type} does not exist`);
					continue;
				}
				if (!n.type.startsWith(`${PACKAGE_NAME}.`)) continue;
				const props: INodeProperties[] = describeOf(t).properties;
				const declared = new Set(props.map((p) => p.name));
				for (const key of Object.keys(n.parameters))
					if (!declared.has(key)) problems.push(`${n.name}: parameter "${key}" is not declared by ${n.type}`);
				for (const key of ['resource', 'operation']) {
					const value = n.parameters[key];
					if (value === undefined) continue;
					const offered = props.filter((p) => p.name === key).flatMap((p) => (p.options ?? []).map((o) => (o as { value: unknown }).value));
					if (!offered.includes(value))
						problems.push(`${n.name}: ${key} "${String(value)}" is not offered by ${n.type} (offers ${offered.join(', ')})`);
				}
			}
			expect(problems).toEqual([]);
		});

		test('credentials by the names and ids `npm start` imports', () => {
			for (const n of wf.nodes) {
				for (const [type, ref] of Object.entries(n.credentials ?? {})) {
					expect(CREDENTIALS[type as keyof typeof CREDENTIALS]).toEqual(ref);
				}
			}
		});

		test('connections join existing nodes; every non-note node is reachable', () => {
			const targets = new Set<string>();
			for (const [from, byType] of Object.entries(wf.connections)) {
				expect(names.has(from)).toBe(true);
				for (const outs of Object.values(byType))
					for (const conns of outs ?? [])
						for (const c of conns ?? []) {
							expect(names.has(c.node)).toBe(true);
							targets.add(c.node);
						}
			}
			// content-approval has two: the draft webhook and the every-minute deadline sweep.
			const triggers = wf.nodes.filter((n) => /Trigger$|\.webhook$|mitanTrigger$/.test(n.type));
			expect(triggers.length).toBeGreaterThanOrEqual(1);
			for (const t of triggers) expect(targets.has(t.name)).toBe(false);
			const orphans = wf.nodes
				.filter((n) => !n.type.endsWith('stickyNote') && !triggers.includes(n) && !targets.has(n.name))
				.map((n) => n.name);
			expect(orphans).toEqual([]);
		});

		test('sticky notes explain the steps in Hindi and English', () => {
			const notes = wf.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote').map((n) => String(n.parameters.content));
			expect(notes.length).toBeGreaterThan(0);
			for (const c of notes) {
				expect(c).toMatch(/[\u0900-\u097F]/);
				expect(c).toMatch(/\b(the|The)\b/);
			}
		});
	});
});
