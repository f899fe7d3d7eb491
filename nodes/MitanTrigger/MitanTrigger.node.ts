import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';
import { mitanDatabaseConnectionTest } from '../shared/db';
import { createConsumer } from './consume';
import { properties } from './description';

export class MitanTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mitan Trigger',
		name: 'mitanTrigger',
		icon: { light: 'file:../shared/mitan.svg', dark: 'file:../shared/mitan.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["messageTypes"].length ? $parameter["messageTypes"].join(", ") : "all messages"}}',
		description: "Starts a workflow for each citizen's WhatsApp message received by the Police Mitan gateway",
		eventTriggerDescription: 'Waiting for a citizen to write',
		defaults: { name: 'Mitan Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'mitanDatabaseApi', required: true, testedBy: 'mitanDatabaseConnectionTest' }],
		properties,
	};

	methods = { credentialTest: { mitanDatabaseConnectionTest } };

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		if (this.getMode() === 'manual') {
			// A manual test run takes the next waiting message (or waits for one) and handles it.
			const consumer = await createConsumer(this, { limit: 1, maxInFlight: 1, batchSize: 1 });
			return {
				manualTriggerFunction: async () => consumer.start(),
				closeFunction: async () => consumer.stop(),
			};
		}
		const consumer = await createConsumer(this);
		await consumer.start();
		return { closeFunction: async () => consumer.stop() };
	}
}
