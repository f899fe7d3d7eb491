import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { CATEGORY_LABEL } from '../../core/approvals/preview';
import { allChannels } from '../../core/channels/registry';
import { Authoring } from '../../core/content/authoring';
import { CATEGORIES, type Content } from '../../core/content/types';
import { districtIdFor, getDb } from '../shared/db';

export async function authoringFor(ctx: IExecuteFunctions, i: number): Promise<Authoring> {
	const db = await getDb(ctx);
	const given = (ctx.getNodeParameter('options', i, {}) as { districtId?: number }).districtId;
	return new Authoring(db, await districtIdFor(ctx, db, given));
}

export function actorFor(ctx: IExecuteFunctions): string {
	return `n8n:${ctx.getWorkflow().name ?? ctx.getWorkflow().id}`;
}

export function contentJson(c: Content): IDataObject {
	return {
		contentId: c.id,
		districtId: c.districtId,
		title: c.title,
		bodyHi: c.bodyHi,
		bodyEn: c.bodyEn,
		imageUrl: c.imageUrl,
		category: c.category,
		targetDate: c.targetDate,
		channels: c.channels ?? allChannels(),
		variants: c.variants as IDataObject,
		state: c.state,
		contentHash: c.contentHash,
		approvedBy: c.approvedBy,
		approvedAt: c.approvedAt?.toISOString() ?? null,
		createdBy: c.createdBy,
		createdAt: c.createdAt.toISOString(),
		updatedAt: c.updatedAt.toISOString(),
	};
}

/** The draft as the parameters describe it; core checks every field (authoring.ts / validate.ts). */
export function draftFrom(ctx: IExecuteFunctions, i: number): Record<string, unknown> {
	const extra = ctx.getNodeParameter('additionalFields', i, {}) as {
		imageUrl?: string;
		xText?: string;
		instagramCaption?: string;
		facebookText?: string;
	};
	const variants: Record<string, unknown> = {};
	if (extra.xText?.trim()) variants.x = { text: extra.xText };
	if (extra.instagramCaption?.trim()) variants.instagram = { caption: extra.instagramCaption };
	if (extra.facebookText?.trim()) variants.facebook = { text: extra.facebookText };
	return {
		title: ctx.getNodeParameter('title', i),
		bodyHi: ctx.getNodeParameter('bodyHi', i),
		bodyEn: ctx.getNodeParameter('bodyEn', i),
		category: ctx.getNodeParameter('category', i),
		targetDate: ctx.getNodeParameter('targetDate', i),
		channels: ctx.getNodeParameter('channels', i),
		imageUrl: extra.imageUrl?.trim() || null,
		variants,
	};
}

export const contentIdProperty = (operations: string[]): INodeProperties => ({
	displayName: 'Content ID',
	name: 'contentId',
	type: 'number',
	required: true,
	default: 0,
	description: 'The ID of the content (contentId of a Create or List output)',
	displayOptions: { show: { operation: operations } },
});

/** The fields of a draft, for Create and Update. */
export const draftProperties = (operations: string[]): INodeProperties[] => {
	const show = { show: { operation: operations } };
	return [
		{ displayName: 'Title', name: 'title', type: 'string', required: true, default: '', displayOptions: show },
		{
			displayName: 'Hindi Text',
			name: 'bodyHi',
			type: 'string',
			typeOptions: { rows: 4 },
			required: true,
			default: '',
			description: 'हिंदी पाठ: what Hindi-speaking citizens receive',
			displayOptions: show,
		},
		{
			displayName: 'English Text',
			name: 'bodyEn',
			type: 'string',
			typeOptions: { rows: 4 },
			required: true,
			default: '',
			displayOptions: show,
		},
		{
			displayName: 'Category',
			name: 'category',
			type: 'options',
			options: CATEGORIES.map((c) => ({ name: `${CATEGORY_LABEL[c].en} / ${CATEGORY_LABEL[c].hi}`, value: c })),
			default: 'cyber_fraud',
			displayOptions: show,
		},
		{
			displayName: 'Target Date',
			name: 'targetDate',
			type: 'string',
			required: true,
			default: '',
			placeholder: '2026-12-02',
			description: "The day it goes out (YYYY-MM-DD, the district's calendar); today or later",
			displayOptions: show,
		},
		{
			displayName: 'Channels',
			name: 'channels',
			type: 'multiOptions',
			options: [
				{ name: 'Facebook', value: 'facebook' },
				{ name: 'Instagram', value: 'instagram' },
				{ name: 'WhatsApp', value: 'whatsapp' },
				{ name: 'X', value: 'x' },
			],
			default: ['whatsapp', 'facebook', 'instagram', 'x'],
			displayOptions: show,
		},
		{
			displayName: 'Additional Fields',
			name: 'additionalFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			displayOptions: show,
			options: [
				{ displayName: 'Facebook Text', name: 'facebookText', type: 'string', typeOptions: { rows: 3 }, default: '' },
				{
					displayName: 'Image URL',
					name: 'imageUrl',
					type: 'string',
					default: '',
					description: 'Public http(s) URL of the image (needed for Instagram)',
				},
				{ displayName: 'Instagram Caption', name: 'instagramCaption', type: 'string', typeOptions: { rows: 3 }, default: '' },
				{
					displayName: 'X Text',
					name: 'xText',
					type: 'string',
					typeOptions: { rows: 2 },
					default: '',
					description: 'Own text for X (280 weighted characters); without it X posts Hindi + English',
				},
			],
		},
	];
};
