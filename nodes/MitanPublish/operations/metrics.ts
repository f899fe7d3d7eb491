import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { fetchMetricsForRecentPosts } from '../../../core/publishing/insights';
import { getDb } from '../../shared/db';
import { channelCredentials, postChannelsParameter, readPostChannels } from '../../shared/channels';

const show = { resource: ['post'], operation: ['metrics'] };

export const description: INodeProperties[] = [
	postChannelsParameter('metricChannels', show),
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
	const channels = readPostChannels(this, 'metricChannels', i);
	const days = Number(this.getNodeParameter('days', i, 7));
	const creds = await channelCredentials(this, channels);
	const res = await fetchMetricsForRecentPosts(await getDb(this), creds, { days, channels });
	return res as unknown as IDataObject;
}
