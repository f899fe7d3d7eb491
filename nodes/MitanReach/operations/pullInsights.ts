import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { refreshRollups } from '../../../core/metrics';
import { fetchMetricsForRecentPosts } from '../../../core/publishing/insights';
import { getDb } from '../../shared/db';
import { channelCredentials, postChannelsParameter, readPostChannels } from '../../shared/channels';

const show = { operation: ['pullInsights'] };

export const description: INodeProperties[] = [
	postChannelsParameter('channels', show),
	{
		displayName: 'Posts of the Last N Days',
		name: 'days',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 90 },
		default: 7,
		displayOptions: { show },
	},
];

/** Fetches insights (core/publishing/insights.ts, one snapshot a day per post), then refreshes the social rollup. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const db = await getDb(this);
	const channels = readPostChannels(this, 'channels', i);
	const creds = await channelCredentials(this, channels);
	const pulled = await fetchMetricsForRecentPosts(db, creds, { days: Number(this.getNodeParameter('days', i, 7)), channels });
	const refreshed = await refreshRollups(db, { kinds: ['social'] });
	return {
		day: pulled.day,
		posts: pulled.posts,
		metricsWritten: pulled.written,
		failedPosts: pulled.failedPosts,
		results: pulled.results as unknown as IDataObject[],
		rollupDaysRefreshed: refreshed.kinds[0].days?.map((d) => d.day) ?? [],
	};
}
