import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { mitanDatabaseConnectionTest } from '../shared/db';
import { approvalWebhooks, properties } from './description';
import { router } from './router';
import { approvalWebhook } from './webhook';

/**
 * Mitan Approval: the Additional SP approves, rejects or asks for changes from her phone.
 * Outputs: 0 Approved, 1 Rejected (also: deadline passed with nobody to escalate to),
 * 2 Changes Requested (also: the content was edited while waiting, so the request is void).
 */
export class MitanApproval implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mitan Approval',
		name: 'mitanApproval',
		icon: { light: 'file:../shared/mitan.svg', dark: 'file:../shared/mitan.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{$parameter["resource"] === "content" ? "approved content for a date" : $parameter["operation"] === "settleDue" ? "settle due approvals" : "request approval and wait"}}',
		description:
			'Ask the approver to approve campaign content (signed WhatsApp links, deadline, escalation, audit trail) and wait for the decision',
		defaults: { name: 'Mitan Approval' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Approved', 'Rejected', 'Changes Requested'],
		usableAsTool: true,
		credentials: [
			{ name: 'mitanDatabaseApi', required: true, testedBy: 'mitanDatabaseConnectionTest' },
			{ name: 'mitanWhatsAppApi', required: true },
		],
		webhooks: approvalWebhooks,
		properties,
	};

	methods = { credentialTest: { mitanDatabaseConnectionTest } };

	webhook = approvalWebhook;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
