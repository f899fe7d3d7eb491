import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { refreshDays, refreshRollups, type RollupKind } from '../../../core/metrics';
import { districtIdFor, getDb } from '../../shared/db';

const show = { operation: ['refresh'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		default: 'incremental',
		options: [
			{
				name: 'Changed Days',
				value: 'incremental',
				description: 'Only the days whose data changed since the last refresh (fast; run it every few minutes or hourly)',
			},
			{ name: 'One Day', value: 'day', description: 'Recompute one given day' },
			{ name: 'Everything', value: 'full', description: 'Recompute every day (after a restore or an upgrade)' },
		],
		displayOptions: { show },
	},
	{
		displayName: 'Day',
		name: 'day',
		type: 'string',
		default: '',
		placeholder: '2026-03-31',
		required: true,
		displayOptions: { show: { ...show, mode: ['day'] } },
	},
	{
		displayName: 'Rollups',
		name: 'kinds',
		type: 'multiOptions',
		default: ['whatsapp', 'social', 'complaints'],
		options: [
			{ name: 'Complaints', value: 'complaints' },
			{ name: 'Social', value: 'social' },
			{ name: 'WhatsApp', value: 'whatsapp' },
		],
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const db = await getDb(this);
	const mode = this.getNodeParameter('mode', i) as 'incremental' | 'full' | 'day';
	const kinds = this.getNodeParameter('kinds', i) as RollupKind[];
	const r =
		mode === 'day'
			? await refreshDays(db, [{ day: String(this.getNodeParameter('day', i)).trim(), districtId: await districtIdFor(this, db) }], {
					kinds,
				})
			: await refreshRollups(db, { mode, kinds });
	return {
		mode,
		millis: r.millis,
		kinds: r.kinds.map((k) => ({
			kind: k.kind,
			days: k.days?.map((d) => d.day) ?? 'all',
			rows: k.rows,
			changed: k.changed,
			removed: k.removed,
			millis: k.millis,
		})),
	};
}
