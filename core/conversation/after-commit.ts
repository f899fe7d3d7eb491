import { audit } from '../audit';
import { isWhatsAppApiError, PAIR_RATE_WAIT_MS } from '../channels/whatsapp/errors';
import type { ConversationSender, MediaReader } from '../channels/whatsapp/types';
import type { Db } from '../db';
import type { N8nApiSettings } from '../erasure';
import type { MitanError } from '../errors';
import { maskPhone } from '../phone';
import { fetchAttachment, type MediaFetchRetry } from './attachments';
import { eraseCitizenOnRequest } from './erasure';
import { erased, type Outgoing } from './messages';
import type { ConversationAction } from './service';

/**
 * What the conversation does once the citizen's message is committed: answers sent, media
 * fetched, a confirmed erasure carried out. Nothing here undoes the commit; a failed answer is
 * audited (masked number, purpose, code) so the dashboard can show the citizen was not told.
 */
export interface AfterCommitDeps {
	db: Db;
	senderFor: (phoneNumberId: string) => ConversationSender | null;
	mediaFor: (phoneNumberId: string) => MediaReader | null;
	/** n8n's public API, for the executions a DELETE MY DATA must take too (core/erasure/n8n-executions.ts). */
	n8nApi?: N8nApiSettings;
	/** Retries of a transient media fetch failure (default MEDIA_FETCH_RETRY: 4, from 1 s doubling). */
	mediaRetry?: MediaFetchRetry;
	counters: {
		answersSent: number;
		answersFailed: number;
		answersSkipped: number;
		mediaFetched: number;
		mediaFailed: number;
		erasures: number;
	};
	onError?: (e: unknown, where: string) => void;
}

/**
 * One answer. A citizen who taps quickly can be answered twice within Meta's pair limit (one
 * message per ~6 s to the same number, 131056): that answer waits the pair interval and is sent
 * again, at most twice; nothing else is retried here (the citizen can always ask again).
 */
export async function sendOutgoing(sender: ConversationSender, to: string, m: Outgoing, pairWaitMs = PAIR_RATE_WAIT_MS): Promise<string> {
	for (let attempt = 0; ; attempt++) {
		try {
			const r = m.kind === 'text' ? await sender.sendText(to, m.text) : await sender.sendInteractive(to, m);
			return r.wamid;
		} catch (e) {
			if (attempt >= 2 || !isWhatsAppApiError(e) || e.metaCode !== 131056) throw e;
			await new Promise((r) => setTimeout(r, pairWaitMs + 500));
		}
	}
}

export async function runConversationActions(actions: ConversationAction[], d: AfterCommitDeps): Promise<void> {
	for (const a of actions) {
		if (a.kind === 'fetch_media') {
			const reader = d.mediaFor(a.phoneNumberId);
			if (!reader) continue; // no credential: stays pending for a later sweep
			for (const id of a.attachmentIds) {
				const r = await fetchAttachment(d.db, reader, id, d.mediaRetry);
				if (r === 'fetched') d.counters.mediaFetched++;
				else if (r === 'failed') d.counters.mediaFailed++;
			}
			continue;
		}
		let message: Outgoing;
		let purpose: string;
		if (a.kind === 'erase') {
			// The one erasure (core/erasure, through erasure.ts); the citizen is told once it is done.
			try {
				await eraseCitizenOnRequest(d.db, a.districtId, a.to, d.n8nApi);
			} catch (e) {
				// Not told "erased": the request is on record for staff to finish by hand.
				d.onError?.(e, 'erasure');
				await audit(d.db, {
					districtId: a.districtId,
					actor: 'system:gateway',
					action: 'citizen.erasure_failed',
					entity: 'phone',
					entityId: maskPhone(a.to),
					details: { code: (e as MitanError).code ?? 'unknown' },
				}).catch((e2) => d.onError?.(e2, 'erasure audit'));
				continue;
			}
			d.counters.erasures++;
			message = erased(a.language);
			purpose = 'erased';
		} else {
			message = a.message;
			purpose = a.purpose;
		}
		const sender = d.senderFor(a.phoneNumberId);
		if (!sender) {
			d.counters.answersSkipped++;
			continue;
		}
		try {
			await sendOutgoing(sender, a.to, message);
			d.counters.answersSent++;
		} catch (e) {
			d.counters.answersFailed++;
			d.onError?.(e, 'conversation');
			await audit(d.db, {
				districtId: a.districtId,
				actor: 'system:gateway',
				action: 'citizen.answer_failed',
				entity: 'phone',
				entityId: maskPhone(a.to),
				details: { purpose, code: (e as MitanError).code ?? 'unknown' },
			}).catch((e2) => d.onError?.(e2, 'conversation audit'));
		}
	}
}
