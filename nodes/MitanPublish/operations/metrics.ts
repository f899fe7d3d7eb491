import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { SocialChannel } from '../../../core/channels/publisher';
import { fetchMetricsForRecentPosts } from '../../../core/social/metrics';
import { getDb } from '../../shared/db';
import { socialCredentials } from '../../shared/social';

const show = { resource: ['post'], operation: ['metrics'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Channels',
		name: 'metricChannels',
		type: 'multiOptions',
		options: [
			{ name: 'Facebook Page', value: 'facebook' },
			{ name: 'Instagram', value: 'instagram' },
			{ name: 'X', value: 'x' },
		],
		default: ['facebook', 'instagram', 'x'],
		displayOptions: { show },
	},
	{
		displayName: 'Posts From the Last (Days)',
		name: 'days',
		type: 'number',
		default: 7,
		typeOptions: { minValue: 1, maxValue: 90 },
		description: 'Insights are pulled for posts published in this many days (X bills each read; its private metrics cover 30 days)',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const channels = this.getNodeParameter('metricChannels', i, []) as SocialChannel[];
	const days = Number(this.getNodeParameter('days', i, 7));
	const creds = await socialCredentials(this, channels);
	const res = await fetchMetricsForRecentPosts(await getDb(this), creds, { days, channels });
	return res as unknown as IDataObject;
}
