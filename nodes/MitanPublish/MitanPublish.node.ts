import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { mitanDatabaseConnectionTest } from '../shared/db';
import { mitanXConnectionTest } from '../shared/channels';
import { properties } from './description';
import { router } from './router';

export class MitanPublish implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mitan Publish',
		name: 'mitanPublish',
		icon: { light: 'file:../shared/mitan.svg', dark: 'file:../shared/mitan.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Post approved content to the police Facebook page, Instagram and X, once per content and channel; pull their insights',
		defaults: { name: 'Mitan Publish' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [
			{ name: 'mitanDatabaseApi', required: true, testedBy: 'mitanDatabaseConnectionTest' },
			{ name: 'mitanMetaApi', required: false },
			{ name: 'mitanXApi', required: false, testedBy: 'mitanXConnectionTest' },
		],
		properties,
	};

	methods = { credentialTest: { mitanDatabaseConnectionTest, mitanXConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
