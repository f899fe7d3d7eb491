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
 * Mitan Notify: a WhatsApp alert to one or more staff numbers (cyber cell, duty officer,
 * leadership). Staff rarely wrote to the number in the last 24 hours, so by default it sends the
 * approved UTILITY template `mitan_staff_alert` (core/channels/whatsapp/staff-templates.ts, submitted
 * with the "Staff Template" resource) with the text as its one parameter; free text is an option,
 * sent only where the 24-hour window is open (core/staff/alerts.ts).
 * "Staff Number → Get by Role" reads who those numbers are from the staff registry (core/staff).
 */
export class MitanNotify implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mitan Notify',
		name: 'mitanNotify',
		icon: { light: 'file:../shared/mitan.svg', dark: 'file:../shared/mitan.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["resource"] === "staff" ? "staff numbers by role" : "alert to " + $parameter["recipients"]}}',
		description: 'Send a WhatsApp alert to police staff (utility template or free text)',
		defaults: { name: 'Mitan Notify' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [
			{ name: 'mitanWhatsAppApi', required: true },
			// The staff registry lives in the store, and so does who wrote when (free text asks the
			// 24-hour window); the WhatsApp credential says whether placeholders may stay. Shown for
			// Staff Number and for alerts sent as free text: hidden for the template and Staff Template.
			{
				name: 'mitanDatabaseApi',
				required: true,
				testedBy: 'mitanDatabaseConnectionTest',
				displayOptions: { hide: { resource: ['staffTemplates'], messageType: ['template'] } },
			},
		],
		properties,
	};

	methods = { credentialTest: { mitanDatabaseConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
