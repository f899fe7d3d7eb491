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

export class MitanBroadcast implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mitan Broadcast',
		name: 'mitanBroadcast',
		icon: { light: 'file:../shared/mitan.svg', dark: 'file:../shared/mitan.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'The daily WhatsApp broadcast: paced, resumable, once per citizen, in their language',
		defaults: { name: 'Mitan Broadcast' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [
			{ name: 'mitanDatabaseApi', required: true, testedBy: 'mitanDatabaseConnectionTest' },
			{ name: 'mitanWhatsAppApi', required: true },
		],
		properties,
	};

	methods = { credentialTest: { mitanDatabaseConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
