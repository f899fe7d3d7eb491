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

export class MitanRoster implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mitan Roster',
		name: 'mitanRoster',
		icon: { light: 'file:../shared/mitan.svg', dark: 'file:../shared/mitan.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'The citizen roster of the Police Mitan campaign: add, import, search, opt out, erase',
		defaults: { name: 'Mitan Roster' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'mitanDatabaseApi', required: true, testedBy: 'mitanDatabaseConnectionTest' }],
		properties,
	};

	methods = { credentialTest: { mitanDatabaseConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
