import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { mitanDatabaseConnectionTest } from '../shared/db';
import { properties } from './description';
import { router } from './router';

export class MitanComplaint implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mitan Complaint',
		name: 'mitanComplaint',
		icon: { light: 'file:../shared/mitan.svg', dark: 'file:../shared/mitan.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description:
			"Citizens' complaints: register from a WhatsApp message with a reference number, classify, reply (1930 for money loss), update status, list",
		defaults: { name: 'Mitan Complaint' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [
			{ name: 'mitanDatabaseApi', required: true, testedBy: 'mitanDatabaseConnectionTest' },
			{ name: 'mitanWhatsAppApi', required: false, displayOptions: { show: { operation: ['create'], sendReply: [true] } } },
		],
		properties,
	};

	methods = { credentialTest: { mitanDatabaseConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
