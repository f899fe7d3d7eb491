import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { readFilters, rosterFor, segmentFilters, subscriberJson } from '../common';

const show = { resource: ['subscriber'], operation: ['search'] };

export const description: INodeProperties[] = [
	segmentFilters(['search'], 'subscriber'),
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1000 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { ...show, returnAll: [false] } },
	},
	{
		displayName: 'Cursor',
		name: 'cursor',
		type: 'string',
		default: '',
		description: 'Continue after the page that returned this cursor',
		displayOptions: { show: { ...show, returnAll: [false] } },
	},
];

export async function execute(this: IExecuteFunctions, i: number) {
	const roster = await rosterFor(this);
	const filter = readFilters(this, i);
	if (this.getNodeParameter('returnAll', i, false)) {
		const all = [];
		let cursor: string | undefined;
		do {
			const page = await roster.search(filter, cursor, 1000);
			all.push(...page.items.map(subscriberJson));
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		return all;
	}
	const page = await roster.search(
		filter,
		(this.getNodeParameter('cursor', i, '') as string) || undefined,
		this.getNodeParameter('limit', i, 50) as number,
	);
	return page.items.map((s, k) => ({ ...subscriberJson(s), ...(k === page.items.length - 1 ? { nextCursor: page.nextCursor } : {}) }));
}
