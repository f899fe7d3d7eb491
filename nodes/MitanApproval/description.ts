import type { INodeProperties, IWebhookDescription } from 'n8n-workflow';
import * as getApprovedForDate from './operations/getApprovedForDate';
import * as requestApproval from './operations/requestApproval';
import * as settleDue from './operations/settleDue';

/**
 * Two webhooks on the node's own id, like n8n's send-and-wait nodes: GET shows the decision page,
 * POST records the decision. `restartWebhook` makes them resume the waiting execution
 * (/webhook-waiting/<execution>/<node id>). A constant, not an inline array: see reference §1.6.
 */
export const approvalWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'GET',
		responseMode: 'onReceived',
		responseData: '',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	},
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		responseData: '',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	},
];

export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Approval', value: 'approval' },
			{ name: 'Content', value: 'content' },
		],
		default: 'approval',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['approval'] } },
		options: [
			{
				// The value is n8n's send-and-wait operation name on purpose: n8n then checks the
				// links' HMAC signature itself and shows "no action required" for a finished execution.
				name: 'Request Approval and Wait',
				value: 'sendAndWait',
				action: 'Request approval and wait',
				description: 'Send the approver a preview with signed approve / reject / request-changes links and wait for the decision',
			},
			{
				name: 'Settle Due Approvals',
				value: 'settleDue',
				action: 'Settle due approvals',
				description:
					'Send reminders, escalate or reject requests past their deadline, and resume executions decided in the dashboard. Run it every minute from a Schedule Trigger.',
			},
		],
		default: 'sendAndWait',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['content'] } },
		options: [
			{
				name: 'Get Approved for Date',
				value: 'getApprovedForDate',
				action: 'Get approved content for a date',
				description: "The day's approved content (the district's calendar), one item each; nothing approved gives no items",
			},
		],
		default: 'getApprovedForDate',
	},
	...requestApproval.description,
	...settleDue.description,
	...getApprovedForDate.description,
];
