import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { ComplaintService, type Complaint, type Viewer } from '../../core/complaints';
import { CATEGORY_INFO, COMPLAINT_CATEGORIES } from '../../core/complaints/categories';
import { districtIdFor, getDb } from '../shared/db';

export async function serviceFor(ctx: IExecuteFunctions): Promise<ComplaintService> {
	const db = await getDb(ctx);
	return new ComplaintService(db, { districtId: await districtIdFor(ctx, db) });
}

export function actorFor(ctx: IExecuteFunctions): { actor: string } {
	return { actor: `n8n:${ctx.getWorkflow().name ?? ctx.getWorkflow().id}` };
}

export const categoryOptions = COMPLAINT_CATEGORIES.map((c) => ({ name: CATEGORY_INFO[c].labelEn, value: c }));

export function complaintJson(c: Complaint): IDataObject {
	return {
		id: c.id,
		ref: c.ref,
		category: c.category,
		categoryLabelEn: CATEGORY_INFO[c.category].labelEn,
		categoryLabelHi: CATEGORY_INFO[c.category].labelHi,
		detectedCategory: c.detectedCategory,
		categoryOverride: c.categoryOverride,
		confidence: c.confidence,
		moneyLoss: c.moneyLoss,
		moneyAmountInr: c.moneyAmountInr,
		sensitive: c.sensitive,
		policeStation: c.policeStation,
		language: c.language,
		summary: c.summary,
		status: c.status,
		messageCount: c.messageCount,
		forwardedTo: c.forwardedTo,
		citizenPhone: c.citizenPhone,
		createdAt: c.createdAt.toISOString(),
		acknowledgedAt: c.acknowledgedAt?.toISOString() ?? null,
		forwardedAt: c.forwardedAt?.toISOString() ?? null,
		closedAt: c.closedAt?.toISOString() ?? null,
		replyWamid: c.replyWamid,
	};
}

export const refProperty = (operations: string[]): INodeProperties => ({
	displayName: 'Reference Number',
	name: 'ref',
	type: 'string',
	required: true,
	default: '={{ $json.ref }}',
	placeholder: 'KBD-2026-000123',
	displayOptions: { show: { operation: operations } },
});

/** Who reads the output: women / child reports only reach admin or the sensitive capability. */
export const viewerProperties = (operations: string[]): INodeProperties[] => [
	{
		displayName: 'View As Role',
		name: 'viewerRole',
		type: 'options',
		default: 'viewer',
		description: 'Women / child related complaints are shown to Admin only, or to a role with the sensitive capability',
		options: [
			{ name: 'Admin', value: 'admin' },
			{ name: 'Approver', value: 'approver' },
			{ name: 'Viewer', value: 'viewer' },
		],
		displayOptions: { show: { operation: operations } },
	},
	{
		displayName: 'Has Sensitive Capability',
		name: 'sensitiveCapability',
		type: 'boolean',
		default: false,
		description: 'Whether the reader handles women / child reports (e.g. the Mahila cell)',
		displayOptions: { show: { operation: operations } },
	},
];

export function readViewer(ctx: IExecuteFunctions, i: number): Viewer {
	return {
		role: ctx.getNodeParameter('viewerRole', i, 'viewer') as Viewer['role'],
		capabilities: ctx.getNodeParameter('sensitiveCapability', i, false) ? ['complaints:sensitive'] : [],
	};
}
