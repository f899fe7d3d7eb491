/**
 * Test-side workflows for the real n8n: a webhook in front of our nodes, so a test can start a
 * production execution (n8n's queue mode hands exactly those to workers).
 */
import { CREDENTIALS } from '../../scripts/n8n/credentials';
import { nodeType, readWorkflow, type WorkflowJson } from '../helpers/n8n';

export const ERROR_WORKFLOW_ID = 'MitanErrorAlert1';

/** Webhook `path` → Mitan Roster upsert of {phone, name, ps} → count by police station. */
export function rosterWebhookWorkflow(id: string, hookPath: string): WorkflowJson {
	const db = { mitanDatabaseApi: CREDENTIALS.mitanDatabaseApi };
	return {
		id,
		name: `test: roster via webhook ${hookPath}`,
		settings: { timezone: 'Asia/Kolkata', executionOrder: 'v1', errorWorkflow: ERROR_WORKFLOW_ID },
		nodes: [
			{
				id: `${id}-h`,
				name: 'Hook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `${id}-hook`,
				parameters: { httpMethod: 'POST', path: hookPath, responseMode: 'lastNode', options: {} },
			},
			{
				id: `${id}-u`,
				name: 'Upsert',
				type: nodeType('mitanRoster'),
				typeVersion: 1,
				position: [220, 0],
				credentials: db,
				parameters: {
					resource: 'subscriber',
					operation: 'upsert',
					phone: '={{ $json.body.phone }}',
					consentSource: 'camp',
					fields: { name: '={{ $json.body.name }}', policeStation: '={{ $json.body.ps }}' },
				},
			},
		],
		connections: { Hook: { main: [[{ node: 'Upsert', type: 'main', index: 0 }]] } },
	} as WorkflowJson;
}

/** An exported workflow from workflows/ with its trigger swapped for a webhook of the same name. */
export function withWebhookTrigger(file: string, triggerName: string, hookPath: string): WorkflowJson {
	const wf = readWorkflow(file);
	const i = wf.nodes.findIndex((n) => n.name === triggerName);
	if (i < 0) throw new Error(`${file}: no node named "${triggerName}"`);
	const t = wf.nodes[i];
	wf.nodes[i] = {
		id: t.id,
		name: t.name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: t.position,
		webhookId: `${wf.id}-test-hook`,
		parameters: { httpMethod: 'POST', path: hookPath, responseMode: 'onReceived', options: {} },
	};
	return wf;
}
