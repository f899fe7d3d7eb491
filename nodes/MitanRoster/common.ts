import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { RosterService, type SegmentFilter, type Subscriber } from '../../core/roster';
import { maskPhone } from '../../core/phone';
import { districtIdFor, getDb } from '../shared/db';

export async function rosterFor(ctx: IExecuteFunctions): Promise<RosterService> {
	const db = await getDb(ctx);
	return new RosterService(db, await districtIdFor(ctx, db));
}

export function actorFor(ctx: IExecuteFunctions): { actor: string; source: string } {
	return { actor: `n8n:${ctx.getWorkflow().name ?? ctx.getWorkflow().id}`, source: 'n8n' };
}

export function subscriberJson(s: Subscriber): IDataObject {
	return {
		id: s.id,
		phone: s.phone,
		phoneMasked: maskPhone(s.phone),
		name: s.name,
		language: s.language,
		policeStation: s.policeStation,
		block: s.block,
		village: s.village,
		tags: s.tags,
		status: s.status,
		statusReason: s.statusReason,
		consentSource: s.consentSource,
		consentAt: s.consentAt?.toISOString() ?? null,
		createdAt: s.createdAt.toISOString(),
		updatedAt: s.updatedAt.toISOString(),
	};
}

export const phoneProperty = (operations: string[], resource = 'subscriber'): INodeProperties => ({
	displayName: 'Phone',
	name: 'phone',
	type: 'string',
	required: true,
	default: '',
	placeholder: '98765 43210',
	description: 'Mobile number in any common form; it is normalised to +91XXXXXXXXXX',
	displayOptions: { show: { resource: [resource], operation: operations } },
});

export const segmentFilters = (operations: string[], resource: string): INodeProperties => ({
	displayName: 'Filters',
	name: 'filters',
	type: 'collection',
	placeholder: 'Add Filter',
	default: {},
	displayOptions: { show: { resource: [resource], operation: operations } },
	options: [
		{
			displayName: 'Status',
			name: 'status',
			type: 'options',
			default: 'active',
			options: [
				{ name: 'Active', value: 'active' },
				{ name: 'Erased', value: 'erased' },
				{ name: 'Invalid', value: 'invalid' },
				{ name: 'Opted Out', value: 'opted_out' },
			],
		},
		{ displayName: 'Police Station', name: 'policeStation', type: 'string', default: '' },
		{ displayName: 'Block', name: 'block', type: 'string', default: '' },
		{ displayName: 'Village', name: 'village', type: 'string', default: '' },
		{
			displayName: 'Language',
			name: 'language',
			type: 'options',
			default: 'hi',
			options: [
				{ name: 'Hindi', value: 'hi' },
				{ name: 'English', value: 'en' },
			],
		},
		{ displayName: 'Tag', name: 'tag', type: 'string', default: '' },
	],
});

export function readFilters(ctx: IExecuteFunctions, i: number): SegmentFilter {
	const f = ctx.getNodeParameter('filters', i, {}) as IDataObject;
	const s = (k: string) => (typeof f[k] === 'string' && f[k] !== '' ? (f[k] as string) : undefined);
	return {
		status: s('status') as SegmentFilter['status'],
		policeStation: s('policeStation'),
		block: s('block'),
		village: s('village'),
		language: s('language') as SegmentFilter['language'],
		tag: s('tag'),
	};
}
