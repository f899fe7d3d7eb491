import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { SocialChannel } from '../../../core/channels/publisher';
import { refreshRollups } from '../../../core/metrics';
import { fetchMetricsForRecentPosts } from '../../../core/social/metrics';
import { getDb } from '../../shared/db';
import { socialCredentials } from '../../shared/social';

const show = { operation: ['pullInsights'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Channels',
		name: 'channels',
		type: 'multiOptions',
		default: ['facebook', 'instagram', 'x'],
		options: [
			{ name: 'Facebook', value: 'facebook' },
			{ name: 'Instagram', value: 'instagram' },
			{ name: 'X', value: 'x' },
		],
		displayOptions: { show },
	},
	{
		displayName: 'Posts of the Last N Days',
		name: 'days',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 90 },
		default: 7,
		displayOptions: { show },
	},
];

/** Fetches insights (core/social, one snapshot a day per post), then refreshes the social rollup. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const db = await getDb(this);
	const channels = this.getNodeParameter('channels', i) as SocialChannel[];
	const creds = await socialCredentials(this, channels);
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
