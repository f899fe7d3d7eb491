import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { runDeadlineSweep } from '../../../core/approvals';
import { getDb } from '../../shared/db';
import { errorJson, toNodeError } from '../../shared/errors';
import { sendApprovalMessage } from '../whatsapp';

export const description: INodeProperties[] = [
	{
		displayName: 'Batch Size',
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'At most this many reminders and this many settlements per run',
		displayOptions: { show: { resource: ['approval'], operation: ['settleDue'] } },
	},
];

/** The deadline sweep (core/approvals/deadline.ts runDeadlineSweep); one item per action by the first output. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	try {
		const outcomes = await runDeadlineSweep(
			await getDb(this),
			{
				send: (to, message) => sendApprovalMessage(this, to, message),
				postSettleLink: async (url) => {
					const r = await this.helpers.httpRequest({
						method: 'POST',
						url,
						body: 'via=sweep',
						headers: { 'content-type': 'application/x-www-form-urlencoded' },
						returnFullResponse: true,
						ignoreHttpStatusErrors: true,
						json: false,
					});
					return (r as { statusCode: number }).statusCode;
				},
			},
			{ limit: Number(this.getNodeParameter('batchSize', 0, 50)) },
		);
		const out = outcomes.map((o): INodeExecutionData => {
			const json: IDataObject = { action: o.action, approvalId: o.approval.id, contentId: o.approval.contentId, level: o.approval.level };
			if (o.wamid !== undefined) json.wamid = o.wamid;
			if (o.status !== undefined) json.status = o.status;
			if (o.error !== undefined) Object.assign(json, errorJson(o.error));
			return { json, pairedItem: { item: 0 } };
		});
		return [out, [], []];
	} catch (e) {
		throw toNodeError(this.getNode(), e, 0);
	}
}
