import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { actorFor, phoneProperty, rosterFor, subscriberJson } from '../common';

const show = { resource: ['subscriber'], operation: ['upsert'] };

export const description: INodeProperties[] = [
	phoneProperty(['upsert']),
	{
		displayName: 'Consent Source',
		name: 'consentSource',
		type: 'string',
		default: '',
		placeholder: 'Camp Kawardha 2026-11-20',
		description: 'Where and how the citizen agreed to receive messages. Required for a new number.',
		displayOptions: { show },
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
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
			{ displayName: 'Police Station', name: 'policeStation', type: 'string', default: '' },
			{ displayName: 'Block', name: 'block', type: 'string', default: '' },
			{ displayName: 'Village', name: 'village', type: 'string', default: '' },
			{ displayName: 'Tags', name: 'tags', type: 'string', default: '', description: 'Comma-separated' },
			{
				displayName: 'Consent Evidence',
				name: 'consentEvidence',
				type: 'string',
				default: '',
				description: 'E.g. form ID or photo reference of the signed sheet',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, i: number) {
	const f = this.getNodeParameter('fields', i, {}) as Record<string, string>;
	const roster = await rosterFor(this);
	const r = await roster.upsert(
		{
			phone: this.getNodeParameter('phone', i) as string,
			consentSource: (this.getNodeParameter('consentSource', i, '') as string) || undefined,
			name: f.name,
			language: f.language as 'hi' | 'en' | undefined,
			policeStation: f.policeStation,
			block: f.block,
			village: f.village,
			tags: f.tags ? f.tags.split(',') : undefined,
			consentEvidence: f.consentEvidence,
		},
		actorFor(this),
	);
	return { outcome: r.outcome, ...subscriberJson(r.subscriber) };
}
