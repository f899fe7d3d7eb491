import type { Queryable } from '../db';
import { isMitanError } from '../errors';
import { insertReply } from './desk-repository';
import type { Complaint } from './repository';

/**
 * What a message to the citizen leaves on the case (issue 17 §1.5: every promised reply is sent or
 * its failure shows). Sent: its wamid, which the status webhooks then follow (thread.ts). Refused at
 * once: the stable code and Meta's words, so the case says why the citizen was not told.
 */
export interface Refusal {
	code: string;
	message: string;
}

/** Meta's (or our own) refusal of a send, cut to fit the case; undefined for a bug, which is not a refusal. */
export function refusalOf(e: unknown): Refusal | undefined {
	return isMitanError(e) ? { code: e.code, message: e.message.slice(0, 300) } : undefined;
}

/**
 * The intake's own reply (the acknowledgement, or the answer to a follow-up) as a row of
 * complaint_replies, like the desk's messages. Women / child cases keep only that it went out.
 */
export async function recordAutomaticReply(
	q: Queryable,
	c: Pick<Complaint, 'id' | 'sensitive'>,
	purpose: 'ack' | 'follow_up',
	text: string,
	by: string,
	outcome: { wamid: string } | { refused: Refusal },
): Promise<void> {
	const refused = 'refused' in outcome ? outcome.refused : null;
	await insertReply(q, {
		complaintId: c.id,
		purpose,
		kind: 'text',
		template: null,
		body: c.sensitive ? null : text,
		wamid: refused ? null : (outcome as { wamid: string }).wamid,
		errorCode: refused?.code ?? null,
		errorMessage: refused?.message ?? null,
		sentBy: by,
	});
}
