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

export class MitanReach implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mitan Reach',
		name: 'mitanReach',
		icon: { light: 'file:../shared/mitan.svg', dark: 'file:../shared/mitan.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Reach metrics: refresh the daily rollups, pull Facebook / Instagram / X insights, report a day, a week or a month',
		defaults: { name: 'Mitan Reach' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [
			{ name: 'mitanDatabaseApi', required: true, testedBy: 'mitanDatabaseConnectionTest' },
			{ name: 'mitanMetaApi', required: false, displayOptions: { show: { operation: ['pullInsights'] } } },
			{ name: 'mitanXApi', required: false, testedBy: 'mitanXConnectionTest', displayOptions: { show: { operation: ['pullInsights'] } } },
		],
		properties,
	};

	methods = { credentialTest: { mitanDatabaseConnectionTest, mitanXConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
