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

/**
 * Mitan Content: drafts of the daily message from a flow (a form, a sheet, another system), with
 * the same checks as the dashboard's Content page (core/content/authoring.ts).
 */
export class MitanContent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mitan Content',
		name: 'mitanContent',
		icon: { light: 'file:../shared/mitan.svg', dark: 'file:../shared/mitan.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": content"}}',
		description: 'Create, update, list and submit drafts of the Police Mitan daily message',
		defaults: { name: 'Mitan Content' },
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
