/**
 * What one send's answer does to its delivery row, by action class (core/channels/whatsapp/errors.ts
 * is the one map from Meta's code to the class). Pure: the sender records the rows and acts on
 * `stop` / `drop`.
 */
import { PAIR_RATE_WAIT_MS, isWhatsAppApiError, rosterEffectOf, type RosterEffect } from '../channels/whatsapp/errors';
import { WHATSAPP_NOT_TODAY_CODES } from '../channels/graph/errors';
import { isMitanError, type ErrorAction } from '../errors';
import type { OutcomeRow } from './repository';

export interface RetryPolicy {
	maxAttempts: number;
	/** First retry_soon delay (ms); doubles per attempt. */
	baseDelayMs: number;
	/** Cap of the exponential backoff (ms). */
	maxDelayMs: number;
	random: () => number;
}

export const DEFAULT_RETRY: Omit<RetryPolicy, 'maxAttempts'> = { baseDelayMs: 500, maxDelayMs: 60_000, random: Math.random };

/** Capped exponential backoff with jitter ("equal jitter": half fixed, half random). */
export function backoffMs(attempt: number, p: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
	const exp = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.max(0, attempt - 1));
	return Math.round(exp / 2 + (exp / 2) * p.random());
}

export interface Outcome {
	row: OutcomeRow;
	/** The whole campaign must stop (token, account block, content): the row went back to pending. */
	stop?: { code: string; action: ErrorAction; reason: string };
	/** The citizen must never be messaged again, and the roster changes (core/channels/whatsapp/errors.ts says how). */
	drop?: { effect: RosterEffect; code: number };
}

const STOPPING: ErrorAction[] = ['reauthenticate', 'stop_campaign', 'fix_content', 'configure'];

export function outcomeOf(
	id: number,
	attempt: number,
	result: { wamid: string } | { error: unknown },
	policy: RetryPolicy,
	now = Date.now(),
): Outcome {
	const at = new Date(now).toISOString();
	if ('wamid' in result) return { row: { id, state: 'sent', wamid: result.wamid, at } };
	const e = result.error;
	const later = (ms: number) => new Date(now + ms).toISOString();
	if (isWhatsAppApiError(e)) {
		const code = e.metaCode ?? null;
		if (e.mayHaveBeenSent) return { row: { id, state: 'in_doubt', error_code: code, error_class: 'in_doubt', at } };
		const action = e.action;
		if (STOPPING.includes(action)) {
			// 131048 stops the campaign but this citizen is not tried again today (a resume sends the others).
			const notToday = code !== null && WHATSAPP_NOT_TODAY_CODES.includes(code);
			return {
				row: notToday
					? { id, state: 'failed', error_code: code, error_class: action, at }
					: { id, state: 'pending', error_code: code, error_class: action, attempts_delta: -1, at },
				stop: { code: e.code, action, reason: e.message },
			};
		}
		switch (action) {
			case 'retry_soon':
				if (attempt >= policy.maxAttempts) return { row: { id, state: 'failed', error_code: code, error_class: 'retry_soon', at } };
				return {
					row: {
						id,
						state: 'pending',
						error_code: code,
						error_class: 'retry_soon',
						next_attempt_at: later(backoffMs(attempt, policy)),
						at,
					},
				};
			case 'slow_recipient':
				// Only this citizen waits; a little jitter so a crowd of them does not return together.
				if (attempt >= policy.maxAttempts) return { row: { id, state: 'failed', error_code: code, error_class: 'slow_recipient', at } };
				return {
					row: {
						id,
						state: 'pending',
						error_code: code,
						error_class: 'slow_recipient',
						next_attempt_at: later(PAIR_RATE_WAIT_MS + Math.round(500 * policy.random())),
						at,
					},
				};
			case 'retry_tomorrow':
				return { row: { id, state: 'failed', error_code: code, error_class: 'retry_tomorrow', at } };
			case 'drop_recipient': {
				const effect = rosterEffectOf(code);
				return {
					row: { id, state: 'failed', error_code: code, error_class: 'drop_recipient', at },
					drop: effect && code !== null ? { effect, code } : undefined,
				};
			}
			default:
				return { row: { id, state: 'failed', error_code: code, error_class: action, at } };
		}
	}
	if (isMitanError(e)) {
		// Refused before any request (bad number, bad template): nothing left the process.
		if (STOPPING.includes(e.action)) {
			return {
				row: { id, state: 'pending', error_class: e.action, attempts_delta: -1, at },
				stop: { code: e.code, action: e.action, reason: e.message },
			};
		}
		return { row: { id, state: 'failed', error_class: e.action, at } };
	}
	// A bug somewhere between us and the socket: we cannot know whether it left, so in doubt.
	return { row: { id, state: 'in_doubt', error_class: 'in_doubt', at } };
}
