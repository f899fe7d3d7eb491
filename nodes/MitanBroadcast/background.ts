/**
 * "Start and return": the sending loop runs in the background of the n8n process (main or
 * queue-mode worker) that ran the node, and the execution ends at once. One loop per broadcast
 * per process. If the process dies, the broadcast stays "running" with no live worker: its
 * claimed rows return to the pool and its in-flight rows become in doubt when someone runs
 * Resume (or Start) again: running the node again IS the recovery.
 */
import { runSender, type SenderOptions, type SenderResult } from '../../core/broadcast';
import type { WhatsAppClient } from '../../core/channels/whatsapp/client';
import type { Db } from '../../core/db';

const running = new Map<number, { promise: Promise<SenderResult | undefined>; abort: AbortController }>();

export function runInBackground(
	db: Db,
	client: WhatsAppClient,
	broadcastId: number,
	opts: Pick<SenderOptions, 'inDoubtQuietMs'> = {},
): boolean {
	if (running.has(broadcastId)) return false;
	const abort = new AbortController();
	const promise = runSender(db, client, broadcastId, { ...opts, signal: abort.signal })
		.catch(() => undefined) // the state is in the database; Status shows it, Resume continues it
		.finally(() => {
			running.delete(broadcastId);
			client.close();
		});
	running.set(broadcastId, { promise, abort });
	return true;
}

/** For tests and a worker shutting down: stop every background loop and wait for it. */
export async function stopAllBackground(): Promise<void> {
	const all = [...running.values()];
	all.forEach((r) => r.abort.abort());
	await Promise.all(all.map((r) => r.promise));
}

/** Waits for this process's loop of a broadcast, if any (tests). */
export async function waitBackground(broadcastId: number): Promise<SenderResult | undefined> {
	return running.get(broadcastId)?.promise;
}
