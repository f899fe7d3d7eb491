import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { createBroadcast } from '../../../core/broadcast';
import { WHATSAPP_THROUGHPUT } from '../../../core/channels/whatsapp/rules';
import { credentialOfKind } from '../../shared/credentials';
import { districtIdFor, getDb } from '../../shared/db';
import { summary } from '../common';

const show = { show: { operation: ['create'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Content ID',
		name: 'contentId',
		type: 'number',
		default: 0,
		description: 'Approved content row (0 = none; then give a Content Key)',
		displayOptions: show,
	},
	{
		displayName: 'Content Key',
		name: 'contentKey',
		type: 'string',
		default: '',
		description: 'Idempotency key of the content when no Content ID is given',
		displayOptions: show,
	},
	{
		displayName: 'Templates',
		name: 'templates',
		type: 'json',
		default:
			'{\n  "hi": { "name": "mitan_c12_0123456789ab", "params": [] },\n  "en": { "name": "mitan_c12_0123456789ab", "params": [] }\n}',
		required: true,
		description:
			"One approved WhatsApp template per subscriber language, with its body parameters in order. The daily workflow passes the content's own templates (Mitan Approval › Get Approved for Date, whatsappTemplates)",
		displayOptions: show,
	},
	{
		displayName: 'Date',
		name: 'date',
		type: 'string',
		default: '',
		placeholder: '2026-05-01',
		description: "Broadcast day (YYYY-MM-DD, the district's calendar); empty = today there",
		displayOptions: show,
	},
	{
		displayName: 'Segment',
		name: 'segment',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: show,
		options: [
			{ displayName: 'Police Station', name: 'policeStation', type: 'string', default: '' },
			{ displayName: 'Block', name: 'block', type: 'string', default: '' },
			{ displayName: 'Village', name: 'village', type: 'string', default: '' },
			{
				displayName: 'Language',
				name: 'language',
				type: 'options',
				options: [
					{ name: 'Hindi', value: 'hi' },
					{ name: 'English', value: 'en' },
				],
				default: 'hi',
			},
			{ displayName: 'Tag', name: 'tag', type: 'string', default: '' },
		],
	},
	{
		displayName: 'Throughput Limit',
		name: 'rateLimitPerSecond',
		type: 'options',
		default: WHATSAPP_THROUGHPUT.standard,
		options: [
			{ name: '80 Messages/s (Default Number)', value: WHATSAPP_THROUGHPUT.standard },
			{ name: '1,000 Messages/s (Upgraded Number)', value: WHATSAPP_THROUGHPUT.upgraded },
		],
		description:
			"Used only when Meta cannot be asked: before each run the sender reads the number's throughput (and messaging tier) from the Graph API and paces just under it across all workers",
		displayOptions: show,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Pacing Factor',
				name: 'pacingFactor',
				type: 'number',
				typeOptions: { minValue: 0.1, maxValue: 1, numberPrecision: 3 },
				default: 0.985,
				description: 'Share of the limit to pace at',
			},
			{
				displayName: 'Max Attempts',
				name: 'maxAttempts',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 50 },
				default: 6,
				description: 'Attempts per citizen for transient errors',
			},
			{
				displayName: 'Emergency Override By',
				name: 'overrideBy',
				type: 'string',
				default: '',
				description:
					'An emergency message may reach citizens who already had today’s awareness message: the officer who decided it (audited, shown in the summary). Needs a reason too.',
			},
			{
				displayName: 'Emergency Override Reason',
				name: 'overrideReason',
				type: 'string',
				default: '',
				description: 'Why citizens get a second message today (at least 10 characters)',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, i: number) {
	const db = await getDb(this);
	const wa = await credentialOfKind(this, 'whatsapp');
	const contentId = this.getNodeParameter('contentId', i, 0) as number;
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const { broadcast, created } = await createBroadcast(db, {
		districtId: await districtIdFor(this, db),
		contentId: contentId ? contentId : null,
		contentKey: (this.getNodeParameter('contentKey', i, '') as string) || undefined,
		templates: this.getNodeParameter('templates', i) as string,
		date: (this.getNodeParameter('date', i, '') as string).trim() || undefined,
		segment: this.getNodeParameter('segment', i, {}) as IDataObject as never,
		phoneNumberId: wa.phoneNumberId,
		rateLimitPerSecond: Number(this.getNodeParameter('rateLimitPerSecond', i, WHATSAPP_THROUGHPUT.standard)),
		pacingFactor: options.pacingFactor as number | undefined,
		maxAttempts: options.maxAttempts as number | undefined,
		emergencyOverride:
			options.overrideBy || options.overrideReason
				? { by: String(options.overrideBy ?? ''), reason: String(options.overrideReason ?? '') }
				: undefined,
		createdBy: `n8n:${this.getWorkflow().name ?? this.getWorkflow().id}`,
	});
	return summary(db, broadcast.id, { created });
}
