import type { INodeParameters } from 'n8n-workflow';
import { nodeType, type WorkflowJson } from '../helpers/n8n';

export const APPROVER = '9876500001';
export const SECOND = '9876500002';

export function draft(over: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		title: 'सेना अधिकारी बनकर ठगी / Fake army officer',
		bodyHi: 'सेना अधिकारी बनकर सामान खरीदने वाले ठगों से सावधान रहें। पैसे गँवाए हों तो तुरंत 1930 पर कॉल करें।',
		bodyEn: 'Beware of fraudsters posing as army officers to buy goods. Lost money? Call 1930 at once.',
		imageUrl: 'https://example.org/army-fraud.jpg',
		category: 'cyber_fraud',
		targetDate: '2026-12-01',
		variants: {
			whatsapp: {
				templates: {
					hi: { name: 'daily_awareness', language: 'hi', params: ['सेना अधिकारी बनकर ठगी से सावधान। 1930 पर कॉल करें।'] },
					en: { name: 'daily_awareness', language: 'en', params: ['Beware of fake army officers. Call 1930.'] },
				},
			},
			x: { text: 'सेना अधिकारी बनकर ठगी से सावधान! Lost money? Call 1930. https://cybercrime.gov.in #CyberSafety' },
			instagram: { caption: 'Beware of fake army officers. पैसे गँवाए? 1930 पर कॉल करें। #CyberSafety #KabirdhamPolice' },
			facebook: { text: 'Beware of fraudsters posing as army officers. Call 1930.', link: 'https://cybercrime.gov.in' },
		},
		...over,
	};
}

const creds = { mitanDatabaseApi: { id: '1', name: 'db' }, mitanWhatsAppApi: { id: '2', name: 'wa' } };

export function approvalWorkflow(params: INodeParameters = {}): WorkflowJson {
	const after = (id: string, name: string, y: number) => ({
		id,
		name,
		type: nodeType('mitanRoster'),
		typeVersion: 1,
		position: [300, y] as [number, number],
		parameters: { resource: 'roster', operation: 'count', dimension: 'police_station' },
		credentials: { mitanDatabaseApi: creds.mitanDatabaseApi },
		executeOnce: true,
	});
	return {
		name: 'approval test',
		nodes: [
			{
				id: 'approval-node-1',
				name: 'Approval',
				type: nodeType('mitanApproval'),
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					resource: 'approval',
					operation: 'sendAndWait',
					contentId: '={{ $json.contentId }}',
					approverPhone: APPROVER,
					approverName: 'Addl SP Kabirdham',
					deadlineType: 'afterTimeInterval',
					deadlineAmount: 2,
					deadlineUnit: 'hours',
					...params,
				},
				credentials: creds,
			},
			after('n-a', 'On approved', -150),
			after('n-r', 'On rejected', 0),
			after('n-c', 'On changes', 150),
		],
		connections: {
			Approval: {
				main: [
					[{ node: 'On approved', type: 'main', index: 0 }],
					[{ node: 'On rejected', type: 'main', index: 0 }],
					[{ node: 'On changes', type: 'main', index: 0 }],
				],
			},
		},
		settings: { timezone: 'Asia/Kolkata', executionOrder: 'v1' },
	};
}

export function sweepWorkflow(): WorkflowJson {
	return {
		name: 'approval deadlines',
		nodes: [
			{
				id: 'sweep-1',
				name: 'Sweep',
				type: nodeType('mitanApproval'),
				typeVersion: 1,
				position: [0, 0],
				parameters: { resource: 'approval', operation: 'settleDue' },
				credentials: creds,
			},
		],
		connections: {},
		settings: { timezone: 'Asia/Kolkata', executionOrder: 'v1' },
	};
}
