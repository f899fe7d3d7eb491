import { randomBytes } from 'crypto';
import type { IDataObject, IRun, ITriggerFunctions } from 'n8n-workflow';
import { InboundConsumer, type ConsumerOptions } from '../../core/inbound/consumer';
import type { ClaimedMessage, InboundFilter } from '../../core/inbound/queue';
import { resolveDistrict } from '../../core/districts';
import { dbFromCredential } from '../shared/db';

interface TriggerOptions {
	acknowledge?: 'finished' | 'started';
	districtId?: number;
	leaseMinutes?: number;
	maxAttempts?: number;
	maxConcurrent?: number;
	pollSeconds?: number;
}

/** What the workflow receives: the message, the citizen's roster record, the queue bookkeeping. */
export function toItem(m: ClaimedMessage): IDataObject {
	const { claimToken: _token, attempt, id, ...rest } = m;
	return { ...rest, queue: { id, attempt } } as unknown as IDataObject;
}

export function readFilter(ctx: ITriggerFunctions): InboundFilter {
	const types = ctx.getNodeParameter('messageTypes', []) as string[];
	const stations = String(ctx.getNodeParameter('policeStations', '') ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	const o = ctx.getNodeParameter('options', {}) as TriggerOptions;
	return { types, policeStations: stations, districtId: o.districtId ? Number(o.districtId) : undefined };
}

/**
 * One consumer per active trigger: each claimed message becomes one execution (`this.emit`),
 * settled in the queue when n8n reports the execution finished (the done promise), or at once
 * when the node is set to acknowledge on start.
 */
export async function createConsumer(ctx: ITriggerFunctions, extra: Partial<ConsumerOptions> = {}): Promise<InboundConsumer> {
	const cred = await ctx.getCredentials('mitanDatabaseApi');
	const db = dbFromCredential(cred);
	const o = ctx.getNodeParameter('options', {}) as TriggerOptions;
	const filter = readFilter(ctx);
	// A credential with a District Code consumes that district's messages only: their replies go out
	// from that district's number. Without one (a single-district installation): every district's.
	if (filter.districtId === undefined && typeof cred.district === 'string' && cred.district.trim() !== '')
		filter.districtId = (await resolveDistrict(db, cred.district, 'Mitan Database credential: District Code')).id;
	const ackOnStart = o.acknowledge === 'started';
	const workerId = `${ctx.getWorkflow().id ?? 'wf'}:${ctx.getNode().id}:${process.pid}:${randomBytes(3).toString('hex')}`;
	return new InboundConsumer(db, {
		workerId,
		filter,
		batchSize: o.maxConcurrent ?? 5,
		maxInFlight: o.maxConcurrent ?? 5,
		leaseSeconds: Math.round((o.leaseMinutes ?? 10) * 60),
		maxAttempts: o.maxAttempts ?? 5,
		pollMs: (o.pollSeconds ?? 30) * 1000,
		onError: (e) => ctx.logger.warn(`Mitan Trigger: ${(e as Error).message ?? String(e)}`),
		...extra,
		handle: async (m) => {
			const data = [ctx.helpers.returnJsonArray([toItem(m)])];
			if (ackOnStart) {
				ctx.emit(data);
				return 'done';
			}
			const done = ctx.helpers.createDeferredPromise<IRun>();
			// Read ctx.emit at call time: in a manual run n8n replaces it after trigger() returns.
			ctx.emit(data, undefined, done);
			const run = await done.promise;
			return run.status === 'error' || run.status === 'crashed' || run.data?.resultData?.error ? 'failed' : 'done';
		},
	});
}
