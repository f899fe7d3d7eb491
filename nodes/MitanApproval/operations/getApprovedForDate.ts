import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { ContentService, type Content } from '../../../core/content';
import { MitanError } from '../../../core/errors';
import { getDb } from '../../shared/db';
import { runPerItem } from '../../shared/router';

const show = { show: { resource: ['content'], operation: ['getApprovedForDate'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Date',
		name: 'date',
		type: 'string',
		default: '',
		placeholder: '2026-05-01',
		description: "The day the content is meant for (YYYY-MM-DD). Empty: today in the workflow's timezone (Asia/Kolkata).",
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
		default: 'daily_awareness',
		description:
			'Used when the content has no WhatsApp template variant: this approved template with the Hindi / English text as its one parameter',
		displayOptions: show,
	},
];

/** Today (YYYY-MM-DD) in a timezone. */
export function dayIn(timeZone: string, now = new Date()): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

function validDay(d: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return false;
	return new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;
}

/** A template parameter may not hold new lines or more than 1,024 characters (Meta). */
function asParam(text: string): string {
	const flat = text
		.replace(/\s*\r?\n\s*/g, ' ')
		.replace(/[\t ]{2,}/g, ' ')
		.trim();
	const chars = Array.from(flat);
	return chars.length <= 1024 ? flat : `${chars.slice(0, 1023).join('')}…`;
}

/** What Mitan Broadcast's "Templates" takes: the approved variant, else the fallback template. */
export function broadcastTemplates(c: Content, fallback: string): IDataObject {
	const t = c.variants.whatsapp?.templates;
	if (t && (t.hi || t.en)) return JSON.parse(JSON.stringify(t)) as IDataObject;
	return {
		hi: { name: fallback, language: 'hi', params: [asParam(c.bodyHi)] },
		en: { name: fallback, language: 'en', params: [asParam(c.bodyEn)] },
	};
}

export function contentJson(c: Content, fallback: string): IDataObject {
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
		whatsappTemplates: broadcastTemplates(c, fallback),
	};
}

async function forItem(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const raw = String(this.getNodeParameter('date', i, '') ?? '').trim();
	const date = raw === '' ? dayIn(this.getTimezone()) : raw;
	if (!validDay(date))
		throw new MitanError('CONTENT_DATE_INVALID', `Date (parameter "date"): "${raw}" is not a calendar date YYYY-MM-DD`, {
			field: 'date',
		});
	const includePublished = this.getNodeParameter('includePublished', i, true) as boolean;
	const fallback = String(this.getNodeParameter('fallbackTemplate', i, 'daily_awareness') || 'daily_awareness').trim();
	const svc = new ContentService(await getDb(this));
	// Few rows per state: the service lists newest target dates first; the day is filtered here.
	const states = includePublished ? (['approved', 'published'] as const) : (['approved'] as const);
	const rows: Content[] = [];
	for (const state of states) rows.push(...(await svc.list({ state, limit: 1000 })).filter((c) => c.targetDate === date));
	rows.sort((a, b) => a.id - b.id);
	return rows.map((c) => contentJson(c, fallback));
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
