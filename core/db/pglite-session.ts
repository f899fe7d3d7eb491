/**
 * PGlite is ONE PostgreSQL session. The socket server of @electric-sql/pglite-socket queues
 * single protocol messages from many clients onto it, so client A's Parse/Bind can land between
 * client B's Parse and Execute and bind B's parameters to A's statement ("bind message supplies
 * 3 parameters, but prepared statement requires 2"). The session has to be lent out in whole
 * conversations: from a client's first message to its Sync (extended protocol) or Query (simple
 * protocol), and for the whole of an open transaction.
 *
 * SessionGate is that lending rule, shared by the socket clients and the in-process Db wrapper.
 */
export class SessionGate {
	private tail: Promise<void> = Promise.resolve();

	/** Resolves when the session is free, with the function that frees it again. */
	acquire(): Promise<() => void> {
		let release!: () => void;
		const held = new Promise<void>((r) => (release = r));
		const prev = this.tail;
		this.tail = prev.then(() => held);
		return prev.then(() => release);
	}

	async run<T>(fn: () => Promise<T>): Promise<T> {
		const release = await this.acquire();
		try {
			return await fn();
		} finally {
			release();
		}
	}
}

interface QueuedMessage {
	handlerId: number;
	message: Uint8Array;
	resolve(bytes: number): void;
	reject(e: Error): void;
	onData(d: Uint8Array): void;
}

interface QueueInternals {
	queue: QueuedMessage[];
	processing: boolean;
	lastHandlerId: number | null;
	processQueue(): Promise<void>;
	clearTransactionIfNeeded(handlerId: number): Promise<void>;
}

interface PGliteLike {
	isInTransaction(): boolean;
	runExclusive<T>(fn: () => Promise<T>): Promise<T>;
	execProtocolRawStream(m: Uint8Array, o: { onRawData: (d: Uint8Array) => void }): Promise<void>;
	exec(sql: string): Promise<unknown>;
}

const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

/** Replaces the socket server's per-message scheduling with per-conversation scheduling. */
export function lendSessionByConversation(queue: QueueInternals, pg: PGliteLike, gate: SessionGate): void {
	let owner: number | null = null;
	let releaseGate: (() => void) | null = null;

	const endConversation = () => {
		owner = null;
		const r = releaseGate;
		releaseGate = null;
		r?.();
	};

	queue.processQueue = async function processQueue(this: QueueInternals): Promise<void> {
		if (this.processing || this.queue.length === 0) return;
		this.processing = true;
		try {
			while (this.queue.length > 0) {
				let idx = 0;
				if (owner !== null) {
					idx = this.queue.findIndex((q) => q.handlerId === owner);
					if (idx === -1) break; // the owner's next message has not arrived yet: everyone waits
				} else {
					releaseGate = await gate.acquire();
					owner = this.queue[0].handlerId;
				}
				const q = this.queue.splice(idx, 1)[0];
				let bytes = 0;
				let failed: Error | undefined;
				try {
					await pg.runExclusive(() =>
						pg.execProtocolRawStream(q.message, {
							onRawData: (d) => {
								bytes += d.length;
								q.onData(d);
							},
						}),
					);
				} catch (e) {
					failed = e as Error;
				}
				const type = q.message[0];
				// Startup messages have no type byte (their first byte is part of the length: 0).
				const endsConversation = type === SYNC || type === QUERY || type === TERMINATE || type === 0 || failed !== undefined;
				this.lastHandlerId = q.handlerId;
				if (endsConversation && !pg.isInTransaction()) endConversation();
				if (failed) q.reject(failed);
				else q.resolve(bytes);
			}
		} finally {
			this.processing = false;
		}
	};

	const clearTx = queue.clearTransactionIfNeeded.bind(queue);
	queue.clearTransactionIfNeeded = async (handlerId: number) => {
		if (owner === handlerId) {
			// The client vanished mid-conversation: undo its transaction and free the session.
			if (pg.isInTransaction()) await pg.exec('ROLLBACK');
			endConversation();
		}
		await clearTx(handlerId);
		await queue.processQueue();
	};
}
