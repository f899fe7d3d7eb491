import { timingSafeEqual } from 'crypto';
import type { ApprovalLinks, LinkAction } from './types';

/**
 * The approval links are n8n's own signed resume URLs (`getSignedResumeUrl`): HMAC-SHA256 of the
 * path and query with the instance's secret, so a changed decision, nonce or execution id breaks
 * the signature. n8n checks it before calling webhook() for send-and-wait nodes; webhook() checks
 * it again here (a node must not trust its caller), then the nonce in the database refuses a
 * second use of a valid link. The signer is n8n's (the node's context); the rules are here.
 */
export interface Signer {
	getSignedResumeUrl(parameters?: Record<string, string>): string;
}

const ACTIONS: LinkAction[] = ['approve', 'reject', 'changes', 'settle'];

export function signLinks(ctx: Signer, nonce: string): Required<ApprovalLinks> {
	// Parameter order is part of the signed string: always decision, then nonce.
	const sign = (decision: LinkAction) => ctx.getSignedResumeUrl({ decision, nonce });
	return { approve: sign('approve'), reject: sign('reject'), changes: sign('changes'), settle: sign('settle') };
}

export type LinkCheck =
	{ ok: true; action: LinkAction; nonce: string } | { ok: false; reason: 'malformed' | 'bad_signature'; action?: string; nonce?: string };

export function verifyLink(ctx: Signer, query: Record<string, unknown>): LinkCheck {
	const action = query.decision;
	const nonce = query.nonce;
	const signature = query.signature;
	if (
		typeof action !== 'string' ||
		!ACTIONS.includes(action as LinkAction) ||
		typeof nonce !== 'string' ||
		!/^[A-Za-z0-9_-]{16,64}$/.test(nonce) ||
		typeof signature !== 'string'
	) {
		return {
			ok: false,
			reason: 'malformed',
			action: typeof action === 'string' ? action : undefined,
			nonce: typeof nonce === 'string' ? nonce : undefined,
		};
	}
	const expected = new URL(ctx.getSignedResumeUrl({ decision: action, nonce })).searchParams.get('signature') ?? '';
	const a = Buffer.from(signature);
	const b = Buffer.from(expected);
	if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'bad_signature', action, nonce };
	return { ok: true, action: action as LinkAction, nonce };
}
