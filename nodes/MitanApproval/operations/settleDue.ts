import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { buildPreview, claimDueWork, planSettle, recordReminder } from '../../../core/approvals';
import { selectContent } from '../../../core/content/repository';
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

/**
 * The deadline sweep. Rows are claimed with SKIP LOCKED, so several workers (queue mode) never
 * remind or settle the same request twice. Settling POSTs the request's signed settle link to n8n:
 * the waiting execution's own node then escalates, rejects, or resumes a recorded decision.
 * Results leave by the first output, one item per action.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	try {
		const db = await getDb(this);
		const limit = Number(this.getNodeParameter('batchSize', 0, 50));
		const now = new Date();
		const { remind, settle } = await claimDueWork(db, now, limit);
		const out: INodeExecutionData[] = [];
		for (const a of remind) {
			const json: IDataObject = { action: 'remind', approvalId: a.id, contentId: a.contentId, level: a.level };
			try {
				const content = await selectContent(db, a.contentId);
				const wamid = content ? await sendApprovalMessage(this, a, buildPreview(content), { reminder: true }) : null;
				await recordReminder(db, a, wamid);
				json.wamid = wamid;
			} catch (e) {
				Object.assign(json, errorJson(e));
			}
			out.push({ json, pairedItem: { item: 0 } });
		}
		for (const a of settle) {
			const json: IDataObject = { action: planSettle(a, now), approvalId: a.id, contentId: a.contentId, level: a.level };
			try {
				const r = await this.helpers.httpRequest({
					method: 'POST',
					url: a.links.settle!,
					body: 'via=sweep',
					headers: { 'content-type': 'application/x-www-form-urlencoded' },
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					json: false,
				});
				json.status = (r as { statusCode: number }).statusCode;
			} catch (e) {
				Object.assign(json, errorJson(e));
			}
			out.push({ json, pairedItem: { item: 0 } });
		}
		return [out, [], []];
	} catch (e) {
		throw toNodeError(this.getNode(), e, 0);
	}
}
