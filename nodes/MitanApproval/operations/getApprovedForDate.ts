import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { broadcastTemplates } from '../../../core/broadcast/templates';
import { ContentService, type Content } from '../../../core/content';
import { districtIdFor, getDb } from '../../shared/db';
import { isSendable, ownTemplatesOf, templateChoices, type AwarenessTemplateRow } from '../../../core/templates/for-broadcast';
import { runPerItem } from '../../shared/router';

const show = { show: { resource: ['content'], operation: ['getApprovedForDate'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Date',
		name: 'date',
		type: 'string',
		default: '',
		placeholder: '2026-05-01',
		description: "The day the content is meant for (YYYY-MM-DD). Empty: today in the district's time zone.",
		displayOptions: show,
	},
	{
		displayName: 'Include Already Published',
		name: 'includePublished',
		type: 'boolean',
		default: true,
		description:
			'Whether content already marked published counts too (a re-run of the day finds it again; the broadcast and the posts are idempotent)',
		displayOptions: show,
	},
	{
		displayName: 'Fallback WhatsApp Template',
		name: 'fallbackTemplate',
		type: 'string',
		default: '',
		description:
			'Leave empty (recommended): content whose text was never submitted to Meta as its own templates (Mitan Broadcast › Submit Templates to Meta, run by the content-approval workflow) is refused with what to do. Only if your WABA has a template approved for this: its name, sent with the Hindi / English text as its one parameter',
		displayOptions: show,
	},
];

/**
 * One content as the daily workflow uses it. Once its text went to Meta (Submit Templates), the
 * WhatsApp templates are its own, with Meta's status per language (the broadcast refuses any
 * that is not APPROVED); before that, the templates its variant names or the fallback, else it is
 * refused (TEMPLATE_NOT_SUBMITTED). Content not meant for WhatsApp carries no templates.
 */
export function contentJson(c: Content, fallback: string, own: AwarenessTemplateRow[] = []): IDataObject {
	return {
		contentId: c.id,
		title: c.title,
		category: c.category,
		targetDate: c.targetDate,
		state: c.state,
		bodyHi: c.bodyHi,
		bodyEn: c.bodyEn,
		imageUrl: c.imageUrl,
		contentHash: c.contentHash,
		approvedBy: c.approvedBy,
		approvedAt: c.approvedAt?.toISOString() ?? null,
		whatsappTemplates: (c.channels && !c.channels.includes('whatsapp')
			? null
			: own.length
				? templateChoices(own)
				: broadcastTemplates(c, fallback)) as IDataObject,
		whatsappTemplateStatus: own.length
			? Object.fromEntries(
					own.map((t) => [t.language, { status: t.status, quality: t.quality, reason: t.reason, sendable: isSendable(t) }]),
				)
			: null,
	};
}

async function forItem(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const raw = String(this.getNodeParameter('date', i, '') ?? '').trim();
	const includePublished = this.getNodeParameter('includePublished', i, true) as boolean;
	const fallback = String(this.getNodeParameter('fallbackTemplate', i, '') ?? '').trim();
	const db = await getDb(this);
	const rows = await new ContentService(db, await districtIdFor(this, db)).listApprovedFor(raw === '' ? undefined : raw, {
		includePublished,
	});
	const own = await ownTemplatesOf(
		db,
		rows.map((c) => c.id),
	);
	return rows.map((c) =>
		contentJson(
			c,
			fallback,
			own.filter((t) => t.contentId === c.id),
		),
	);
}

/**
 * The day's approved content, one item per content row, by the first output. Nothing approved:
 * no items, so the workflow's next node does not run unless it is set to "Always Output Data"
 * (the daily broadcast does that and branches on an empty item).
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const [out] = await runPerItem(this, { get: forItem }, () => 'get');
	return [out, [], []];
}
