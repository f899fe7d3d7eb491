import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { staffTemplateStatus, submitStaffTemplates } from '../../../core/channels/whatsapp/staff-submit';
import { credentialOfKind } from '../../shared/credentials';

const showSubmit = { show: { resource: ['staffTemplates'], operation: ['submit'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Approval Link Base',
		name: 'linkBase',
		type: 'string',
		default: '={{ $execution.resumeUrl.split("/").slice(0, -1).join("/") + "/" }}',
		required: true,
		placeholder: 'https://n8n.example.in/webhook-waiting/',
		description:
			"Where this n8n's signed approval links start (its public address + webhook-waiting/): the approval template's button opens this address followed by the link",
		displayOptions: showSubmit,
	},
];

/** One item per staff template and language: where it stands at Meta (and whether this run submitted it). */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const operation = this.getNodeParameter('operation', i) as 'submit' | 'status';
	const config = await credentialOfKind(this, 'whatsapp');
	const states =
		operation === 'submit'
			? await submitStaffTemplates(config, String(this.getNodeParameter('linkBase', i)).trim())
			: await staffTemplateStatus(config);
	return states.map((s) => ({ ...s }));
}
