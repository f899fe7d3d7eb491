import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { DEFAULT_FOLLOW_UP_MINUTES, type IntakeInput } from '../../../core/complaints';
import { withWhatsAppClient } from '../../shared/whatsapp';
import { actorFor, categoryOptions, complaintJson, serviceFor } from '../common';

const show = { operation: ['create'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Message From',
		name: 'source',
		type: 'options',
		default: 'trigger',
		options: [
			{
				name: 'Mitan Trigger Item',
				value: 'trigger',
				description: 'The item the Mitan Trigger emits for an inbound message (ID, wamid, from, text, subscriber)',
			},
			{ name: 'Fields Below', value: 'fields', description: 'Text and phone given explicitly (e.g. a complaint taken by phone)' },
		],
		displayOptions: { show },
	},
	{
		displayName: 'Message Text',
		name: 'body',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		displayOptions: { show: { ...show, source: ['fields'] } },
	},
	{
		displayName: 'Citizen Phone',
		name: 'fromPhone',
		type: 'string',
		default: '',
		placeholder: '98765 43210',
		displayOptions: { show: { ...show, source: ['fields'] } },
	},
	{
		displayName: 'Police Station',
		name: 'policeStation',
		type: 'string',
		default: '',
		description: 'Defaults to the subscriber’s police station',
		displayOptions: { show: { ...show, source: ['fields'] } },
	},
	{
		displayName: 'Send Reply',
		name: 'sendReply',
		type: 'boolean',
		default: true,
		description: 'Whether to reply on WhatsApp with the reference number (and 1930 when money was lost)',
		displayOptions: { show },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Follow-Up Window (Minutes)',
				name: 'followUpWindowMinutes',
				type: 'number',
				default: DEFAULT_FOLLOW_UP_MINUTES,
				description: 'A new message within this time joins the citizen’s open complaint; 0 = always a new complaint',
			},
			{
				displayName: 'Category',
				name: 'category',
				type: 'options',
				default: 'other',
				options: categoryOptions,
				description: 'Use this category instead of the classifier’s (recorded as an override)',
			},
			{
				displayName: 'Reply Language',
				name: 'language',
				type: 'options',
				default: 'hi',
				options: [
					{ name: 'Hindi', value: 'hi' },
					{ name: 'English', value: 'en' },
				],
				description: 'Default: the language the citizen wrote in',
			},
		],
	},
];

function fromTrigger(json: IDataObject): IntakeInput {
	const sub = (json.subscriber ?? null) as IDataObject | null;
	return {
		inboundMessageId: typeof json.id === 'number' ? json.id : undefined,
		wamid: typeof json.id !== 'number' && typeof json.wamid === 'string' ? json.wamid : undefined,
		body: typeof json.text === 'string' ? json.text : typeof json.body === 'string' ? json.body : undefined,
		fromPhone: typeof json.from === 'string' ? json.from : undefined,
		fromUserId: typeof json.fromUserId === 'string' ? json.fromUserId : undefined,
		subscriberId: sub && typeof sub.id === 'number' ? sub.id : undefined,
		policeStation: sub && typeof sub.policeStation === 'string' ? sub.policeStation : undefined,
		districtId: typeof json.districtId === 'number' ? json.districtId : undefined,
	};
}

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const svc = await serviceFor(this);
	const opts = this.getNodeParameter('options', i, {}) as IDataObject;
	const input: IntakeInput =
		this.getNodeParameter('source', i) === 'trigger'
			? fromTrigger(this.getInputData()[i].json)
			: {
					body: this.getNodeParameter('body', i) as string,
					fromPhone: (this.getNodeParameter('fromPhone', i, '') as string) || undefined,
					policeStation: (this.getNodeParameter('policeStation', i, '') as string) || undefined,
				};
	if (opts.followUpWindowMinutes !== undefined) input.followUpWindowMinutes = Number(opts.followUpWindowMinutes);
	if (opts.category) input.category = String(opts.category);
	if (opts.language) input.language = opts.language as 'hi' | 'en';
	const by = actorFor(this);
	const r = await svc.intake(input, by);
	let complaint = r.complaint;
	let reply: IDataObject = { text: r.reply.text, language: r.reply.language, sent: false };
	if (this.getNodeParameter('sendReply', i) && r.replyNeeded && r.reply.to) {
		const sent = await withWhatsAppClient(this, { timeoutMs: 20_000, maxSockets: 2 }, (wa) => svc.sendReply(wa, r, by));
		complaint = sent.complaint;
		reply = { ...reply, sent: true, wamid: sent.wamid };
	}
	return {
		outcome: r.outcome,
		...complaintJson(complaint),
		matchedKeywords: r.classification.matched,
		reply,
	};
}
