import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { channelRules } from '../../../core/channels/registry';
import type { SocialChannel } from '../../../core/channels/types';
import { MitanError } from '../../../core/errors';
import { inlineContent, loadPublishableContent, type PublishableContent } from '../../../core/publishing/content';
import { OWN_MEDIA_RE, requestContentJpegUrl } from '../../../core/publishing/media-link';
import { publishToChannels, type ChannelResult } from '../../../core/publishing/publish';
import { channelCredentials, postChannelsParameter, readPostChannels } from '../../shared/channels';
import { districtIdFor, getDb } from '../../shared/db';
import { errorJson } from '../../shared/errors';

const show = { resource: ['post'], operation: ['publish'] };
const inline = { ...show, contentSource: ['inline'] };

export const description: INodeProperties[] = [
	postChannelsParameter('channels', show, 'Networks to post to; each gets one output item'),
	{
		displayName: 'Content',
		name: 'contentSource',
		type: 'options',
		options: [
			{ name: 'Approved Content by ID', value: 'byId', description: 'A row of the content table approved by the supervisor' },
			{ name: 'Inline (Ad Hoc / Testing)', value: 'inline', description: 'Text given here; not approved, needs the confirmation below' },
		],
		default: 'byId',
		displayOptions: { show },
	},
	{
		displayName: 'Content ID',
		name: 'contentId',
		type: 'number',
		default: 0,
		required: true,
		placeholder: '={{ $json.contentId }}',
		description: 'ID of approved content (state approved, approval matching the current text)',
		displayOptions: { show: { ...show, contentSource: ['byId'] } },
	},
	{
		displayName: 'Publish Unapproved Inline Content',
		name: 'allowInline',
		type: 'boolean',
		default: false,
		description: 'Whether to post this text without the supervisor’s approval (testing or a one-off). Off: the node refuses.',
		displayOptions: { show: inline },
	},
	{ displayName: 'Hindi Text', name: 'bodyHi', type: 'string', typeOptions: { rows: 4 }, default: '', displayOptions: { show: inline } },
	{ displayName: 'English Text', name: 'bodyEn', type: 'string', typeOptions: { rows: 4 }, default: '', displayOptions: { show: inline } },
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		default: '',
		description: 'Public JPEG URL (Instagram fetches it itself); the gateway’s /media/<hash>.jpg URLs are safe',
		displayOptions: { show: inline },
	},
	{
		displayName: 'Channel Variants',
		name: 'variants',
		type: 'collection',
		placeholder: 'Add Variant',
		default: {},
		displayOptions: { show: inline },
		options: [
			{
				displayName: 'X Text',
				name: 'xText',
				type: 'string',
				default: '',
				description: 'At most 280 weighted characters (Hindi counts every matra; a link counts 23)',
			},
			{ displayName: 'Instagram Caption', name: 'instagramCaption', type: 'string', typeOptions: { rows: 3 }, default: '' },
			{ displayName: 'Facebook Text', name: 'facebookText', type: 'string', typeOptions: { rows: 3 }, default: '' },
			{ displayName: 'Facebook Link', name: 'facebookLink', type: 'string', default: '' },
		],
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
				displayName: 'Gateway URL',
				name: 'gatewayUrl',
				type: 'string',
				default: '',
				placeholder: 'https://mitan.example.org',
				description:
					'Public URL of the Police Mitan gateway: approved images are converted there to JPEG and served at /media/<hash>.jpg for Instagram',
			},
			{ displayName: 'Request Timeout (Seconds)', name: 'timeoutSeconds', type: 'number', default: 30, typeOptions: { minValue: 1 } },
			{
				displayName: 'Instagram Poll Interval (Ms)',
				name: 'pollIntervalMs',
				type: 'number',
				default: 2000,
				typeOptions: { minValue: 50 },
				description: 'First wait between container status checks (doubles up to 60 s; gives up after 5 min)',
			},
			{
				displayName: 'Max Rate-Limit Wait (Seconds)',
				name: 'maxRateLimitWaitSeconds',
				type: 'number',
				default: 120,
				description: 'On a 429, wait for the network’s reset time if it is at most this long; otherwise fail with retry soon',
			},
		],
	},
];

async function readContent(ctx: IExecuteFunctions, i: number): Promise<PublishableContent> {
	if (ctx.getNodeParameter('contentSource', i) === 'inline') {
		if (!ctx.getNodeParameter('allowInline', i, false)) {
			throw new MitanError(
				'INLINE_NOT_CONFIRMED',
				'inline content is not approved: turn on "Publish Unapproved Inline Content" or publish approved content by ID / बिना स्वीकृति सामग्री प्रकाशित नहीं होगी',
				{ field: 'allowInline' },
			);
		}
		const v = ctx.getNodeParameter('variants', i, {}) as IDataObject;
		const s = (k: string) => (typeof v[k] === 'string' && v[k] !== '' ? (v[k] as string) : undefined);
		const [xText, caption, fbText, fbLink] = [s('xText'), s('instagramCaption'), s('facebookText'), s('facebookLink')];
		const db = await getDb(ctx);
		return inlineContent({
			districtId: await districtIdFor(ctx, db),
			bodyHi: ctx.getNodeParameter('bodyHi', i, '') as string,
			bodyEn: ctx.getNodeParameter('bodyEn', i, '') as string,
			imageUrl: (ctx.getNodeParameter('imageUrl', i, '') as string) || null,
			variants: {
				...(xText ? { x: { text: xText } } : {}),
				...(caption ? { instagram: { caption } } : {}),
				...(fbText || fbLink ? { facebook: { text: fbText ?? '', link: fbLink } } : {}),
			},
		});
	}
	const id = Number(ctx.getNodeParameter('contentId', i));
	return loadPublishableContent(await getDb(ctx), id);
}

function resultJson(r: ChannelResult): IDataObject {
	if (r.ok && r.outcome) return { ...r.outcome };
	return { channel: r.channel, status: 'failed', ...errorJson(r.error) };
}

export async function execute(this: IExecuteFunctions, i: number) {
	const asked = readPostChannels(this, 'channels', i);
	let content = await readContent(this, i);
	// The editor chose the channels and the approver approved that choice: the others are not posted.
	const chosen = content.channels;
	const channels = chosen ? asked.filter((c) => chosen.includes(c)) : asked;
	const notChosen: IDataObject[] = asked
		.filter((c) => !channels.includes(c))
		.map((c) => ({ channel: c, status: 'not_chosen', contentId: content.contentId }));
	const opts = this.getNodeParameter('options', i, {}) as IDataObject;
	const db = await getDb(this);
	const creds = await channelCredentials(this, channels);

	// Channels that post the image get the gateway's prepared JPEG (Instagram fetches it itself and
	// takes only JPEG); when that fails, the channels that can take the original still post.
	const preFailed = new Map<SocialChannel, MitanError>();
	const gatewayUrl = typeof opts.gatewayUrl === 'string' ? opts.gatewayUrl.trim() : '';
	const useImage = channels.filter((c) => channelRules(c).image !== 'none');
	if (content.imageUrl && content.contentId !== null && gatewayUrl && !OWN_MEDIA_RE.test(content.imageUrl) && useImage.length) {
		try {
			content = { ...content, imageUrl: await requestContentJpegUrl(db, gatewayUrl, content.contentId) };
		} catch (e) {
			const err = e instanceof MitanError ? e : new MitanError('MEDIA_PREPARE_FAILED', (e as Error).message);
			for (const c of useImage) if (channelRules(c).image === 'prepared_jpeg') preFailed.set(c, err);
		}
	}
	const run = channels.filter((c) => !preFailed.has(c));
	const done = await publishToChannels(db, creds, content, run, {
		worker: `n8n:${this.getExecutionId()}`,
		actor: `n8n:${this.getWorkflow().name ?? this.getWorkflow().id}`,
		publisherOptions: {
			timeoutMs: Number(opts.timeoutSeconds ?? 30) * 1000,
			maxRateLimitWaitMs: Number(opts.maxRateLimitWaitSeconds ?? 120) * 1000,
			instagram: { pollIntervalMs: Number(opts.pollIntervalMs ?? 2000) },
		},
	});
	const results: ChannelResult[] = channels.map(
		(c) => done.find((d) => d.channel === c) ?? { channel: c, ok: false, error: preFailed.get(c) },
	);
	const failed = results.filter((r) => !r.ok);
	// Every channel was tried before any failure is raised: one network never stops the others.
	if (failed.length && !this.continueOnFail()) {
		const first = failed[0].error!;
		const okList = results.filter((r) => r.ok).map((r) => `${r.channel} ${r.outcome!.status}`);
		throw MitanError.from(first, 'SOCIAL_UNEXPECTED', {
			message: `${failed.map((f) => f.error!.message).join(' | ')}${okList.length ? ` (done: ${okList.join(', ')})` : ''}`,
			details: { channels: results.map(resultJson) },
		});
	}
	return [...results.map(resultJson), ...notChosen];
}
